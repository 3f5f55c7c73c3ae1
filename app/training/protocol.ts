// The messages between a training supervisor and its trainer process, as zod schemas: both ends
// validate what they receive, so a malformed message fails loudly at the boundary, not deep in TF.js.
import { z } from 'zod';
import { datasetBindingSchema } from '../data/binding.ts';
import { graphSchema } from '../graph/schema.ts';
import { lossNames, trainingConfigSchema } from './config.ts';
import { progressEventSchema } from './progress.ts';
import { evaluationSchema } from './evaluate.ts';
import { prunedLayerSchema, pruneSpecSchema } from './pruning.ts';

/**
 * How a wasm run computes on several threads: `replicas` (copies of the model each take part of every batch,
 * gradients averaged) or `threaded-build` (one model, its matrix products split over threads; used for models
 * with BatchNormalization so it sees the whole batch).
 */
export const parallelisms = ['replicas', 'threaded-build'] as const;
export type Parallelism = (typeof parallelisms)[number];
/** A few plain words for each, as the CLI prints it after the thread count. */
export const PARALLELISM_WORDS: Record<Parallelism, string> = {
  replicas: 'each on part of every batch',
  'threaded-build': 'one model, its products split over threads',
};

const numbers = z.union([z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array'), z.array(z.number())]);

export const arraySplitSchema = z.object({
  /** Row-major features: rows × product(featureShape). */
  x: numbers,
  /** Class indices (classification), one value per row (regression), or the features again (reconstruction). */
  y: numbers,
});

/** Data already turned into numbers (by the data pipeline or a test). */
export const preparedDataSchema = z.object({
  kind: z.literal('arrays'),
  task: z.enum(['classification', 'regression', 'reconstruction']),
  /** Shape of one sample, e.g. [4] for Iris, [28, 28, 1] for MNIST. */
  featureShape: z.array(z.number().int().positive()).min(1),
  /** What the rows came from; worded into messages about shape mismatches. */
  dataKind: z.enum(['table', 'text', 'image']).optional(),
  /** Class names by index (classification). */
  classNames: z.array(z.string()).optional(),
  /** All rows not held out; validation and test are carved out of it unless given. */
  train: arraySplitSchema,
  validation: arraySplitSchema.optional(),
  test: arraySplitSchema.optional(),
  /** Fitted preprocessing (scalers, category maps, vocabulary), saved with the model as is. */
  preprocessor: z.unknown().optional(),
  /** Notes from loading the data (dropped rows, skipped files), passed on to the result. */
  warnings: z.array(z.string()).default([]),
  /** Text data: the original text of the first test rows, shown in the evaluation's samples. */
  testTexts: z.array(z.string()).optional(),
});

/** Data the trainer loads itself from a binding (the data pipeline in main/data). */
export const boundDataSchema = z.object({
  kind: z.literal('binding'),
  binding: datasetBindingSchema,
  /** Folder relative paths in the binding are resolved against (the project's folder). */
  baseDir: z.string().optional(),
});

export const trainingDataSchema = z.discriminatedUnion('kind', [preparedDataSchema, boundDataSchema]);

export const modelSourceSchema = z.discriminatedUnion('kind', [
  /** A studio graph, built with app/graph/buildModel.ts (checked with the graph schema, so the trainer gets a Graph). */
  z.object({ kind: z.literal('graph'), graph: graphSchema }),
  /** A Keras / TF.js model topology (what `model.toJSON()` gives, or model.json's `modelTopology`). */
  z.object({ kind: z.literal('keras'), topology: z.unknown() }),
]);

export const trainingJobSchema = z.object({
  runId: z.string().min(1).default(() => `run-${Date.now().toString(36)}`),
  model: modelSourceSchema,
  data: trainingDataSchema,
  config: trainingConfigSchema,
  /** Where the trained model is written (created if missing); null: do not save. */
  outputDir: z.string().nullable().default(null),
  /**
   * Epoch counts (1-based) after which the trainer waits for `continue` or `stop` before going on: a sweep's
   * successive halving decides there whether a trial goes on (app/tuning/halving.ts). Empty: never waits.
   */
  checkpoints: z.array(z.number().int().min(1)).default([]),
  /**
   * Resume a run from a training checkpoint (main/model/checkpoint.ts): its weights replace the initial
   * ones and training goes on at epoch `epoch + 1` (0-based) with the checkpoint's learning rate. The
   * optimizer's state (Adam's moments) and early stopping's patience start afresh.
   */
  resume: z.object({ from: z.string().min(1), epoch: z.number().int().min(0), learningRate: z.number().positive() }).nullable().default(null),
  /**
   * A saved model folder whose weights replace the initial ones (a pruned run starts from its parent's
   * model). Read by the checked reader; a model of another shape is refused by name.
   */
  startFrom: z.string().min(1).nullable().default(null),
  /**
   * A warm start: a saved model folder whose layers initialize this model's layers of the same name, class
   * and weight shapes (main/trainer/warmStart.ts); the other layers start fresh.
   */
  warmStart: z.string().min(1).nullable().default(null),
  /** Magnitude pruning of the Dense and convolution kernels while training (app/training/pruning.ts). */
  prune: pruneSpecSchema.nullable().default(null),
});

export type TrainingJobInput = z.input<typeof trainingJobSchema>;
export type TrainingJob = z.output<typeof trainingJobSchema>;
export type PreparedData = z.output<typeof preparedDataSchema>;
export type ArraySplit = z.output<typeof arraySplitSchema>;

export const trainingStatuses = ['completed', 'stopped', 'diverged', 'failed'] as const;
export type TrainingStatus = (typeof trainingStatuses)[number];

const nullableNumber = z.number().nullable();

const settingChangeSchema = z.object({ path: z.enum(['optimizer.learningRate', 'epochs', 'classWeights']), value: z.union([z.number(), z.string()]) });

export const learningCheckSchema = z.object({
  learned: z.boolean(),
  signs: z.array(z.string()),
  cause: z.string().nullable(),
  advice: z.string().nullable(),
  change: settingChangeSchema.nullable().optional(),
  stillImproving: z.object({ sign: z.string(), advice: z.string(), change: settingChangeSchema }).nullable().optional(),
});

export const testResultSchema = z.object({
  /** Loss and compiled metrics on the test split (`loss`, `accuracy`, `mae`...). */
  logs: z.record(z.string(), nullableNumber),
  /**
   * Full evaluation (app/training/evaluate.ts), computed by the trainer. Checked as JSON, the way the
   * history stores it: the NaN errors of a model that predicts NaN become null here already.
   */
  evaluation: z.preprocess((v) => (v === undefined ? v : JSON.parse(JSON.stringify(v))), evaluationSchema),
});

export const trainingResultSchema = z.object({
  runId: z.string(),
  status: z.enum(trainingStatuses),
  /** One plain sentence on how the run ended. */
  message: z.string(),
  /** What to do next, when the run ended badly. */
  advice: z.string().optional(),
  backend: z.string().nullable(),
  /** Training's `auto`: the backends measured on this model and why this one won (one line). */
  backendChoice: z.string().optional(),
  /** Threads the backend computed with (wasm: replicas or the threaded build's pool, see `parallelism`; cpu: 1); absent for tensorflow and webgpu, which thread by themselves. */
  threads: z.number().int().min(1).optional(),
  /** How wasm used more than one thread (main/engine/parallelPlan.ts); absent on one thread. */
  parallelism: z.enum(parallelisms).optional(),
  /** Replicas: whether splitting each batch was faster on this model, as timed in its first steps (one line). */
  parallelChoice: z.string().optional(),
  /** Epochs planned and epochs that ran to the end. */
  epochs: z.number().int().min(0),
  epochsCompleted: z.number().int().min(0),
  /** Per epoch: `loss`, metrics, `val_*`, and `lr`. */
  history: z.record(z.string(), z.array(nullableNumber)),
  /** Null when there was nothing to evaluate (no test rows, diverged or failed run). */
  test: testResultSchema.nullable(),
  /** Why `test` is null, when it is. */
  testNote: z.string().optional(),
  modelDir: z.string().nullable(),
  loss: z.enum(lossNames).nullable(),
  lossExplanation: z.string().optional(),
  /** Epoch (0-based) whose weights the model ended with, when early stopping restored them. */
  restoredEpoch: z.number().int().nullable().default(null),
  learningRate: z.number().nullable(),
  samplesPerSec: z.number().min(0),
  durationMs: z.number().min(0),
  trainSamples: z.number().int().min(0),
  warnings: z.array(z.string()).default([]),
  /** True when the data was read from disk in batches (a large table, or a binding with `stream: true`). */
  streamed: z.boolean().optional(),
  /** Peak resident memory of the process that trained (the trainer process), in MB. */
  peakRssMb: z.number().min(0).optional(),
  /**
   * Whether a completed run learned (app/training/learning.ts): a completed run that did not is still
   * `completed`, with the signs, the likely cause and the one change to try. Absent when not judged
   * (stopped, diverged or failed runs, 0 epochs).
   */
  learning: learningCheckSchema.optional(),
  /** A pruning job's kernels as saved: each pruned layer with its count of weights and of exact zeros. */
  pruned: z.array(prunedLayerSchema).optional(),
});

export type TrainingResult = z.output<typeof trainingResultSchema>;

/**
 * A run that ended in failure before anything was learned: the one factory for the trainer's own
 * failures, the trainer process's and the supervisor's (a crash, a timeout, a kill).
 */
export function failedResult(runId: string, epochs: number, message: string, advice?: string): TrainingResult {
  return {
    runId, status: 'failed', message, ...(advice !== undefined ? { advice } : {}), backend: null, epochs, epochsCompleted: 0,
    history: {}, test: null, modelDir: null, loss: null, restoredEpoch: null, learningRate: null, samplesPerSec: 0, durationMs: 0,
    trainSamples: 0, warnings: [],
  };
}

/** What a warm start did: the layers initialized from the saved model, and each other layer with why not. */
export const warmStartReportSchema = z.object({
  layers: z.array(z.string()),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type WarmStartReport = z.output<typeof warmStartReportSchema>;

/** Supervisor → trainer. */
export const toTrainerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), job: trainingJobSchema }),
  /** Ends the run after the current batch, keeping weights and metrics so far. */
  z.object({ type: z.literal('stop') }),
  /** Goes on past a checkpoint (see the job's `checkpoints`). */
  z.object({ type: z.literal('continue') }),
]);

/** Trainer → supervisor. */
export const fromTrainerSchema = z.discriminatedUnion('type', [
  /** The process is up and listening: the start handshake. */
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({
    type: z.literal('started'),
    backend: z.string(),
    /** Backends tried before this one and why they did not load. */
    tried: z.array(z.object({ backend: z.string(), error: z.string() })).default([]),
    /** Training's `auto`: the backends measured on this model and why this one won (one line). */
    backendChoice: z.string().optional(),
    /** Threads the backend computes with (see the result's `threads`). */
    threads: z.number().int().min(1).optional(),
    parallelism: z.enum(parallelisms).optional(),
    loss: z.enum(lossNames),
    lossExplanation: z.string(),
    trainSamples: z.number().int().min(0),
    validationSamples: z.number().int().min(0),
    testSamples: z.number().int().min(0),
    warnings: z.array(z.string()).default([]),
    /** A warm-started run: which layers took the saved model's weights. */
    warmStart: warmStartReportSchema.optional(),
  }),
  z.object({ type: z.literal('progress'), event: progressEventSchema }),
  z.object({ type: z.literal('done'), result: trainingResultSchema }),
]);

export type ToTrainer = z.input<typeof toTrainerSchema>;
export type FromTrainer = z.output<typeof fromTrainerSchema>;
export type StartedInfo = Extract<FromTrainer, { type: 'started' }>;
