// Data-parallel training on several cores: each training step's batch is split between this thread and
// replica threads (Node worker_threads, each with its own single-threaded wasm engine and a copy of the
// model, ./replicaEntry.ts). Every replica computes the gradients of the same loss on its part of the batch;
// this thread averages them, weighted by part size, and its optimizer applies them once. Losses and metrics
// are per-sample means, so a step is the step on the whole batch (up to float rounding; see the parity test).
// Replicas are sent this thread's weights before each step and never update their own, so they cannot drift.
// Weights, parts and gradients travel through SharedArrayBuffers allocated once per replica and copied straight
// from and to the wasm heap: a message carries only where they are, so a step makes no large garbage (cloning
// them in every message cost the process's garbage collector ~8 ms of CPU per reference-CNN step).
// Each part draws its own dropout masks. BatchNormalization would normalize each part with the part's own
// statistics, so models with it use the threaded wasm build instead (./parallelPlan.ts).
//
// Hooked into TF.js's own training step, `makeTrainFunction()` (what fit, fitDataset and trainOnBatch call),
// and the optimizer's `minimize`, so callbacks, class weights and learning-rate schedules work unchanged.
// The threads talk synchronously (Atomics.wait + receiveMessageOnPort) because TF.js's step is synchronous.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DataType, LayersModel, Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { util } from '@tensorflow/tfjs-core';
import type { Tf } from './backends.ts';
import type { LossName } from './losses.ts';
import type { ModelSource } from './modelSource.ts';
import { median } from '../../app/training/tradeoffs.ts';

/** What a replica thread needs to build and compile the same model. */
export interface ReplicaSpec {
  model: ModelSource;
  loss: LossName;
  metrics: string[];
  /** Seeds each replica's Math.random (its dropout masks), as the training loop seeds its own. */
  seed?: number;
}

/** One input, target or sample-weight tensor of a replica's part: its bytes at `byteOffset` in the part buffer. */
export interface StepTensor { shape: number[]; dtype: DataType; byteOffset: number; byteLength: number }

export type ReplicaRequest =
  | {
    type: 'step';
    data: (StepTensor | null)[];
    /** Sent with the first step: every weight of the model, in `model.weights` order, written by the trainer before each step. */
    weights?: SharedArrayBuffer;
    /** Sent when (re)allocated: this replica's part of the batch. */
    parts?: SharedArrayBuffer;
  }
  | { type: 'stop' };

export type ReplicaReply =
  | { type: 'ready'; trainableShapes: number[][]; /** Where the replica writes its gradients (float32, trainable weights in order). */ grads: SharedArrayBuffer }
  | { type: 'step'; outs: number[]; /** Which trainable weights have a gradient in the grads buffer. */ hasGrad: boolean[]; /** From waking up to answering. */ busyMs: number }
  | { type: 'error'; message: string };

/** TF.js's training step (LayersModel.makeTrainFunction, protected there): inputs, targets, sample weights → loss and metrics. */
export type TrainStep = (data: Tensor[]) => Scalar[];
export interface StepHooks { makeTrainFunction: () => TrainStep }

/** Fewest samples a part of a batch may have; smaller batches are not split. */
export const MIN_PART = 8;
/** A replica that has not answered a step after this long is taken as lost (the run fails with a message). */
const STEP_TIMEOUT_MS = 300_000;

/** The replica thread's entry: beside the bundled trainer in the packaged app (replica.mjs, main/electron/build.ts), else the TypeScript source. */
export function replicaEntryPath(): string {
  const bundled = fileURLToPath(new URL('./replica.mjs', import.meta.url));
  return import.meta.url.endsWith('.mjs') && existsSync(bundled) ? bundled : fileURLToPath(new URL('./replicaEntry.ts', import.meta.url));
}

class Replica {
  readonly worker: Worker;
  private readonly port: MessagePort;
  /** [0]: a request is waiting (set here), [1]: a reply is waiting (set by the replica). */
  private readonly signal = new Int32Array(new SharedArrayBuffer(8));

  constructor(spec: ReplicaSpec, index: number) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const seeded = spec.seed === undefined ? spec : { ...spec, seed: spec.seed + index + 1 };
    this.worker = new Worker(replicaEntryPath(), { workerData: { spec: seeded, port: port2, signal: this.signal }, transferList: [port2] });
    // A replica must not keep the process alive after training.
    this.worker.unref();
  }

  /** The replica's gradients, once it is ready (float32, its trainable weights in order). */
  grads: Float32Array = new Float32Array(0);
  /** Its part of each step's batch, grown when a part does not fit. */
  parts: SharedArrayBuffer | null = null;

  /** Resolves with the replica's trainable weight shapes once it has built its model. */
  ready(): Promise<number[][]> {
    return new Promise((resolve, reject) => {
      const done = (err?: unknown, shapes?: number[][]) => {
        this.worker.removeAllListeners('error').removeAllListeners('exit');
        this.port.removeAllListeners('message');
        if (shapes) resolve(shapes);
        else reject(new Error(err instanceof Error ? err.message : String(err)));
      };
      this.worker.once('error', (err) => done(err));
      this.worker.once('exit', (code) => done(`it exited with code ${code}`));
      this.port.once('message', (reply: ReplicaReply) => {
        if (reply.type === 'ready') {
          this.grads = new Float32Array(reply.grads);
          done(undefined, reply.trainableShapes);
        } else done(reply.type === 'error' ? reply.message : 'it answered out of turn');
      });
    });
  }

  /** The part buffer, at least `bytes` long: a new one (to be sent with the step) when the current one is too small. */
  partsFor(bytes: number): { buffer: SharedArrayBuffer; isNew: boolean } {
    if (this.parts && this.parts.byteLength >= bytes) return { buffer: this.parts, isNew: false };
    // Half as much again, so that parts sized by measured speed do not reallocate every few steps.
    this.parts = new SharedArrayBuffer(Math.ceil(bytes * 1.5 / 8) * 8);
    return { buffer: this.parts, isNew: true };
  }

  send(request: ReplicaRequest): void {
    this.port.postMessage(request);
    Atomics.store(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }

  /** Blocks until the replica's answer to the last `send`. */
  receive(): Extract<ReplicaReply, { type: 'step' }> {
    if (Atomics.wait(this.signal, 1, 0, STEP_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`a training thread did not answer within ${STEP_TIMEOUT_MS / 1000} s`);
    }
    Atomics.store(this.signal, 1, 0);
    const reply = receiveMessageOnPort(this.port)?.message as ReplicaReply | undefined;
    if (reply?.type === 'step') return reply;
    throw new Error(`a training thread failed: ${reply?.type === 'error' ? reply.message : 'it answered without a result'}`);
  }

  async stop(): Promise<void> {
    this.send({ type: 'stop' });
    await this.worker.terminate();
  }
}

interface SplitStep {
  sizes: number[];
  replicas: Replica[];
  /** When the step began, and when each replica had been sent its part (performance.now()). */
  began: number;
  sentAt: number[];
  received?: boolean;
  replies?: Extract<ReplicaReply, { type: 'step' }>[];
}

/** A model whose training steps are split over replica threads until `stop()`. */
export interface DataParallel {
  /** Threads computing each split step: this one and the replicas. */
  readonly threads: number;
  /** Steps that were split so far, and steps whose batch was big enough to split (2 × MIN_PART samples). */
  readonly splitSteps: number;
  readonly splittableSteps: number;
  /**
   * Whether steps are split, as last decided by timing steps both ways (see `probe`); null until the first
   * decision. A small model's step is mostly fixed per-operation cost that splitting does not share out.
   * Timed again after REPROBE_AFTER steps and REPROBE_AFTER_MS, so a moment of other load on the machine does not decide for good.
   */
  readonly splitting: boolean | null;
  /** Milliseconds this thread spent waiting for the replicas' answers, over all split steps. */
  readonly waitedMs: number;
  /** Milliseconds per sample measured whole and split at the last decision. */
  readonly probe: { wholeMsPerSample: number; splitMsPerSample: number } | null;
  stop(): Promise<void>;
}

export interface DataParallelOptions {
  /** Time the first steps whole and split and keep the faster (default); false: split every step. */
  probe?: boolean;
  /** Size the parts by each thread's measured speed (default); false: equal parts. */
  balance?: boolean;
}

/**
 * The first steps are timed in four blocks of PROBE_BLOCK steps: whole, split, split, whole (a small model's
 * steps get faster over its first seconds; this order cancels a steady drift). A block's first step is not
 * counted (a change of batch shape sets operators up again); alternating single steps would pay that set-up
 * every step and misjudge.
 */
const PROBE_ORDER = [false, true, true, false];
export const PROBE_BLOCK = 4;
export const PROBE_STEPS = 4 * PROBE_BLOCK;
/** A thread's first split steps, not used to size the parts (see `observeRate`). */
const WARMUP_SPLITS = 2;
/**
 * The next timing comes after at least this many splittable steps and this many milliseconds since the
 * decision. Steps alone were too often for a small model: 500 steps of the tabular template's MLP take under
 * half a second, so it was timed again (8 split steps, on a new part shape) several times a second; in one
 * process, windows alternating with the model alone, its replicas that kept to one thread ran at 0.93–1.03 of
 * its speed so, and at 1.05–1.17 between timings 30 s apart (the model alone measured first each time).
 */
export const REPROBE_AFTER = 500;
export const REPROBE_AFTER_MS = 30_000;

/** Split when the median split step is at least 5% faster per sample than the median whole one. */
export function splitIsFaster(wholeMsPerSample: number[], splitMsPerSample: number[]): boolean {
  return median(splitMsPerSample) < 0.95 * median(wholeMsPerSample);
}

/**
 * Starts `threads − 1` replica threads for `model` and hooks its training step. The model must be built from
 * `spec.model` and compiled with `spec.loss` and `spec.metrics` and its optimizer. Rejects with a one-line
 * reason when a replica cannot start. Call `stop()` when training ends.
 */
export async function startDataParallel(tf: Tf, built: LayersModel, spec: ReplicaSpec, threads: number, options: DataParallelOptions = {}): Promise<DataParallel> {
  const model = trainedModel(built);
  const replicas = Array.from({ length: Math.max(0, Math.floor(threads) - 1) }, (_, i) => new Replica(spec, i));
  try {
    const shapes = await Promise.all(replicas.map((r) => r.ready()));
    const own = JSON.stringify(model.trainableWeights.map((w) => w.shape));
    if (shapes.some((s) => JSON.stringify(s) !== own)) throw new Error('a training thread built a different model');
  } catch (err) {
    await Promise.all(replicas.map((r) => r.worker.terminate()));
    throw new Error(`the training threads did not start: ${(err as Error).message}`, { cause: err });
  }

  // Every weight (trainable or not) in model.weights order, as the replicas read them.
  const weightBytes = model.weights.map((w) => util.sizeFromShape(w.shape as number[]) * util.bytesPerElement(w.dtype));
  const weightsBuffer = new SharedArrayBuffer(weightBytes.reduce((a, b) => a + b, 0));
  const weightsView = new Uint8Array(weightsBuffer);
  let weightsSent = false;
  /** Per trainable weight, where the combined gradient is summed (reused every step). */
  const sums: Float32Array[] = [];

  const optimizer = model.optimizer as Optimizer;
  const ownMinimize = optimizer.minimize;
  const hooks = model as unknown as StepHooks;
  const ownMakeTrainFunction = hooks.makeTrainFunction;
  /** Set by a split step for the minimize call inside it. */
  let step: SplitStep | null = null;
  let splitSteps = 0;
  let splitting: boolean | null = options.probe === false ? true : null;
  let probing = options.probe !== false;
  let sinceDecision = 0;
  let decidedAt = 0;
  let splittableSteps = 0;
  let probed: DataParallel['probe'] = null;
  const timings = { whole: [] as number[], split: [] as number[] };
  let probeStep = 0;
  // Samples per millisecond of each thread (this one first) in split steps, smoothed: the parts are sized by
  // them so that every thread finishes its part at about the same time (this one also slices and sends).
  const rates: (number | null)[] = new Array(replicas.length + 1).fill(null);
  // A thread's first WARMUP_SPLITS split steps are not counted: it sets its operators up for the part's shape
  // and a replica also grows its memory, so they take longer (measured on the reference CNN: ~200 ms, then
  // ~120, then ~60-80). Counting them sized the parts as if the replica were that slow for the next several
  // steps, and the timing that decides whether to split saw those lopsided steps.
  const splitsComputed: number[] = new Array(replicas.length + 1).fill(0);
  let waitedMs = 0;
  const observeRate = (k: number, samples: number, ms: number) => {
    if (splitsComputed[k]++ < WARMUP_SPLITS) return;
    const rate = samples / Math.max(ms, 1e-3);
    rates[k] = rates[k] === null ? rate : 0.7 * rates[k]! + 0.3 * rate;
  };

  // This part's gradients plus the replicas', weighted by part size, applied once.
  optimizer.minimize = function minimize(f: () => Scalar, returnCost?: boolean, varList?: Variable[]): Scalar | null {
    if (!step || step.received || !varList) return ownMinimize.call(optimizer, f, returnCost, varList);
    const { sizes, began, sentAt, replicas: used } = step;
    const { value, grads } = optimizer.computeGradients(f, varList);
    observeRate(0, sizes[0], performance.now() - began);
    // Every replica's answer is taken before any failure is raised, so none is left owing one.
    const waitFrom = performance.now();
    const answers = step.replicas.map((r) => { try { return r.receive(); } catch (err) { return err as Error; } });
    waitedMs += performance.now() - waitFrom;
    step.received = true;
    const failed = answers.find((a): a is Error => a instanceof Error);
    if (failed) {
      tf.dispose([value, ...Object.values(grads)]);
      throw failed;
    }
    const replies = answers as Extract<ReplicaReply, { type: 'step' }>[];
    step.replies = replies;
    replies.forEach((reply, k) => observeRate(k + 1, sizes[k + 1], sentAt[k] - began + reply.busyMs));
    const total = sizes.reduce((a, b) => a + b, 0);
    // Σ g_k · n_k / n, in plain arrays: a few typed-array passes instead of four kernels per weight. This
    // thread's gradients are read in place on the wasm heap, the replicas' in their shared buffers.
    const combined: { name: string; tensor: Tensor }[] = [];
    let offset = 0;
    varList.forEach((v, i) => {
      const size = util.sizeFromShape(v.shape);
      const sum = (sums[i] ??= new Float32Array(size));
      sum.fill(0);
      let any = false;
      const add = (g: Float32Array, w: number) => {
        for (let j = 0; j < size; j++) sum[j] += g[j] * w;
        any = true;
      };
      if (grads[v.name]) add(floatsOf(tf, grads[v.name]), sizes[0] / total);
      replies.forEach((reply, k) => { if (reply.hasGrad[i]) add(used[k].grads.subarray(offset, offset + size), sizes[k + 1] / total); });
      offset += size;
      if (any) combined.push({ name: v.name, tensor: tf.tensor(sum, v.shape, 'float32') });
    });
    optimizer.applyGradients(combined);
    tf.dispose([...Object.values(grads), ...combined.map((g) => g.tensor)]);
    const cost = weightedMean(tf, value, replies.map((r) => r.outs[0]), sizes);
    value.dispose();
    if (returnCost) return cost;
    cost.dispose();
    return null;
  };

  hooks.makeTrainFunction = function makeTrainFunction() {
    const ownStep = ownMakeTrainFunction.call(model);
    const splitStep = (data: Tensor[], parts: number): Scalar[] => {
      const n = data[0].shape[0];
      const began = performance.now();
      const known = rates.slice(0, parts);
      const sizes = options.balance !== false && known.every((r) => r !== null) ? partSizes(n, parts, known as number[]) : partSizes(n, parts);
      const used = replicas.slice(0, parts - 1);
      // The replicas start on their parts, with this thread's current weights, while this thread does its own.
      let at = 0;
      model.weights.forEach((w, i) => {
        weightsView.set(bytesOf(tf, w.read()), at);
        at += weightBytes[i];
      });
      let start = sizes[0];
      const sentAt: number[] = [];
      const rowBytes = data.map((t) => (t ? (t.size / n) * util.bytesPerElement(t.dtype) : 0));
      used.forEach((replica, k) => {
        const size = sizes[k + 1];
        const { buffer, isNew } = replica.partsFor(rowBytes.reduce((a, b) => a + b, 0) * size);
        const view = new Uint8Array(buffer);
        let byteOffset = 0;
        const described = data.map((t, i): StepTensor | null => {
          if (!t) return null;
          const byteLength = rowBytes[i] * size;
          view.set(bytesOf(tf, t).subarray(rowBytes[i] * start, rowBytes[i] * start + byteLength), byteOffset);
          const part = { shape: [size, ...t.shape.slice(1)], dtype: t.dtype, byteOffset, byteLength };
          byteOffset += byteLength;
          return part;
        });
        replica.send({ type: 'step', data: described, ...(weightsSent ? {} : { weights: weightsBuffer }), ...(isNew ? { parts: buffer } : {}) });
        sentAt.push(performance.now());
        start += size;
      });
      weightsSent = true;
      const mine = data.map((t) => (t ? tf.slice(t, 0, sizes[0]) : t));
      const current: SplitStep = { sizes, replicas: used, began, sentAt };
      step = current;
      let outs: Scalar[];
      try {
        outs = ownStep(mine);
        if (!current.replies) throw new Error('the training step did not compute gradients');
      } finally {
        step = null;
        tf.dispose(mine.filter(Boolean));
        // A step that failed before collecting the replicas' answers collects them now, so the next one starts clean.
        if (!current.received) for (const r of used) { try { r.receive(); } catch { /* the failure at hand is reported */ } }
      }
      splitSteps++;
      // outs[0] is minimize's combined cost; the metrics are this part's only, until combined here.
      const replies = current.replies!;
      return [outs[0], ...outs.slice(1).map((m, i) => {
        const combinedMetric = weightedMean(tf, m, replies.map((r) => r.outs[i + 1]), sizes);
        m.dispose();
        return combinedMetric;
      })];
    };
    return (data: Tensor[]): Scalar[] => {
      const n = data[0].shape[0];
      const parts = Math.min(replicas.length + 1, Math.floor(n / MIN_PART));
      if (parts < 2) return ownStep(data);
      splittableSteps++;
      if (!probing && options.probe !== false && ++sinceDecision > REPROBE_AFTER && performance.now() - decidedAt > REPROBE_AFTER_MS) {
        probing = true;
        probeStep = 0;
        timings.whole.length = 0;
        timings.split.length = 0;
      }
      if (!probing) return splitting ? splitStep(data, parts) : ownStep(data);
      // Probing (see PROBE_BLOCK).
      const k = probeStep++;
      const split = PROBE_ORDER[Math.floor(k / PROBE_BLOCK)];
      const t0 = performance.now();
      const outs = split ? splitStep(data, parts) : ownStep(data);
      if (k % PROBE_BLOCK !== 0) (split ? timings.split : timings.whole).push((performance.now() - t0) / n);
      if (probeStep === PROBE_STEPS) {
        splitting = splitIsFaster(timings.whole, timings.split);
        probed = { wholeMsPerSample: median(timings.whole), splitMsPerSample: median(timings.split) };
        probing = false;
        sinceDecision = 0;
        decidedAt = performance.now();
      }
      return outs;
    };
  };

  return {
    threads: replicas.length + 1,
    get splitSteps() { return splitSteps; },
    get splittableSteps() { return splittableSteps; },
    get splitting() { return splitting; },
    get probe() { return probed; },
    get waitedMs() { return waitedMs; },
    async stop() {
      optimizer.minimize = ownMinimize;
      hooks.makeTrainFunction = ownMakeTrainFunction;
      await Promise.all(replicas.map((r) => r.stop()));
    },
  };
}

/** The model whose fit() runs the steps: a Sequential trains through the LayersModel it wraps. */
export function trainedModel(model: LayersModel): LayersModel {
  const inner = (model as LayersModel & { model?: LayersModel }).model;
  return inner && inner !== model && typeof (inner as unknown as StepHooks).makeTrainFunction === 'function' ? inner : model;
}

/**
 * n split into `parts` sizes: as equal as possible (the larger ones first), or in proportion to `rates` (each
 * thread's samples per ms) with at least MIN_PART each, rounded so they add up to n.
 */
export function partSizes(n: number, parts: number, rates?: number[]): number[] {
  if (!rates) {
    const base = Math.floor(n / parts);
    return Array.from({ length: parts }, (_, i) => base + (i < n % parts ? 1 : 0));
  }
  const total = rates.reduce((a, b) => a + b, 0);
  const spare = n - MIN_PART * parts;
  const sizes = rates.map((r) => MIN_PART + Math.floor((spare * r) / total));
  // The samples lost to rounding go to the fastest threads first.
  let left = n - sizes.reduce((a, b) => a + b, 0);
  const order = rates.map((r, i) => [r, i] as const).sort((a, b) => b[0] - a[0]);
  for (let j = 0; left > 0; j = (j + 1) % parts, left--) sizes[order[j][1]]++;
  return sizes;
}

/**
 * A tensor's bytes: on wasm a view of the heap itself (valid until the heap next grows, so use it at once),
 * on another backend a copy.
 */
export function bytesOf(tf: Tf, t: Tensor): Uint8Array {
  const values = tf.getBackend() === 'wasm' ? (tf.backend() as BackendWasm).typedArrayFromHeap(t) : t.dataSync();
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** The bytes as an array of the dtype's elements, without copying. */
export function typedView(bytes: Uint8Array, dtype: DataType): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'float32') return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  if (dtype === 'int32') return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  if (dtype === 'bool') return bytes;
  throw new Error(`a ${dtype} tensor cannot be split between training threads`);
}

/** A float32 tensor's values, in place on wasm (see bytesOf). */
export function floatsOf(tf: Tf, t: Tensor): Float32Array {
  return typedView(bytesOf(tf, t), 'float32') as Float32Array;
}

/** (mine·n₀ + Σ theirs_k·n_k) / Σ n as a scalar. */
function weightedMean(tf: Tf, mine: Scalar, theirs: number[], sizes: number[]): Scalar {
  const total = sizes.reduce((a, b) => a + b, 0);
  const rest = theirs.reduce((sum, v, k) => sum + v * sizes[k + 1], 0);
  return tf.scalar(((mine.dataSync()[0] as number) * sizes[0] + rest) / total);
}
