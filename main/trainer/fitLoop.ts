// The studio's training loop around TF.js's fit: stop after a batch, NaN → diverged, throttled
// progress, early stopping with best weights, LR on plateau. One place, used by every run and by
// the engine benchmark, so "studio ÷ bare" measures exactly what users train with.
import type * as tfTypes from '@tensorflow/tfjs';
import { EarlyStoppingTracker, PlateauTracker } from '../../app/training/callbacks.ts';
import { cleanLogs, estimateEtaMs, ProgressThrottle, type ProgressEvent } from '../../app/training/progress.ts';
import type { TrainingConfig } from '../../app/training/config.ts';
import type { TrainingStatus } from '../../app/training/protocol.ts';
import { lossTrend } from '../../app/training/learning.ts';
import type { Tf } from './runtime.ts';
import { throwOnWebgpuErrors } from '../engine/webgpu.ts';

type Tensor = tfTypes.Tensor;

export interface LoopHooks {
  onProgress?(event: ProgressEvent): void;
  /** Polled after every batch; true ends the run after that batch. */
  shouldStop?(): boolean;
  /** After every optimizer step, before anything reads the weights (pruning's masks, main/trainer/pruning.ts). */
  afterStep?(): void | Promise<void>;
  /** Batch events per second at most (epoch events are never dropped). */
  maxBatchEventsPerSecond?: number;
  /** Epoch counts after which the loop waits for `checkpoint` to say whether to go on (false: stop there). */
  checkpoints?: readonly number[];
  checkpoint?(epochsDone: number): Promise<boolean>;
  /** After every full epoch that leaves the run going (the weights are that epoch's): saves the training checkpoints. */
  onEpochDone?(epoch: number, logs: Record<string, number | null>, learningRate: number): Promise<void>;
}

export interface LoopOptions {
  tf: Tf;
  model: tfTypes.LayersModel;
  optimizer: tfTypes.Optimizer;
  config: Pick<TrainingConfig, 'earlyStopping' | 'reduceLrOnPlateau' | 'optimizer'>;
  epochs: number;
  batchSize: number;
  /** Training rows per epoch, for ETAs and batch counts. */
  nTrain: number;
  backend: string;
  hooks: LoopHooks;
  /** A resumed run starts at this epoch (0-based) with this learning rate; ETAs count only the epochs left. */
  resume?: { initialEpoch: number; learningRate: number };
  /** False: no "may not be learning" note from the loss's trend (a pruning fine-tune's loss rises with its sparsity by design). */
  watchLearning?: boolean;
  /** Rewrites each epoch's and batch's metrics before anyone sees them (regression errors into the target's units). */
  mapLogs?: (logs: Record<string, number | null>) => Record<string, number | null>;
}

/** What the loop learned while fitting; read after fit() returns. */
export interface LoopState {
  status: TrainingStatus;
  stopReason: string;
  divergedAt: number;
  earlyStoppedAt: number;
  epochsCompleted: number;
  samplesDone: number;
  fitStart: number;
  learningRate: number;
  history: Record<string, (number | null)[]>;
  early: EarlyStoppingTracker | null;
  bestWeights: Tensor[] | null;
}

export interface StudioLoop {
  /** Pass to fit()/fitDataset() as `callbacks`. */
  callbacks: tfTypes.Callback[];
  state: LoopState;
  /** Frees the kept best weights. */
  dispose(): void;
}

export function rate(samples: number, ms: number): number {
  return ms > 0 ? (samples * 1000) / ms : 0;
}

/** Options every studio fit passes to TF.js (besides epochs, data and callbacks; the callbacks yield themselves). */
export function studioFitOptions(config: Pick<TrainingConfig, 'shuffle'>): { shuffle: boolean; verbose: 0 } {
  return { shuffle: config.shuffle, verbose: 0 };
}

function appendHistory(history: Record<string, (number | null)[]>, logs: Record<string, number | null>, epoch: number): void {
  for (const [key, value] of Object.entries(logs)) {
    const series = (history[key] ??= []);
    while (series.length < epoch) series.push(null);
    series.push(value);
  }
}

/**
 * SGD and momentum cache the rate in a tensor and expose a setter; the others read the field on every step.
 * TF.js declares neither on Optimizer (`learningRate` is protected in each subclass), hence the one cast.
 */
function setLearningRate(optimizer: tfTypes.Optimizer, lr: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** The callbacks of a studio run and the state they fill in. */
export function studioCallbacks(options: LoopOptions): StudioLoop {
  const { tf, model, optimizer, config, epochs, batchSize, nTrain, backend, hooks } = options;
  const mapLogs = options.mapLogs ?? ((logs: Record<string, number | null>) => logs);
  const batchesPerEpoch = Math.ceil(nTrain / batchSize);
  const throttle = new ProgressThrottle(hooks.maxBatchEventsPerSecond ?? 20);
  const plateau = config.reduceLrOnPlateau.enabled ? new PlateauTracker(config.reduceLrOnPlateau) : null;
  const state: LoopState = {
    status: 'completed',
    stopReason: '',
    divergedAt: -1,
    earlyStoppedAt: -1,
    epochsCompleted: options.resume?.initialEpoch ?? 0,
    samplesDone: 0,
    fitStart: performance.now(),
    learningRate: options.resume?.learningRate ?? config.optimizer.learningRate,
    history: {},
    early: config.earlyStopping.enabled ? new EarlyStoppingTracker(config.earlyStopping) : null,
    bestWeights: null,
  };
  let epochSamples = 0;
  let epochStart = 0;
  let currentEpoch = 0;
  let currentBatch = 0;

  // A Callback subclass rather than TF.js's CustomCallback: CustomCallback awaits every batch's loss and
  // metrics (a read per scalar per batch) before calling us. Here the loss is read only when a progress
  // event is due, at most every 50 ms; a NaN loss stays NaN, so divergence is still caught then, or at the
  // epoch's end at the latest. The same 50 ms give the event loop a turn, so a stop message is seen.
  const checkEveryMs = 50;
  let lastCheck = 0;
  // An async read: the WebGPU backend has no synchronous read under Node.
  const readLoss = async (value: unknown): Promise<number | undefined> => {
    if (typeof value === 'number') return value;
    const tensor = value as Tensor | undefined;
    return tensor && !tensor.isDisposed ? (await tensor.data())[0] : undefined;
  };
  const resolveLogs = async (logs: Record<string, unknown> | undefined): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const [key, value] of Object.entries(logs ?? {})) {
      if (typeof value === 'number') out[key] = value;
      else if (value && typeof (value as Tensor).data === 'function' && !(value as Tensor).isDisposed) out[key] = (await (value as Tensor).data())[0];
    }
    return out;
  };

  class StudioCallback extends tf.Callback {
    override async onEpochBegin(epoch: number): Promise<void> {
      currentEpoch = epoch;
      epochSamples = 0;
      epochStart = performance.now();
    }

    override async onBatchEnd(batch: number, logs?: Record<string, unknown>): Promise<void> {
      await hooks.afterStep?.();
      currentBatch = batch;
      const size = typeof logs?.size === 'number' ? logs.size : batchSize;
      state.samplesDone += size;
      epochSamples += size;
      const now = performance.now();
      const due = now - lastCheck >= checkEveryMs;
      if (hooks.shouldStop?.()) {
        state.status = 'stopped';
        state.stopReason = `stopped after batch ${batch + 1} of ${batchesPerEpoch} in epoch ${currentEpoch + 1}`;
        model.stopTraining = true;
      }
      if (!due) return;
      lastCheck = now;
      const loss = await readLoss(logs?.loss);
      // After the read, which waits for the GPU: an invalid shader since the last check fails the run here.
      if (backend === 'webgpu') throwOnWebgpuErrors();
      if (typeof loss === 'number' && !Number.isFinite(loss)) {
        state.status = 'diverged';
        state.divergedAt = currentEpoch;
        model.stopTraining = true;
      }
      if (hooks.onProgress && throttle.accept({ type: 'batch' })) {
        const values = await resolveLogs(logs);
        hooks.onProgress({
          type: 'batch',
          epoch: currentEpoch,
          epochs,
          batch,
          batchesPerEpoch,
          logs: mapLogs(cleanLogs(values)),
          samplesPerSec: rate(epochSamples, now - epochStart),
          etaMs: estimateEtaMs(state.samplesDone, nTrain * (epochs - (options.resume?.initialEpoch ?? 0)), now - state.fitStart),
          tensors: tf.memory().numTensors,
          backend,
        });
      }
      await tf.nextFrame();
    }

    override async onEpochEnd(epoch: number, logs?: Record<string, unknown>): Promise<void> {
      const clean = mapLogs(cleanLogs(await resolveLogs(logs)));
      if (backend === 'webgpu') throwOnWebgpuErrors();
      // A NaN that appeared since the last check ends the run here, before early stopping reads it.
      if (state.status === 'completed' && typeof clean.loss !== 'number' && 'loss' in clean) {
        state.status = 'diverged';
        state.divergedAt = epoch;
        model.stopTraining = true;
      }
      // Status changes only inside a batch: still `completed` here means no batch of this epoch ended the run.
      const fullEpoch = state.status === 'completed' || (state.status === 'stopped' && currentBatch === batchesPerEpoch - 1);
      if (fullEpoch) state.epochsCompleted = epoch + 1;
      appendHistory(state.history, { ...clean, lr: state.learningRate }, epoch);
      // Said while training, not only at the end: a loss that has not fallen (or rises) over several epochs.
      const trend = state.status === 'completed' && options.watchLearning !== false ? lossTrend(state.history) : null;
      const now = performance.now();
      hooks.onProgress?.({
        type: 'epoch',
        epoch,
        epochs,
        batchesPerEpoch,
        logs: clean,
        learningRate: state.learningRate,
        durationMs: now - epochStart,
        samplesPerSec: rate(epochSamples, now - epochStart),
        etaMs: estimateEtaMs(state.samplesDone, nTrain * (epochs - (options.resume?.initialEpoch ?? 0)), now - state.fitStart),
        tensors: tf.memory().numTensors,
        backend,
        ...(trend ? { note: `The model may not be learning: ${trend.sentence}.` } : {}),
      });
      if (!fullEpoch || state.status !== 'completed') return;
      const early = state.early;
      if (early) {
        const { improved, stop } = early.update(epoch, clean);
        if (improved && config.earlyStopping.restoreBestWeights) {
          state.bestWeights?.forEach((t) => t.dispose());
          state.bestWeights = model.getWeights().map((w) => tf.keep(w.clone()));
        }
        if (stop) {
          state.earlyStoppedAt = epoch;
          model.stopTraining = true;
        }
      }
      if (plateau) {
        const next = plateau.update(clean, state.learningRate);
        if (next !== null) {
          state.learningRate = next;
          setLearningRate(optimizer, next);
        }
      }
      await hooks.onEpochDone?.(epoch, clean, state.learningRate);
      // A checkpoint: training waits here (not a batch later) so that a run told to stop ends on this epoch exactly.
      if (hooks.checkpoint && hooks.checkpoints?.includes(epoch + 1) && epoch + 1 < epochs && !model.stopTraining) {
        if (!(await hooks.checkpoint(epoch + 1))) {
          state.status = 'stopped';
          state.stopReason = `stopped at the end of epoch ${epoch + 1} of ${epochs}`;
          model.stopTraining = true;
        }
      }
    }
  }
  const callbacks = [new StudioCallback()];
  return {
    callbacks,
    state,
    dispose: () => {
      state.bestWeights?.forEach((t) => t.dispose());
      state.bestWeights = null;
    },
  };
}
