// The loss TF.js compiles a model with, by the name the studio chose (app/training/loss.ts). Shared by the
// training loop and its replica threads (./dataParallel.ts), which must compute the very same loss.
import type { Tensor } from '@tensorflow/tfjs';
import type { LossChoice } from '../../app/training/loss.ts';
import type { Tf } from '../engine/backends.ts';

export type LossName = LossChoice['loss'];

export function lossFor(tf: Tf, loss: LossName): string | ((yTrue: Tensor, yPred: Tensor) => Tensor) {
  if (loss !== 'huber') return loss;
  // tfjs-layers has no 'huber' loss name; tf.losses.huberLoss per element, averaged per sample like Keras.
  return (yTrue, yPred) => tf.losses.huberLoss(yTrue, yPred, undefined, 1.0, tf.Reduction.NONE).mean(-1);
}
