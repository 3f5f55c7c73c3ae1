// Training-throughput benchmark of the two reference models on every backend that loads, each beside a
// bare TF.js `model.fit` of the same model and backend in the same run. Used by `npm run bench` and the CLI.
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { BACKEND_LADDER, loadBackend, type BackendName, type Tf } from './backends.ts';
import { REPLACED_KERNELS, useStockKernel } from './wasmKernels/index.ts';
import { withoutConvBiasRelu } from './wasmKernels/convBiasRelu.ts';
import { withoutFusedAdam } from './wasmKernels/adam.ts';
import { PROBE_STEPS, startDataParallel, type ReplicaSpec } from './dataParallel.ts';
import { median } from '../../app/training/tradeoffs.ts';

export const REFERENCE_MODELS = ['mlp', 'cnn'] as const;
export type ReferenceModelName = (typeof REFERENCE_MODELS)[number];

/** Throughput targets on the 2-core reference machines with wasm (issue 3). */
export const WASM_TARGETS: Record<ReferenceModelName, number> = { mlp: 6000, cnn: 2000 };

export interface ThroughputResult {
  model: ReferenceModelName;
  backend: BackendName;
  batchSize: number;
  /**
   * Threads the backend computed with: wasm's pool size as the backend reports it, 1 for cpu, null for
   * tensorflow and webgpu (they thread by themselves; `threads` does not apply to them).
   */
  threads: number | null;
  /**
   * More than one wasm thread runs as replicas of the model (./dataParallel.ts): whether they split every batch
   * (true), or the model trained on one thread because splitting was not faster in its first steps (false).
   */
  split?: boolean;
  /** The studio's own training loop; until one is plugged in (see `studioFit`), a copy of bareSamplesPerSec — and `note` says so. */
  samplesPerSec: number;
  bareSamplesPerSec: number;
  /** Bare throughput with tfjs's stock wasm kernels instead of Modelwright's replacements (only with compareStockKernels). */
  stockKernelsSamplesPerSec?: number;
  /**
   * Bare samples per second of process CPU time. On a machine shared with other work, wall-clock figures drop
   * with the load; this one does not, and on an idle machine it matches bareSamplesPerSec (tfjs runs on one thread).
   */
  bareSamplesPerCpuSec?: number;
  note?: string;
}

export interface EngineBenchReport {
  results: ThroughputResult[];
  /** Backends that did not load, with the one-line reason. */
  skipped: { backend: BackendName; reason: string }[];
}

/** Trains `batches` batches (or a whole number of passes over its data when that is more) and resolves to the samples trained. */
export type FitFn = (batches: number) => Promise<number>;

export interface MeasureOptions {
  /** Time spent measuring after warm-up, in ms (default 3000). */
  minMs?: number;
  /** Warm-up batches, excluded from the measurement (default 3; 1 when a batch takes over a second). */
  warmupBatches?: number;
  /** Upper bound on measured batches (default 10,000). */
  maxBatches?: number;
}

/**
 * Samples per second of a training function: warms it up (first-call costs such as XNNPACK operator set-up and
 * JIT are excluded), sizes the run from the warm-up speed so it lasts about `minMs`, and times that run.
 */
export async function measureThroughput(fitFn: FitFn, batchSize: number, options: MeasureOptions = {}): Promise<number> {
  return (await measureThroughputDetailed(fitFn, batchSize, options)).samplesPerSec;
}

/** measureThroughput, also reporting samples per second of process CPU time (robust to other load on the machine). */
export async function measureThroughputDetailed(fitFn: FitFn, batchSize: number, options: MeasureOptions = {}): Promise<{ samplesPerSec: number; samplesPerCpuSec: number }> {
  const minMs = options.minMs ?? 3000;
  const maxBatches = options.maxBatches ?? 10_000;
  let t0 = performance.now();
  await fitFn(1);
  let perBatchMs = performance.now() - t0;
  const more = perBatchMs > 1000 ? 0 : (options.warmupBatches ?? 3) - 1;
  if (more > 0) {
    t0 = performance.now();
    const warmed = await fitFn(more);
    perBatchMs = (performance.now() - t0) / Math.max(1, warmed / batchSize);
  }
  const batches = Math.max(1, Math.min(maxBatches, Math.round(minMs / Math.max(perBatchMs, 1e-3))));
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  const samples = await fitFn(batches);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { samplesPerSec: samples / (wallMs / 1000), samplesPerCpuSec: samples / ((cpu.user + cpu.system) / 1e6) };
}

/** Builds and compiles a reference model (Adam, categorical crossentropy) on the active backend. */
export function buildReferenceModel(tf: Tf, name: ReferenceModelName): LayersModel {
  const L = tf.layers;
  const model = name === 'mlp'
    ? tf.sequential({ layers: [
      L.dense({ units: 256, activation: 'relu', inputShape: [784] }),
      L.dense({ units: 128, activation: 'relu' }),
      L.dense({ units: 10, activation: 'softmax' }),
    ] })
    : tf.sequential({ layers: [
      L.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.flatten(),
      L.dense({ units: 64, activation: 'relu' }),
      L.dense({ units: 10, activation: 'softmax' }),
    ] });
  model.compile({ optimizer: tf.train.adam(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Random inputs and one-hot labels shaped for a reference model (throughput does not depend on the values). */
export function referenceData(tf: Tf, name: ReferenceModelName, samples: number): { x: Tensor; y: Tensor } {
  const x = tf.randomUniform(name === 'mlp' ? [samples, 784] : [samples, 28, 28, 1], 0, 1, 'float32', 1);
  const labels = tf.randomUniform([samples], 0, 10, 'int32', 2);
  const y = tf.tidy(() => tf.oneHot(labels as never, 10).toFloat());
  labels.dispose();
  return { x, y };
}

/** The bare TF.js script: `model.fit(x, y, {batchSize, epochs})` with TF.js defaults (shuffling, no callbacks). */
export function bareFit(tf: Tf, model: LayersModel, x: Tensor, y: Tensor, batchSize: number): FitFn {
  const poolBatches = Math.floor(x.shape[0] / batchSize);
  const fitFn: FitFn = async (batches) => {
    if (batches < poolBatches) {
      const [xs, ys] = [x.slice(0, batches * batchSize), y.slice(0, batches * batchSize)];
      await model.fit(xs, ys, { batchSize, epochs: 1, verbose: 0 });
      tf.dispose([xs, ys]);
      return batches * batchSize;
    }
    const epochs = Math.round(batches / poolBatches);
    await model.fit(x, y, { batchSize, epochs, verbose: 0 });
    return epochs * poolBatches * batchSize;
  };
  return fitFn;
}

export interface StudioFitContext {
  tf: Tf;
  backend: BackendName;
  modelName: ReferenceModelName;
  model: LayersModel;
  x: Tensor;
  y: Tensor;
  batchSize: number;
}

export interface EngineBenchOptions {
  backends?: BackendName[];
  models?: ReferenceModelName[];
  batchSize?: number;
  /**
   * Thread counts to measure wasm with (default [1]), each a result of its own: 1 on the single-threaded build,
   * more as that many replicas of the model splitting every batch (./dataParallel.ts), as training runs them.
   */
  threads?: number[];
  measure?: MeasureOptions;
  /**
   * The studio's training loop on a fresh, identical model (main/trainer/benchFit.ts: the engine cannot import the
   * trainer, so runStudioEngineBench passes it); when absent, samplesPerSec repeats the bare figure, with a note saying so.
   */
  studioFit?: (context: StudioFitContext) => FitFn;
  /** Paired studio/bare rounds in alternating order when studioFit is given; each reports its median (default 3). */
  rounds?: number;
  /** Also measure bare fit on wasm with tfjs's stock kernels, to show what the replacements buy. */
  compareStockKernels?: boolean;
  /** Called before each measurement, e.g. for progress lines on stderr. */
  onProgress?: (message: string) => void;
}

const POOL_BATCHES: Record<ReferenceModelName, number> = { mlp: 32, cnn: 16 };

/** Runs the benchmark over every requested backend that loads; those that do not are listed in `skipped`. */
export async function runEngineBench(options: EngineBenchOptions = {}): Promise<EngineBenchReport> {
  const batchSize = options.batchSize ?? 64;
  const report: EngineBenchReport = { results: [], skipped: [] };
  const threadCounts = [...new Set(options.threads ?? [1])];
  for (const backend of options.backends ?? BACKEND_LADDER) {
    let tf: Tf;
    try {
      ({ tf } = await loadBackend(backend));
    } catch (err) {
      report.skipped.push({ backend, reason: (err as Error).message });
      continue;
    }
    // Only wasm's pool is ours to size; the other backends are measured once.
    const counts: (number | null)[] = backend === 'wasm' ? threadCounts : [backend === 'cpu' ? 1 : null];
    for (const modelName of options.models ?? REFERENCE_MODELS) for (const wanted of counts) {
      const threads = wanted;
      options.onProgress?.(`${modelName} on ${backend}${threads !== null ? ` with ${threads} thread${threads === 1 ? '' : 's'}` : ''}`);
      const { x, y } = referenceData(tf, modelName, POOL_BATCHES[modelName] * batchSize);
      // The pure-JS cpu backend trains the cnn at ~10 samples/s: one measured batch is plenty there.
      const measure = backend === 'cpu' && modelName === 'cnn' ? { ...options.measure, minMs: Math.min(options.measure?.minMs ?? 3000, 1000) } : options.measure;
      const timedDetailed = async (make: (model: LayersModel) => FitFn) => {
        const model = buildReferenceModel(tf, modelName);
        // Several wasm threads: the model's steps split over replicas, as training does for a model without BatchNormalization.
        const parallel = threads !== null && threads > 1 ? await startDataParallel(tf, model, referenceReplicaSpec(model), threads) : null;
        try {
          // Training times its first steps whole and split to choose (./dataParallel.ts); measured after that choice.
          if (parallel) await bareFit(tf, model, x, y, batchSize)(PROBE_STEPS);
          const measured = await measureThroughputDetailed(make(model), batchSize, measure);
          return { ...measured, split: parallel?.splitting ?? undefined };
        } finally {
          await parallel?.stop();
          model.dispose();
        }
      };
      const timed = async (make: (model: LayersModel) => FitFn) => (await timedDetailed(make)).samplesPerSec;
      try {
        const bare = await timedDetailed((model) => bareFit(tf, model, x, y, batchSize));
        const result: ThroughputResult = {
          model: modelName, backend, batchSize, threads, ...(bare.split !== undefined ? { split: bare.split } : {}), samplesPerSec: bare.samplesPerSec, bareSamplesPerSec: bare.samplesPerSec, bareSamplesPerCpuSec: bare.samplesPerCpuSec,
        };
        if (options.studioFit) {
          const studioFit = options.studioFit;
          // Paired rounds in alternating order (bare first, then studio first, ...), and the median of
          // each: an A/A run of bare against bare spreads about ±10% here from one measurement to the
          // next, so one pair proves nothing; the median of alternating pairs cancels drift and order.
          const rounds = Math.max(1, options.rounds ?? 3);
          const bares: { samplesPerSec: number; samplesPerCpuSec: number; split?: boolean }[] = [bare];
          const studios: number[] = [];
          for (let round = 0; round < rounds; round++) {
            const measureBare = async () => { if (round > 0) bares.push(await timedDetailed((model) => bareFit(tf, model, x, y, batchSize))); };
            const measureStudio = async () => { studios.push(await timed((model) => studioFit({ tf, backend, modelName, model, x, y, batchSize }))); };
            if (round % 2 === 0) { await measureBare(); await measureStudio(); } else { await measureStudio(); await measureBare(); }
          }
          const medianBare = bares.slice().sort((p, q) => p.samplesPerSec - q.samplesPerSec)[Math.floor(bares.length / 2)];
          result.samplesPerSec = median(studios);
          result.bareSamplesPerSec = medianBare.samplesPerSec;
          result.bareSamplesPerCpuSec = medianBare.samplesPerCpuSec;
          // `split` describes the measurement reported: each of the three timed splitting in its own first steps.
          if (medianBare.split !== undefined) result.split = medianBare.split;
        } else {
          result.note = 'no studio training loop was given (studioFit; runStudioEngineBench gives it): samplesPerSec repeats bareSamplesPerSec';
        }
        if (options.compareStockKernels && backend === 'wasm') {
          for (const name of REPLACED_KERNELS) useStockKernel(name, true);
          try {
            // TF.js's own Conv2D + bias + relu and Adam too: our fused ways replace those as well.
            result.stockKernelsSamplesPerSec = await withoutConvBiasRelu(() => withoutFusedAdam(() => timed((model) => bareFit(tf, model, x, y, batchSize))));
          } finally {
            for (const name of REPLACED_KERNELS) useStockKernel(name, false);
          }
        }
        report.results.push(result);
      } finally {
        tf.dispose([x, y]);
      }
    }
  }
  return report;
}

/** What a replica thread needs to build a reference model as built and compiled by buildReferenceModel. */
function referenceReplicaSpec(model: LayersModel): ReplicaSpec {
  return { model: { kind: 'keras', topology: model.toJSON(null, false) }, loss: 'categoricalCrossentropy', metrics: ['accuracy'] };
}

export interface ThreadScalingOptions {
  model: ReferenceModelName;
  batchSize: number;
  /** Threads of the many-thread side (replicas, as training runs the model). */
  threads: number;
  /** Pairs of windows (default 10). */
  pairs?: number;
  /** Length of each timed window in ms (default 1500). */
  windowMs?: number;
}

export interface ThreadScaling {
  threads: number;
  /** Samples/s of each pair, one thread and `threads`, timed back to back (the order alternating pair by pair). */
  pairs: { one: number; many: number }[];
  /** Whether the replicas split the batches, as their first steps' timing decided (null: never decided). */
  split: boolean | null;
  /** Median over the pairs of many ÷ one. */
  ratio: number;
  /**
   * The fastest `threads` window ÷ the fastest one-thread window: each side as fast as this machine let it run.
   * Other work on a shared machine only ever slows a window down, and two threads need two quiet cores at once,
   * so the median of the pairs shows the machine as it is and this shows what the code does when left alone.
   */
  bestRatio: number;
}

/**
 * wasm throughput on `threads` threads against one thread, measured in one process as pairs of short windows in
 * alternating order (one model on one thread, an identical one with replicas), each pair's ratio taken on its
 * own. On a shared machine whose speed drifts from minute to minute, ratios of windows seconds apart are far
 * steadier than ratios of separate runs minutes apart (docs/engine.md, "Threads").
 */
export async function measureThreadScaling(options: ThreadScalingOptions): Promise<ThreadScaling> {
  const { model: name, batchSize, threads } = options;
  const { tf } = await loadBackend('wasm', { threads: 1 });
  const { x, y } = referenceData(tf, name, POOL_BATCHES[name] * batchSize);
  const one = buildReferenceModel(tf, name);
  const many = buildReferenceModel(tf, name);
  let parallel: Awaited<ReturnType<typeof startDataParallel>> | null = null;
  try {
    parallel = await startDataParallel(tf, many, referenceReplicaSpec(many), threads);
    const fitOne = bareFit(tf, one, x, y, batchSize);
    const fitMany = bareFit(tf, many, x, y, batchSize);
    // Warm both; the replicas time splitting against not splitting in their first steps, as training does.
    await fitOne(PROBE_STEPS);
    await fitMany(PROBE_STEPS);
    const window = { minMs: options.windowMs ?? 1500, warmupBatches: 1 };
    const pairs: ThreadScaling['pairs'] = [];
    const timeOne = () => measureThroughput(fitOne, batchSize, window);
    const timeMany = () => measureThroughput(fitMany, batchSize, window);
    for (let i = 0; i < (options.pairs ?? 10); i++) {
      if (i % 2 === 0) {
        const one = await timeOne();
        pairs.push({ one, many: await timeMany() });
      } else {
        const many = await timeMany();
        pairs.push({ one: await timeOne(), many });
      }
    }
    return {
      threads, pairs, split: parallel.splitting, ratio: median(pairs.map((p) => p.many / p.one)),
      bestRatio: Math.max(...pairs.map((p) => p.many)) / Math.max(...pairs.map((p) => p.one)),
    };
  } finally {
    await parallel?.stop();
    tf.dispose([x, y]);
    one.dispose();
    many.dispose();
  }
}
