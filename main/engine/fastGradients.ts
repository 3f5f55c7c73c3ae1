// Faster replacements for tfjs gradients whose stock form is a loop of tiny kernels. tfjs-core's gradient
// of Tile adds one slice of dy per repetition (reps[0] × reps[1] × … Slice and Add calls): tiling a
// [1, 40, 64] position table over a batch of 32, as a token-and-position embedding does, costs 64 kernels
// per step, and the attention templates spend over half their training step there on wasm (docs/engine.md).
// The same sum is one reshape and one reduction: dy viewed as [r0, x0, r1, x1, …], summed over the r axes.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from './backends.ts';

/** The Tile gradient as one reduction: exact up to the order of the additions. */
export function tileGradient(tf: Pick<Tf, 'reshape' | 'sum'>, dy: Tensor, xShape: readonly number[], reps: readonly number[]): Tensor {
  const split: number[] = [];
  const repAxes: number[] = [];
  xShape.forEach((size, axis) => {
    repAxes.push(split.length);
    split.push(reps[axis], size);
  });
  return tf.reshape(tf.sum(tf.reshape(dy, split), repAxes), [...xShape]);
}

type GradConfig = Parameters<Tf['registerGradient']>[0];

/** tfjs's own gradient configs that registerFastGradients replaced, for benchmarks that compare (useStockGradients). */
const stock = new Map<string, GradConfig>();
const fast = new Map<string, GradConfig>();

/** Registers the faster gradients (replacing tfjs's own for these kernels); returns the kernel names. */
export function registerFastGradients(tf: Pick<Tf, 'registerGradient' | 'getGradient' | 'reshape' | 'sum'>): string[] {
  const original = tf.getGradient('Tile');
  if (original && !fast.has('Tile')) stock.set('Tile', original as GradConfig);
  const config: GradConfig = {
    kernelName: 'Tile',
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs) => {
      const [x] = saved;
      const { reps } = attrs as unknown as { reps: number[] };
      return { x: () => tileGradient(tf, dy as Tensor, x.shape, reps) };
    },
  };
  fast.set('Tile', config);
  tf.registerGradient(config);
  return ['Tile'];
}

/** Switches between tfjs's stock gradients (true) and the faster ones (false), e.g. to measure what they buy. */
export function useStockGradients(tf: Pick<Tf, 'registerGradient'>, useStock: boolean): void {
  for (const [name, config] of (useStock ? stock : fast)) {
    if (useStock || stock.has(name)) tf.registerGradient(config);
  }
}
