// Augmentation in the trainer: decides whether a run augments (images only; anything else is refused in
// words), and augments the training batches — in memory or streamed — with a seed of their own per epoch
// and batch (app/data/augment.ts). Validation and test batches never pass through here.
import { augmentImages, batchSeed, imageSizeOf, type ImageSize } from '../../app/data/augment.ts';
import { augmentIsOn, type AugmentSettings, type TrainingConfig } from '../../app/training/config.ts';
import { shuffleInPlace } from '../../app/data/split.ts';
import type { Batch } from '../data/stream.ts';
import { TrainingError } from './trainingError.ts';

export interface AugmentPlan {
  settings: AugmentSettings;
  size: ImageSize;
  /** `augment.seed`, else the run's seed. */
  seed: number;
  /** An autoencoder's target is its input: it gets the augmented image too. */
  reconstruction: boolean;
}

/** The run's augmentation, or null when it has none; a TrainingError when the data are not images. */
export function augmentPlan(config: Pick<TrainingConfig, 'augment' | 'seed'>, featureShape: readonly number[], task: string): AugmentPlan | null {
  if (!augmentIsOn(config.augment)) return null;
  const size = imageSizeOf(featureShape);
  if (!size) {
    throw new TrainingError(
      `augmentation (flip, rotation, zoom, shift, brightness) works on images, and this data gives each sample the shape [${featureShape.join(', ')}], not [height, width, channels]`,
      'turn augmentation off for this data (in the studio: Training → Augmentation; in a project file: remove "augment"), or train on an image folder or builtin:mnist',
    );
  }
  return { settings: config.augment, size, seed: config.augment.seed ?? config.seed, reconstruction: task === 'reconstruction' };
}

/** The batches of one training epoch, each image augmented with the seed of (epoch, batch index). */
export async function* augmentBatches(batches: AsyncIterable<Batch>, plan: AugmentPlan, epoch: number): AsyncGenerator<Batch> {
  let index = 0;
  for await (const b of batches) {
    const x = augmentImages(b.x, b.size, plan.size, plan.settings, batchSeed(plan.seed, epoch, index++));
    yield { ...b, x, y: plan.reconstruction && b.y.length === x.length ? x : b.y };
  }
}

/** In-memory rows as batches of `batchSize`, in a seeded random order when `random` is given. */
export async function* memoryBatches(split: { x: Float32Array; y: Float32Array; n: number }, featureShape: readonly number[], batchSize: number, random?: () => number): AsyncGenerator<Batch> {
  const width = featureShape.reduce((a, b) => a * b, 1);
  const targetWidth = split.n > 0 ? split.y.length / split.n : 1;
  const order = Array.from({ length: split.n }, (_, i) => i);
  if (random) shuffleInPlace(order, random);
  for (let start = 0; start < split.n; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const x = new Float32Array(rows.length * width);
    const y = new Float32Array(rows.length * targetWidth);
    rows.forEach((r, i) => {
      x.set(split.x.subarray(r * width, (r + 1) * width), i * width);
      y.set(split.y.subarray(r * targetWidth, (r + 1) * targetWidth), i * targetWidth);
    });
    yield { x, xShape: [rows.length, ...featureShape], y, yShape: [rows.length, targetWidth], size: rows.length };
  }
}
