// A Tile gradient that is one reshape and one sum. tfjs-core's own adds up one slice of dy per copy (a
// JS loop of slice + add kernels), and Tile sits on every LayerNormalization (its scale, offset, mean
// and variance are tiled to the input's shape) and every broadcastTo: for a Transformer block at batch
// 32 × 32 steps that was over 4,000 kernels a step, three quarters of the training time on wasm. It
// also covers rank 5 and up, where tfjs-core's throws.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from './backends.ts';

/**
 * dy of `tile(x, reps)` has size reps[i]·x.shape[i] on axis i, copy k of x at offset k·x.shape[i]; read as
 * [reps[0], x.shape[0], reps[1], x.shape[1], …], the copies are the even axes, so summing them gives dx.
 */
export function tileGradient(tf: Pick<Tf, 'reshape' | 'sum'>, dy: Tensor, xShape: readonly number[], reps: readonly number[]): Tensor {
  const interleaved = xShape.flatMap((size, i) => [reps[i], size]);
  return tf.reshape(tf.sum(tf.reshape(dy, interleaved), xShape.map((_, i) => 2 * i)), [...xShape]);
}

/** Replaces tfjs-core's Tile gradient (for every backend: the gradient is composed of ordinary ops). */
export function registerTileGradient(tf: Pick<Tf, 'registerGradient' | 'reshape' | 'sum'>): void {
  tf.registerGradient({
    kernelName: 'Tile',
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs) => {
      const [x] = saved;
      const reps = (attrs as { reps: number[] }).reps;
      return { x: () => tileGradient(tf, dy as Tensor, x.shape, reps) };
    },
  });
}
