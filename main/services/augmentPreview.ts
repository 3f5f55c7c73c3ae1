// The Data panel's augmentation preview: a few real training images, each with augmented versions made by
// the very transforms the trainer applies to its batches (app/data/augment.ts), so the preview is what
// training sees.
import type { AugmentPreview } from '../../app/api/types.ts';
import { augmentImages, batchSeed } from '../../app/data/augment.ts';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { imageSplit } from '../../app/data/prepare.ts';
import { sortLabels } from '../../app/data/schema.ts';
import { augmentSchema, splitSeedOf, type TrainingConfig } from '../../app/training/config.ts';
import { openImageSamples, pngOfPixels } from '../data/imageSamples.ts';

/**
 * `count` images of the training split (one class after another, so every class shows), each with `variants`
 * augmented versions: variant k is the preview batch augmented with the draws of epoch k's first batch.
 */
export async function augmentPreview(binding: DatasetBinding, baseDir: string, config: TrainingConfig, count: number, variants: number): Promise<AugmentPreview> {
  const samples = await openImageSamples(binding, baseDir);
  const split = imageSplit(samples.labels, { validationSplit: config.validationSplit, testSplit: config.testSplit, seed: splitSeedOf(config) });
  const byClass = new Map<string, number[]>();
  for (const i of split.train) {
    const label = samples.labels[i];
    byClass.set(label, [...(byClass.get(label) ?? []), i]);
  }
  const queues = sortLabels(byClass.keys()).map((label) => byClass.get(label)!);
  const chosen: number[] = [];
  for (let round = 0; chosen.length < count && queues.some((q) => q.length > round); round++) {
    for (const q of queues) if (round < q.length && chosen.length < count) chosen.push(q[round]);
  }
  const { size } = samples;
  const per = size.width * size.height * size.channels;
  const batch = new Float32Array(chosen.length * per);
  for (const [k, i] of chosen.entries()) batch.set(await samples.pixels(i), k * per);
  const settings = augmentSchema.parse(config.augment ?? {});
  const seed = settings.seed ?? config.seed;
  const imageSize = { height: size.height, width: size.width, channels: size.channels };
  const augmented = Array.from({ length: variants }, (_, epoch) => augmentImages(batch, chosen.length, imageSize, settings, batchSeed(seed, epoch, 0)));
  return {
    seed,
    images: chosen.map((i, k) => ({
      name: samples.names[i],
      label: samples.labels[i],
      original: pngOfPixels(batch, size, k * per).toString('base64'),
      variants: augmented.map((values) => pngOfPixels(values, size, k * per).toString('base64')),
    })),
  };
}
