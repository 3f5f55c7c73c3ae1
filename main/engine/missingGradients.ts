// Gradients tfjs leaves undefined for ops that Keras layers still put on the tape. A comparison is a
// step function, so its gradient is zero almost everywhere (TensorFlow marks these NotDifferentiable).
// Without this, ThresholdedReLU cannot train on any backend ("gradient function not found for Greater").
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from './backends.ts';

const COMPARISONS = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'] as const;

/** Registers zero gradients for comparison kernels that have none; leaves any existing gradient alone. */
export function registerMissingGradients(tf: Pick<Tf, 'getGradient' | 'registerGradient' | 'zerosLike'>): string[] {
  const added: string[] = [];
  for (const kernelName of COMPARISONS) {
    if (tf.getGradient(kernelName) != null) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => {
        const [a, b] = saved;
        return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
      },
    });
    added.push(kernelName);
  }
  return added;
}
