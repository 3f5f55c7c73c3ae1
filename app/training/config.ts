// Training configuration: what a run does with a graph and its data. Stored in the project file and
// in every run's history record; validated with zod wherever it crosses a boundary.
import { z } from 'zod';

export const optimizerNames = ['sgd', 'adam', 'adamax', 'rmsprop', 'adagrad', 'adadelta'] as const;
export const lossNames = [
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryCrossentropy',
  'meanSquaredError',
  'meanAbsoluteError',
  'huber',
] as const;
export const metricNames = ['accuracy', 'mse', 'mae'] as const;
export const backendNames = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
/**
 * The most cores a configuration may name. The real bound is the cores of the machine that trains, which
 * this environment-neutral schema cannot know: the trainer uses at most that many (and says so), and the
 * CLI and the studio's settings refuse more than the machine has.
 */
export const MAX_THREADS_SETTING = 1024;

export const optimizerSchema = z.object({
  name: z.enum(optimizerNames).default('adam'),
  learningRate: z.number().positive().max(1000).default(0.001),
  /** sgd only. */
  momentum: z.number().min(0).max(1).default(0),
  /** sgd with momentum only. */
  nesterov: z.boolean().default(false),
});

export const earlyStoppingSchema = z.object({
  enabled: z.boolean().default(false),
  monitor: z.string().default('val_loss'),
  patience: z.number().int().min(0).max(10_000).default(5),
  minDelta: z.number().min(0).default(0),
  restoreBestWeights: z.boolean().default(true),
});

export const reduceLrSchema = z.object({
  enabled: z.boolean().default(false),
  monitor: z.string().default('val_loss'),
  factor: z.number().gt(0).lt(1).default(0.5),
  patience: z.number().int().min(0).max(10_000).default(3),
  minLearningRate: z.number().min(0).default(1e-6),
});

/** How `augment.flip` mirrors training images (Keras RandomFlip's modes; `both` is "horizontal_and_vertical"). */
export const flipModes = ['none', 'horizontal', 'vertical', 'both'] as const;

/**
 * Image augmentation of the training batches (app/data/augment.ts, docs/training.md#augmentation): each
 * image of each training batch gets a random flip, rotation, zoom, shift and brightness change drawn
 * within these bounds, anew every epoch. Validation and test images are never changed.
 */
export const augmentSchema = z.object({
  /** Each allowed direction is mirrored with probability ½ (Keras RandomFlip). */
  flip: z.enum(flipModes).default('none'),
  /** Rotate by an angle drawn from ±`rotation` degrees (Keras RandomRotation(factor = rotation / 360)). */
  rotation: z.number().min(0).max(180).default(0),
  /** Zoom by a factor drawn from 1 ± `zoom` on both axes; above 1 zooms out (Keras RandomZoom(zoom)). */
  zoom: z.number().min(0).max(0.5).default(0),
  /** Shift by up to ± this fraction of the width and of the height (Keras RandomTranslation(shift, shift)). */
  shift: z.number().min(0).max(0.5).default(0),
  /** Add a value drawn from ± this to every pixel of an image, then clip to [0, 1] (Keras RandomBrightness(b, value_range=(0, 1))). */
  brightness: z.number().min(0).max(1).default(0),
  /** Seeds the augmentation alone (default: the run's `seed`). */
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});

export type AugmentSettings = z.infer<typeof augmentSchema>;

/** True when the settings change images at all (absent, or every bound 0 and no flip, means off). */
export function augmentIsOn(augment: AugmentSettings | undefined | null): augment is AugmentSettings {
  return !!augment && (augment.flip !== 'none' || augment.rotation > 0 || augment.zoom > 0 || augment.shift > 0 || augment.brightness > 0);
}

/**
 * A configuration as runs are compared (run names, the compare view, the Runs table): no augmentation is
 * spelled out as its all-off settings, so turning it on differs only in what was turned on.
 */
export function comparableConfig<T extends { augment?: AugmentSettings }>(config: T): T {
  return { ...config, augment: { ...augmentSchema.parse({}), ...config.augment } };
}

export const trainingConfigSchema = z.object({
  optimizer: optimizerSchema.default(() => optimizerSchema.parse({})),
  /** `auto` picks from the task and the output layer (see app/training/loss.ts). */
  loss: z.union([z.literal('auto'), z.enum(lossNames)]).default('auto'),
  metrics: z.array(z.enum(metricNames)).default([]),
  batchSize: z.number().int().min(1).max(1_000_000).default(32),
  epochs: z.number().int().min(0).max(100_000).default(10),
  /** Fraction of the non-test rows held out for validation after every epoch. */
  validationSplit: z.number().min(0).lt(1).default(0.2),
  /** Fraction of all rows held out for the final evaluation, never seen in training. */
  testSplit: z.number().min(0).lt(1).default(0.2),
  shuffle: z.boolean().default(true),
  /** Same seed, same data, same backend: same run. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  /**
   * The seed of the train/validation/test split alone (default: `seed`). Runs that differ only in `seed`
   * but share this one are trained and tested on the same rows, so they can be compared row by row and
   * fused into an ensemble (docs/ensembles.md).
   */
  splitSeed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  earlyStopping: earlyStoppingSchema.default(() => earlyStoppingSchema.parse({})),
  reduceLrOnPlateau: reduceLrSchema.default(() => reduceLrSchema.parse({})),
  /** `auto` weighs classes inversely to their frequency; `none` weighs them equally; or explicit weights by label. */
  classWeights: z.union([z.literal('none'), z.literal('auto'), z.record(z.string(), z.number().positive())]).default('none'),
  backend: z.enum(backendNames).default('auto'),
  /**
   * Cores one run computes with (the WebAssembly backend's thread pool; results do not depend on it).
   * Absent: the caller's default — all cores but one from the studio, all from the CLI (docs/training.md#cores).
   */
  threads: z.number().int().min(1).max(MAX_THREADS_SETTING).optional(),
  /** Image augmentation of the training batches; absent means none. */
  augment: augmentSchema.optional(),
});

export type TrainingConfig = z.infer<typeof trainingConfigSchema>;
export type OptimizerName = (typeof optimizerNames)[number];
export type LossName = (typeof lossNames)[number];
export type BackendName = (typeof backendNames)[number];

/** The seed that picks the train/validation/test rows: `splitSeed` when set, else `seed`. */
export function splitSeedOf(config: Pick<TrainingConfig, 'seed' | 'splitSeed'>): number {
  return config.splitSeed ?? config.seed;
}

/** A full configuration from a partial one, defaults filled in. Throws a ZodError on bad values. */
export function makeTrainingConfig(partial: unknown = {}): TrainingConfig {
  return trainingConfigSchema.parse(partial);
}
