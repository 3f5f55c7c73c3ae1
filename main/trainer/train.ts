// One training run inside the trainer process: backend, data, model, compile, fit with the studio's
// callbacks (stop after a batch, NaN → diverged, early stopping with best weights, LR on plateau), test, save.
// Data comes in memory, or streamed from disk in batches for large tables and image folders (./streaming.ts).
import type * as tfTypes from '@tensorflow/tfjs';
import { chooseLoss, type LossChoice, type OutputLayerInfo } from '../../app/training/loss.ts';
import { TestEvaluation } from '../../app/training/testEvaluation.ts';
import { metricKey, type ProgressEvent } from '../../app/training/progress.ts';
import { checkReadiness, firstRefusal, type BoundData } from '../../app/training/readiness.ts';
import { importKerasModel } from '../../app/keras/import.ts';
import type { Graph } from '../../app/graph/types.ts';
import { checkLearning, learningSentence } from '../../app/training/learning.ts';
import { metricLabel } from '../../app/explanations.ts';
import { logsInTargetUnits, targetScaleOf } from '../../app/training/targetUnits.ts';
import { rate, studioCallbacks, studioFitOptions, type StudioLoop } from './fitLoop.ts';
import { failedResult, type PreparedData, type StartedInfo, type TrainingJob, type TrainingResult, type ArraySplit, type WarmStartReport } from '../../app/training/protocol.ts';
import { splitSeedOf, type TrainingConfig } from '../../app/training/config.ts';
import { mulberry32, splitIndices } from '../../app/data/split.ts';
import { buildModel, loadData, type Tf } from './runtime.ts';
import { loadTf } from '../engine/loadTf.ts';
import { usableThreads } from '../engine/cores.ts';
import { capitalize } from '../../app/format.ts';
import { CheckpointWriter, removeCheckpoints } from '../model/checkpoint.ts';
import { Pruner } from './pruning.ts';
import { TrainingError } from './trainingError.ts';
import { lossFor } from '../engine/losses.ts';
import { parallelPlan } from '../engine/parallelPlan.ts';
import { startDataParallel, type DataParallel } from '../engine/dataParallel.ts';
import { warmStartWeights } from './warmStart.ts';
import { augmentBatches, augmentPlan, memoryBatches } from './augment.ts';
import { describeFsError } from '../files/atomicWrite.ts';
import { folderSaveHandler } from '../model/modelFiles.ts';
import { checkedFolderLoadHandler } from '../model/modelFolder.ts';
import type { SavedModelMetadata } from '../model/metadata.ts';
import { countTrainClasses, openStreamed, streamingPath, StreamingUnsupported, type StreamedTable } from './streaming.ts';
import type { Batch } from '../data/stream.ts';

type LayersModel = tfTypes.LayersModel;
type Tensor = tfTypes.Tensor;

export interface TrainHooks {
  onStarted?(info: StartedInfo): void;
  onProgress?(event: ProgressEvent): void;
  /** Polled after every batch; true ends the run after that batch. */
  shouldStop?(): boolean;
  /** Batch events per second at most (epoch events are never dropped). */
  maxBatchEventsPerSecond?: number;
  /** Called after each epoch count in the job's `checkpoints`; false ends the run there (status `stopped`). */
  checkpoint?(epochsDone: number): Promise<boolean>;
}

export { TrainingError };

/** Errors whose message is already written for the user (ours, the backend ladder's, the data pipeline's). */
const plainErrorNames = new Set(['TrainingError', 'BackendUnavailableError', 'DataError', 'GraphBuildError']);

interface Split { x: Float32Array; y: Float32Array; n: number }

/** What the run needs to know about its data, whether it is in memory or streamed. */
type DataInfo = Pick<PreparedData, 'task' | 'featureShape' | 'dataKind' | 'classNames' | 'preprocessor'>;

/** The data of a run: arrays in memory, or a table read from disk batch by batch. */
type DataSource = (
  | { kind: 'memory'; splits: { train: Split; validation: Split; test: Split } }
  | { kind: 'stream'; table: StreamedTable }
) & { data: DataInfo; warnings: string[]; counts: { train: number; validation: number; test: number } };

/** Runs a whole job; never throws: failures come back as a result with status `failed`. */
export async function runTraining(job: TrainingJob, hooks: TrainHooks = {}): Promise<TrainingResult> {
  const t0 = performance.now();
  const config = job.config;
  // Filled in as the run goes; until then it is a failure with no reason given yet.
  const base: TrainingResult = { ...failedResult(job.runId, config.epochs, ''), learningRate: config.optimizer.learningRate };
  const realRandom = Math.random;
  try {
    return { ...await runInner(job, hooks, base, t0), peakRssMb: peakRssMb() };
  } catch (err) {
    const e = err as Error;
    return {
      ...base,
      status: 'failed',
      message: plainErrorNames.has(e?.name) ? e.message : `training failed: ${e?.message ?? String(err)}`,
      advice: e instanceof TrainingError ? e.advice : undefined,
      durationMs: performance.now() - t0,
      peakRssMb: peakRssMb(),
    };
  } finally {
    Math.random = realRandom;
  }
}

/** The most memory this process has held (its peak resident set), in MB. */
function peakRssMb(): number {
  // maxRSS is in kilobytes on every platform Node reports it for.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Loads the job's data into memory, or opens it for streaming when it is a large table (or the binding asks). */
async function openSource(job: TrainingJob, config: TrainingConfig): Promise<DataSource> {
  if (job.data.kind === 'binding') {
    let path: string | null;
    try {
      path = await streamingPath(job.data.binding, job.data.baseDir);
    } catch (err) {
      if (err instanceof StreamingUnsupported) throw new TrainingError(err.message, err.advice);
      throw err;
    }
    const table = path ? await openStreamed(path, job.data.binding, config) : null;
    if (table) {
      const pre = table.preprocessor;
      return {
        kind: 'stream',
        table,
        data: { task: pre.task, featureShape: pre.inputShape, dataKind: pre.state.kind, classNames: pre.classes, preprocessor: pre.toJSON() },
        warnings: table.warnings,
        counts: table.counts,
      };
    }
  }
  const data = await loadData(job.data, config);
  const splits = makeSplits(data, config);
  return {
    kind: 'memory', splits, data, warnings: data.warnings,
    counts: { train: splits.train.n, validation: splits.validation.n, test: splits.test.n },
  };
}

async function runInner(job: TrainingJob, hooks: TrainHooks, result: TrainingResult, t0: number): Promise<TrainingResult> {
  const config = job.config;
  // The cores come resolved from the front end (studio: all but one, CLI: all); a bare job computes on one.
  // A setting made on a bigger machine is held to this one's cores, and the run says so.
  const cores = usableThreads(config.threads ?? 1);
  if (cores.warning) result.warnings.push(capitalize(`${cores.warning}.`));
  // Training's auto times a few steps of this very model on each backend that starts (main/engine/autoBackend.ts).
  // On wasm, several cores run as replicas of the model, or as the threaded build for BatchNormalization (main/engine/parallelPlan.ts).
  const plan = parallelPlan(job.model, cores.threads);
  const loaded = await loadTf(config.backend, { build: (t) => buildModel(t, job.model), batchSize: config.batchSize }, { threads: plan.wasmThreads });
  const { tf, backend, tried, choice: backendChoice } = loaded;
  let threads = loaded.threads;
  result.backend = backend;
  if (backendChoice) result.backendChoice = backendChoice;
  if (threads !== undefined) result.threads = threads;

  const source = await openSource(job, config);
  const { data, counts } = source;
  result.warnings.push(...source.warnings);
  result.streamed = source.kind === 'stream';
  if (counts.train === 0) throw new TrainingError('there are no training rows left after holding out the validation and test splits', 'use more data or smaller validation/test splits');
  const numClasses = data.task === 'classification'
    ? (source.kind === 'memory' ? countClasses(data, source.splits) : Math.max(data.classNames?.length ?? 0, 2))
    : 0;

  // TF.js seeds every unseeded initializer, dropout mask and fit() shuffle from Math.random, so a
  // seeded Math.random (for this process's run only) makes the whole run reproducible on one backend.
  Math.random = mulberry32(config.seed ^ 0x5eed);

  refuseUnready(job.model, data, numClasses, config);
  const augment = augmentPlan(config, data.featureShape, data.task);
  const model = await buildModel(tf, job.model);
  const output = outputInfo(model);
  const choice = chooseLoss({
    task: data.task,
    output,
    numClasses: numClasses || undefined,
    loss: config.loss,
    metrics: config.metrics,
  });
  result.loss = choice.loss;
  result.lossExplanation = choice.explanation;
  // The data check above already speaks about the output layer; the loss adds only what an override breaks.
  if (!choice.auto) result.warnings.push(...choice.warnings);

  const tensors: Tensor[] = [];
  const track = <T extends Tensor>(t: T): T => { tensors.push(t); return t; };
  let loop: StudioLoop | null = null;
  let pruner: Pruner | null = null;
  let warmStart: WarmStartReport | undefined;
  let parallel: DataParallel | null = null;
  try {
    // A resumed run starts from its checkpoint's weights (read by the checked reader) and learning rate;
    // a derived run (pruned) from its parent's saved model; a warm start from its matching layers.
    if (job.resume) await restoreWeights(tf, model, job.resume.from, 'checkpoint');
    else if (job.startFrom) await restoreWeights(tf, model, job.startFrom, 'model');
    else if (job.warmStart) warmStart = await warmStartWeights(tf, model, job.warmStart);
    const optimizer = makeOptimizer(tf, job.resume ? { ...config, optimizer: { ...config.optimizer, learningRate: job.resume.learningRate } } : config);
    model.compile({ optimizer, loss: lossFor(tf, choice.loss), metrics: choice.metrics });
    if (backend === 'wasm' && plan.replicas > 1) {
      try {
        parallel = await startDataParallel(tf, model, { model: job.model, loss: choice.loss, metrics: choice.metrics, seed: config.seed }, plan.replicas);
        threads = result.threads = parallel.threads;
        result.parallelism = 'replicas';
      } catch (err) {
        result.warnings.push(`Training runs on one thread: ${(err as Error).message}.`);
      }
    } else if (backend === 'wasm' && (threads ?? 1) > 1) {
      result.parallelism = 'threaded-build';
    }

    const classCounts = async (): Promise<number[]> => {
      if (source.kind === 'stream') return countTrainClasses(source.table, numClasses);
      const out = new Array<number>(numClasses).fill(0);
      for (const v of source.splits.train.y) out[v]++;
      return out;
    };
    const classWeight = await classWeights(config, classCounts, counts.train, numClasses, data.classNames);
    if (classWeight === 'not-classification') {
      result.warnings.push('Class weights apply to classification only; ignored for this regression task.');
    }

    hooks.onStarted?.({
      type: 'started',
      backend,
      tried,
      ...(result.backendChoice ? { backendChoice: result.backendChoice } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...(result.parallelism ? { parallelism: result.parallelism } : {}),
      loss: choice.loss,
      lossExplanation: choice.explanation,
      trainSamples: counts.train,
      validationSamples: counts.validation,
      testSamples: counts.test,
      warnings: result.warnings,
      ...(warmStart ? { warmStart } : {}),
    });

    const epochs = config.epochs;
    const batchSize = config.batchSize;
    const nTrain = counts.train;
    // Regression errors (mae, mse and their val_ twins) in the target's units, from the first progress event on.
    const scale = data.task === 'regression' ? targetScaleOf(data.preprocessor) : null;
    const mapLogs = (logs: Record<string, number | null>) => logsInTargetUnits(logs, scale);
    // The last and best weights after every epoch, beside the model (main/model/checkpoint.ts); a checkpoint that
    // cannot be written (a full disk) is said once and training goes on.
    const writer = job.outputDir ? new CheckpointWriter(tf, job.outputDir, config.earlyStopping.monitor) : null;
    let checkpointFailed = false;
    const onEpochDone = async (epoch: number, logs: Record<string, number | null>, learningRate: number) => {
      if (!writer || checkpointFailed) return;
      try {
        await writer.save(model, epoch, logs, learningRate);
      } catch (err) {
        checkpointFailed = true;
        result.warnings.push(`training checkpoints could not be saved after epoch ${epoch + 1} (${describeFsError(err)}); a killed run cannot be resumed from its last epoch`);
      }
    };
    const initialEpoch = job.resume ? job.resume.epoch + 1 : 0;
    if (job.prune) pruner = new Pruner(tf, model, job.prune, Math.max(0, epochs - initialEpoch) * Math.ceil(nTrain / batchSize));
    const afterStep = pruner ? pruner.afterStep.bind(pruner) : undefined;
    loop = studioCallbacks({ tf, model, optimizer, config, epochs, batchSize, nTrain, backend, hooks: { ...hooks, checkpoints: job.checkpoints, onEpochDone, afterStep }, mapLogs,
      watchLearning: !pruner,
      resume: job.resume ? { initialEpoch, learningRate: job.resume.learningRate } : undefined });
    const { callbacks, state } = loop;
    const weights = classWeight && typeof classWeight === 'object' ? classWeight : undefined;
    // Augmented training batches are made per epoch and batch (./augment.ts); validation and test rows never are.
    const augmented = (batches: AsyncIterable<Batch>, epoch: number) => augment ? augmentBatches(batches, augment, epoch) : batches;
    if (epochs > 0 && source.kind === 'memory') {
      const { train, validation } = source.splits;
      const validationData = validation.n > 0
        ? [track(tf.tensor(validation.x, [validation.n, ...data.featureShape])), track(targets(tf, validation, choice, numClasses, data, model))] as [Tensor, Tensor]
        : undefined;
      if (augment) {
        // Each epoch's order draws from a seed of its own, as a streamed table's does.
        let pass = 0;
        const batches = tf.data.generator(() => {
          const epoch = initialEpoch + pass++;
          const random = config.shuffle ? mulberry32((config.seed ^ 0x5eed) + epoch + 1) : undefined;
          return batchTensors(tf, augmented(memoryBatches(train, data.featureShape, batchSize, random), epoch), choice, numClasses, data, model);
        });
        await model.fitDataset(batches, { ...studioFitOptions(config), epochs, initialEpoch, validationData, classWeight: weights, callbacks });
      } else {
        const xTrain = track(tf.tensor(train.x, [train.n, ...data.featureShape]));
        const yTrain = track(targets(tf, train, choice, numClasses, data, model));
        // Yield to the event loop at least every 50 ms so a stop message is seen promptly.
        await model.fit(xTrain, yTrain, { ...studioFitOptions(config), epochs, initialEpoch, batchSize, validationData, classWeight: weights, callbacks });
      }
    } else if (epochs > 0 && source.kind === 'stream') {
      const { table } = source;
      // Each epoch reads the file again; its shuffle buffer draws from a seed of its own, so runs repeat.
      let pass = 0;
      const train = tf.data.generator(() => {
        const epoch = initialEpoch + pass++;
        return batchTensors(tf, augmented(table.batches('train', batchSize, config.shuffle ? mulberry32((config.seed ^ 0x5eed) + pass) : undefined), epoch), choice, numClasses, data, model);
      });
      const validationData = counts.validation > 0 ? tf.data.generator(() => batchTensors(tf, table.batches('validation', batchSize), choice, numClasses, data, model)) : undefined;
      await model.fitDataset(train, { ...studioFitOptions(config), epochs, initialEpoch, validationData, classWeight: weights, callbacks });
    }
    const { status, stopReason, divergedAt, earlyStoppedAt, early } = state;
    result.epochsCompleted = state.epochsCompleted;
    result.history = state.history;
    result.learningRate = state.learningRate;
    result.trainSamples = nTrain;
    result.samplesPerSec = rate(state.samplesDone, performance.now() - state.fitStart);
    if (parallel) Object.assign(result, replicaOutcome(parallel));

    if (early && earlyStoppedAt >= 0 && early.watched && early.watched !== config.earlyStopping.monitor) {
      result.warnings.push(`Early stopping watched the ${metricLabel(early.watched).toLowerCase()} because the ${metricLabel(config.earlyStopping.monitor).toLowerCase()} was not measured (no validation split).`);
    }
    // Keep the best epoch's weights when early stopping asked for it (a stopped run keeps what it has, as the user asked).
    if (status === 'completed' && state.bestWeights && early && early.bestEpoch >= 0 && early.bestEpoch !== result.epochsCompleted - 1) {
      model.setWeights(state.bestWeights);
      result.restoredEpoch = early.bestEpoch;
    }

    if (status === 'diverged') {
      const lr = config.optimizer.learningRate;
      result.status = 'diverged';
      result.message = `the loss became NaN at epoch ${divergedAt + 1}: the model diverged and its weights are no longer numbers`;
      result.advice = `lower the learning rate, e.g. from ${formatNumber(lr)} to ${formatNumber(lr / 10)}; check the data for missing or very large values and make sure the features are scaled`;
      result.testNote = 'not evaluated: the weights of a diverged model are not numbers';
      result.durationMs = performance.now() - t0;
      return result;
    }

    // Pruned kernels at (at least) their target, whatever ended the fine-tune, before the test and the save.
    if (pruner) result.pruned = await pruner.finish();

    result.status = status;
    if (status === 'stopped') result.message = `${stopReason}; the weights and metrics so far are kept`;
    else if (epochs === 0) result.message = 'epochs is 0: the model was not trained; the test results are those of the untrained (randomly initialized) model';
    else if (earlyStoppedAt >= 0) {
      result.message = `early stopping ended the run after epoch ${earlyStoppedAt + 1} of ${epochs}` +
        (result.restoredEpoch !== null ? `; restored the weights of epoch ${result.restoredEpoch + 1}, the best on the ${metricLabel(early!.watched ?? config.earlyStopping.monitor).toLowerCase()}` : '');
    } else {
      result.message = `trained ${epochs} epoch${epochs === 1 ? '' : 's'}` +
        (result.restoredEpoch !== null ? `; restored the weights of epoch ${result.restoredEpoch + 1}, the best on the ${metricLabel(early!.watched ?? config.earlyStopping.monitor).toLowerCase()}` : '');
    }

    if (counts.test > 0) {
      const testBatches = source.kind === 'memory' ? once(source.splits.test) : splitsOf(source.table.batches('test', Math.max(batchSize, 1024)));
      const texts = source.kind === 'memory' ? (source.data as PreparedData).testTexts : undefined;
      result.test = await evaluateTest(tf, model, testBatches, data, choice, numClasses, batchSize, config.seed, texts);
    } else {
      result.testNote = 'not evaluated: there is no test split (set a test split above 0 to measure the model on unseen rows)';
    }
    // A pruning fine-tune starts trained and its loss rises with the sparsity: "did not learn" does not apply.
    if (status === 'completed' && result.epochsCompleted > 0 && !pruner) judgeLearning(result, data, config, output);

    if (job.outputDir) {
      const metadata: SavedModelMetadata = {
        format: 'modelwright-model',
        version: 1,
        task: data.task,
        featureShape: data.featureShape,
        classNames: data.task === 'classification' ? classNamesOf(data, numClasses) : null,
        targetFormat: choice.targetFormat,
        loss: choice.loss,
        preprocessor: data.preprocessor ?? null,
        backend,
        runId: job.runId,
        trainedAt: new Date().toISOString(),
        epochsCompleted: result.epochsCompleted,
        test: result.test?.logs ?? null,
      };
      // TF.js accepts only plain JSON here; a round trip drops undefined fields of optional parts.
      model.setUserDefinedMetadata(JSON.parse(JSON.stringify({ modelwright: metadata })));
      await model.save(folderSaveHandler(tf, job.outputDir));
      result.modelDir = job.outputDir;
      // Saved: the checkpoints are not needed any more (a failed or killed run keeps them to resume from).
      await removeCheckpoints(job.outputDir).catch(() => undefined);
    }
    result.durationMs = performance.now() - t0;
    return result;
  } finally {
    await parallel?.stop();
    tensors.forEach((t) => t.dispose());
    loop?.dispose();
    pruner?.dispose();
    model.dispose();
  }
}

/** Sets the model's weights from a checkpoint or model folder; one of another model is refused by name. */
async function restoreWeights(tf: Tf, model: tfTypes.LayersModel, dir: string, what: 'checkpoint' | 'model'): Promise<void> {
  const saved = await tf.loadLayersModel(checkedFolderLoadHandler(tf, dir));
  try {
    const from = saved.getWeights();
    const to = model.getWeights();
    if (from.length !== to.length || from.some((w, i) => w.shape.join() !== to[i].shape.join())) {
      throw what === 'checkpoint'
        ? new TrainingError(`the checkpoint in ${dir} does not fit this model (its weights have other shapes)`, 'train the run again from the start instead of resuming it')
        : new TrainingError(`the model in ${dir} does not fit this graph (its weights have other shapes)`, 'start from a run of the same graph');
    }
    model.setWeights(from);
  } finally {
    saved.dispose();
  }
}

function formatNumber(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

function toF32(values: ArraySplit['x']): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

function takeRows(x: Float32Array, width: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(x.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

function asSplit(s: ArraySplit, featureSize: number, targetSize: number, name: string): Split {
  const x = toF32(s.x);
  const y = toF32(s.y);
  const n = x.length / featureSize;
  if (!Number.isInteger(n)) throw new TrainingError(`the ${name} features hold ${x.length} numbers, which is not a whole number of rows of ${featureSize}`);
  if (y.length !== n * targetSize) throw new TrainingError(`the ${name} split has ${n} rows of features but ${y.length / targetSize} targets`);
  return { x, y, n };
}

/** Train/validation/test splits: given ones are used as is; missing ones are carved out of train with the seed. */
function makeSplits(data: PreparedData, config: TrainingConfig): { train: Split; validation: Split; test: Split } {
  const featureSize = data.featureShape.reduce((a, b) => a * b, 1);
  const targetSize = data.task === 'reconstruction' ? featureSize : 1;
  const all = asSplit(data.train, featureSize, targetSize, 'training');
  const empty: Split = { x: new Float32Array(0), y: new Float32Array(0), n: 0 };
  const givenVal = data.validation ? asSplit(data.validation, featureSize, targetSize, 'validation') : null;
  const givenTest = data.test ? asSplit(data.test, featureSize, targetSize, 'test') : null;
  const rows = Array.from({ length: all.n }, (_, i) => i);
  const idx = splitIndices(rows, {
    validationSplit: givenVal ? 0 : config.validationSplit,
    testSplit: givenTest ? 0 : config.testSplit,
    seed: splitSeedOf(config),
  }, data.task === 'classification' ? Array.from(all.y) : undefined);
  const pick = (r: number[]): Split => r.length === 0 ? empty : {
    x: takeRows(all.x, featureSize, r), y: takeRows(all.y, targetSize, r), n: r.length,
  };
  return { train: pick(idx.train), validation: givenVal ?? pick(idx.validation), test: givenTest ?? pick(idx.test) };
}

function countClasses(data: DataInfo, splits: { train: Split; validation: Split; test: Split }): number {
  let max = -1;
  for (const s of [splits.train, splits.validation, splits.test]) {
    for (const v of s.y) {
      if (!Number.isInteger(v) || v < 0) throw new TrainingError(`class labels must be class numbers 0, 1, 2, ...; found ${v}`);
      if (v > max) max = v;
    }
  }
  const k = data.classNames?.length ?? max + 1;
  if (max >= k) throw new TrainingError(`a label is class number ${max}, but only ${k} class names were given`);
  return Math.max(k, 2);
}

function classNamesOf(data: DataInfo, k: number): string[] {
  return Array.from({ length: k }, (_, i) => data.classNames?.[i] ?? String(i));
}

/** Activation and width of the model's output, looking through trailing Activation/Softmax/Dropout layers. */
function outputInfo(model: LayersModel): OutputLayerInfo {
  const shape = model.outputs[0].shape;
  const units = shape[shape.length - 1] ?? null;
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i];
    const className = layer.getClassName();
    const cfg = layer.getConfig() as { activation?: unknown };
    if (className === 'Softmax') return { activation: 'softmax', units };
    if (typeof cfg.activation === 'string') return { activation: cfg.activation, units };
    if (!/Dropout|GaussianNoise|ActivityRegularization/.test(className)) return { activation: 'linear', units };
  }
  return { activation: null, units };
}

/** The studio's readiness check (app/training/readiness.ts) against the loaded data: the same words the UI shows, before any training. */
function refuseUnready(source: TrainingJob['model'], data: DataInfo, k: number, config: TrainingConfig): void {
  let graph: Graph;
  try {
    graph = source.kind === 'graph' ? source.graph : importKerasModel(source.topology).graph;
  } catch {
    return; // A topology the studio cannot read as a graph is checked by TF.js itself when it is built.
  }
  const featureSize = data.featureShape.reduce((a, b) => a * b, 1);
  const bound: BoundData = {
    task: data.task,
    inputShape: data.featureShape,
    outputUnits: data.task === 'classification' ? k : data.task === 'regression' ? 1 : featureSize,
    classes: data.task === 'classification' ? classNamesOf(data, k) : undefined,
    kind: data.dataKind,
  };
  const refusal = firstRefusal(checkReadiness(graph, bound, { loss: config.loss }));
  if (refusal) throw new TrainingError(refusal.message.replace(/^The /, 'the '), refusal.advice);
}

/** Reconstruction targets take the model's output shape (an autoencoder may output 784 values for a 28×28×1 image). */
function reconstructionShape(model: LayersModel): number[] {
  return model.outputs[0].shape.slice(1).map((d) => d ?? 1);
}

function targets(tf: Tf, split: Split, choice: LossChoice, k: number, data: DataInfo, model: LayersModel): Tensor {
  switch (choice.targetFormat) {
    case 'one-hot':
      return tf.tidy(() => tf.oneHot(tf.tensor1d(split.y, 'int32'), k).toFloat());
    case 'values':
      return data.task === 'reconstruction' ? tf.tensor(split.y, [split.n, ...reconstructionShape(model)]) : tf.tensor2d(split.y, [split.n, 1]);
    default:
      return tf.tensor2d(split.y, [split.n, 1]);
  }
}

function makeOptimizer(tf: Tf, config: TrainingConfig): tfTypes.Optimizer {
  const { name, learningRate: lr, momentum, nesterov } = config.optimizer;
  switch (name) {
    case 'sgd': return momentum > 0 || nesterov ? tf.train.momentum(lr, momentum, nesterov) : tf.train.sgd(lr);
    case 'adam': return tf.train.adam(lr);
    case 'adamax': return tf.train.adamax(lr);
    case 'rmsprop': return tf.train.rmsprop(lr);
    case 'adagrad': return tf.train.adagrad(lr);
    case 'adadelta': return tf.train.adadelta(lr);
  }
}

/** What the replicas did: split every batch, or (when splitting was not faster here) leave the steps to one thread. */
function replicaOutcome(parallel: DataParallel): Pick<TrainingResult, 'threads' | 'parallelism' | 'parallelChoice'> {
  const { probe, splitting, threads, splitSteps, splittableSteps } = parallel;
  if (!probe) return splitting === null ? { parallelChoice: `the run was too short to time splitting each batch over ${threads} threads: its steps ran whole and split in turn` } : {};
  const times = `${formatNumber(probe.splitMsPerSample)} ms per sample split against ${formatNumber(probe.wholeMsPerSample)} on one thread`;
  // Timed again after a few hundred steps and 30 s: the run reports the way most of its steps went, and the last timing.
  const mostlySplit = splitSteps * 2 > splittableSteps;
  const share = `${splitSteps} of ${splittableSteps} steps split`;
  return mostlySplit
    ? { threads, parallelism: 'replicas', parallelChoice: `each batch split over ${threads} threads (${share}); last timed at ${times}` }
    : { threads: 1, parallelism: undefined, parallelChoice: `trained on one thread (${share}): splitting each batch over ${threads} threads was not faster for this model; last timed at ${times}` };
}

/** `auto`: n / (k × count) per class (scikit-learn's "balanced"), so every class weighs the same in total. */
async function classWeights(config: TrainingConfig, classCounts: () => Promise<number[]>, n: number, k: number, names?: string[]): Promise<Record<number, number> | null | 'not-classification'> {
  const cw = config.classWeights;
  if (cw === 'none') return null;
  if (k === 0) return 'not-classification';
  if (cw === 'auto') {
    const counts = await classCounts();
    const out: Record<number, number> = {};
    counts.forEach((c, i) => { out[i] = c > 0 ? n / (k * c) : 1; });
    return out;
  }
  const out: Record<number, number> = {};
  for (const [label, weight] of Object.entries(cw)) {
    const index = names?.indexOf(label) ?? -1;
    const i = index >= 0 ? index : /^\d+$/.test(label) ? Number(label) : -1;
    if (i < 0 || i >= k) throw new TrainingError(`class weight given for "${label}", which is not one of the classes`, names ? `use one of: ${names.join(', ')}` : undefined);
    out[i] = weight;
  }
  for (let i = 0; i < k; i++) out[i] ??= 1;
  return out;
}

/** Batches read from disk as the {xs, ys} tensors tf.data hands to fitDataset (which disposes them). */
async function* batchTensors(tf: Tf, batches: AsyncIterable<Batch>, choice: LossChoice, k: number, data: DataInfo, model: LayersModel): AsyncGenerator<{ xs: Tensor; ys: Tensor }> {
  for await (const b of batches) {
    const split: Split = { x: b.x, y: b.y, n: b.size };
    yield { xs: tf.tensor(b.x, b.xShape), ys: targets(tf, split, choice, k, data, model) };
  }
}

async function* once(split: Split): AsyncGenerator<Split> {
  yield split;
}

async function* splitsOf(batches: AsyncIterable<Batch>): AsyncGenerator<Split> {
  for await (const b of batches) yield { x: b.x, y: b.y, n: b.size };
}

/**
 * Loss, metrics and the full evaluation on the test rows, batch by batch: the compiled metrics are
 * averaged over rows, the evaluation accumulates (exact counts; curves from a bounded sample).
 */
async function evaluateTest(tf: Tf, model: LayersModel, batches: AsyncIterable<Split>, data: DataInfo, choice: LossChoice, k: number, batchSize: number, seed: number, texts?: readonly string[]): Promise<NonNullable<TrainingResult['test']>> {
  const classification = data.task === 'classification';
  const evaluation = new TestEvaluation({ task: classification ? 'classification' : 'regression', classNames: classification ? classNamesOf(data, k) : undefined, preprocessor: data.preprocessor, seed, texts });
  // Report regression errors in the target's own units: the data pipeline standardizes regression targets.
  const scale = classification ? null : targetScaleOf(data.preprocessor);
  const sums = new Array<number>(model.metricsNames.length).fill(0);
  let rows = 0;
  for await (const split of batches) {
    if (split.n === 0) continue;
    const x = tf.tensor(split.x, [split.n, ...data.featureShape]);
    const y = targets(tf, split, choice, k, data, model);
    try {
      const scalars = model.evaluate(x, y, { batchSize });
      const list = Array.isArray(scalars) ? scalars : [scalars];
      const values = await Promise.all(list.map((s) => s.data()));
      list.forEach((s) => s.dispose());
      values.forEach((v, i) => { sums[i] += v[0] * split.n; });
      rows += split.n;
      const pred = model.predict(x, { batchSize }) as Tensor;
      const p = await pred.data() as Float32Array;
      const width = pred.shape[pred.shape.length - 1] ?? 1;
      pred.dispose();
      evaluation.add(p, width, split.x, split.y);
    } finally {
      x.dispose();
      y.dispose();
    }
  }
  const logs: Record<string, number | null> = {};
  model.metricsNames.forEach((name, i) => {
    const mean = rows > 0 ? sums[i] / rows : NaN;
    logs[metricKey(name)] = Number.isFinite(mean) ? mean : null;
  });
  return { logs: logsInTargetUnits(logs, scale), evaluation: evaluation.finish() };
}

/**
 * A completed run that learned nothing stays `completed` but says so: the message leads with it, the
 * advice is the one change to try, and a warning starting "did not learn" carries the whole verdict.
 */
function judgeLearning(result: TrainingResult, data: DataInfo, config: TrainingConfig, output: OutputLayerInfo): void {
  const check = checkLearning({
    task: data.task,
    history: result.history,
    evaluation: result.test?.evaluation ?? null,
    config,
    outputActivation: output.activation,
  });
  result.learning = check;
  if (check.learned) return;
  result.message = `${result.message}, but the model did not learn: ${check.signs[0]}`;
  result.advice = check.advice ?? undefined;
  result.warnings.push(learningSentence(check));
}
