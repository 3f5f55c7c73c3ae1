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
