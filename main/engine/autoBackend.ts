// Training's `auto`: every backend that starts trains a few steps of the actual model, and the fastest wins.
// A GPU is not always faster (small models spend their time launching kernels; a software Vulkan driver is
// a CPU), so the choice is measured, not assumed. Choices are cached per model shape, batch size and the
// set of backends that started, in memory and in a small JSON file, so a model is measured once.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { oneLine } from './errorLine.ts';
import { describeAdapter, probeGpuAdapter } from './webgpu.ts';
import { loadBackend, type BackendAttempt, type BackendName, type LoadBackendOptions, type LoadedBackend, type Tf } from './backends.ts';

/** Rungs measured by training's auto (cpu is never faster than wasm; it is the fallback when nothing else starts). */
export const MEASURED_BACKENDS: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm'];

export interface BackendMeasurement {
  backend: BackendName;
  /** Training samples per second over the timed steps (warm-up excluded); absent when the model failed there. */
  samplesPerSec?: number;
  /** Why the model could not train on this backend (one line). */
  error?: string;
}

export interface BackendChoice {
  backend: BackendName;
  measured: BackendMeasurement[];
  /** True when the choice came from an earlier measurement of the same model shape. */
  cached: boolean;
  /** One line for the CLI, the studio and the run: what was measured and what won. */
  reason: string;
}

export interface MeasureOptions extends LoadBackendOptions {
  /** Builds the model on the given tf (fresh weights; it is disposed after the measurement). */
  build: (tf: Tf) => Promise<tfTypes.LayersModel>;
  batchSize: number;
  candidates?: readonly BackendName[];
  /** Steps timed after the warm-up; the timing stops early once `maxMs` has passed. */
  steps?: number;
  warmupSteps?: number;
  maxMs?: number;
  /** Measure webgpu on a software adapter (lavapipe) too; by default it is skipped, since it is a CPU and slower than wasm. */
  includeSoftwareGpu?: boolean;
  /** JSON file holding earlier choices; null turns the file cache off (default: MODELWRIGHT_BACKEND_CACHE or the user cache folder). */
  cacheFile?: string | null;
}

const memoryCache = new Map<string, { backend: BackendName; measured: BackendMeasurement[] }>();

/** Loads every candidate that starts, times the model on each, and leaves the fastest active. */
export async function loadMeasuredBackend(options: MeasureOptions): Promise<LoadedBackend & { choice: BackendChoice }> {
  const candidates = options.candidates ?? MEASURED_BACKENDS;
  const tried: BackendAttempt[] = [];
  const started: { backend: BackendName; tf: Tf }[] = [];
  const notes: string[] = [];
  for (const backend of candidates) {
    if (backend === 'webgpu' && !options.includeSoftwareGpu) {
      const probe = await probeGpuAdapter();
      if (probe.ok && probe.adapter.software) {
        notes.push(`webgpu not measured: ${describeAdapter(probe.adapter)} is a software renderer`);
        continue;
      }
    }
    try {
      const loaded = await loadBackend(backend, options);
      tried.push({ backend, ok: true });
      started.push({ backend, tf: loaded.tf });
    } catch (err) {
      tried.push({ backend, ok: false, reason: (err as { tried?: BackendAttempt[] }).tried?.[0]?.reason ?? String((err as Error).message) });
    }
  }
  if (started.length === 0) {
    const cpu = await loadBackend('cpu', options);
    const choice: BackendChoice = { backend: 'cpu', measured: [], cached: false, reason: withNotes('cpu: no faster backend started', notes) };
    return { tf: cpu.tf, backend: 'cpu', tried: [...tried, ...cpu.tried], choice, threads: cpu.threads };
  }
  if (started.length === 1) {
    const only = started[0];
    const active = await loadBackend(only.backend, options);
    const choice: BackendChoice = { backend: only.backend, measured: [], cached: false, reason: withNotes(`${only.backend}: the only backend that started`, notes) };
    return { tf: active.tf, backend: only.backend, tried: withWinnerLast(tried, only.backend), choice, threads: active.threads };
  }

  const key = await cacheKey(started[0].tf, options, started.map((s) => s.backend));
  const file = options.cacheFile === undefined ? defaultCacheFile() : options.cacheFile;
  let entry = memoryCache.get(key) ?? readCache(file)[key];
  let cached = true;
  if (!entry || !started.some((s) => s.backend === entry!.backend)) {
    cached = false;
    const measured: BackendMeasurement[] = [];
    for (const { backend } of started) {
      const { tf } = await loadBackend(backend, options);
      try {
        measured.push({ backend, samplesPerSec: await timeSteps(tf, options) });
      } catch (err) {
        measured.push({ backend, error: oneLine(err) });
      }
    }
    const ok = measured.filter((m) => m.samplesPerSec !== undefined);
    const best = ok.length > 0 ? ok.reduce((a, b) => (b.samplesPerSec! > a.samplesPerSec! ? b : a)) : null;
    entry = { backend: best?.backend ?? started[started.length - 1].backend, measured };
    memoryCache.set(key, entry);
    if (best) writeCache(file, key, entry);
  }
  const active = await loadBackend(entry.backend, options);
  const choice: BackendChoice = { backend: entry.backend, measured: entry.measured, cached, reason: withNotes(describeChoice(entry.backend, entry.measured, options.batchSize, cached), notes) };
  return { tf: active.tf, backend: entry.backend, tried: withWinnerLast(tried, entry.backend), choice, threads: active.threads };
}

function withNotes(reason: string, notes: string[]): string {
  return notes.length === 0 ? reason : `${reason} (${notes.join('; ')})`;
}

/** "wasm: 3,120 samples/s, webgpu: 512 samples/s on this model at batch 32 → wasm (measured earlier)". */
export function describeChoice(backend: BackendName, measured: BackendMeasurement[], batchSize: number, cached: boolean): string {
  const parts = measured.map((m) => (m.samplesPerSec !== undefined
    ? `${m.backend}: ${Math.round(m.samplesPerSec).toLocaleString('en-US')} samples/s`
    : `${m.backend}: failed (${m.error})`));
  return `${parts.join(', ')} on this model at batch ${batchSize} → ${backend}${cached ? ' (measured earlier)' : ''}`;
}

/** Samples per second of trainOnBatch on zero inputs of the model's own shapes (values do not change the cost). */
async function timeSteps(tf: Tf, options: MeasureOptions): Promise<number> {
  const warmup = options.warmupSteps ?? 2;
  const steps = options.steps ?? 4;
  const maxMs = options.maxMs ?? 1500;
  const model = await options.build(tf);
  const batch = options.batchSize;
  const shapeOf = (s: (number | null)[]) => [batch, ...s.slice(1).map((d) => d ?? 1)];
  const xs = model.inputs.map((i) => tf.zeros(shapeOf(i.shape)));
  const ys = model.outputs.map((o) => tf.zeros(shapeOf(o.shape)));
  try {
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
    const x = xs.length === 1 ? xs[0] : xs;
    const y = ys.length === 1 ? ys[0] : ys;
    for (let i = 0; i < warmup; i++) await model.trainOnBatch(x, y);
    const t0 = performance.now();
    let done = 0;
    while (done < steps && (done < 1 || performance.now() - t0 < maxMs)) {
      await model.trainOnBatch(x, y); // resolves with the loss, so the step has really finished on the device
      done++;
    }
    return (done * batch * 1000) / Math.max(performance.now() - t0, 1e-3);
  } finally {
    tf.dispose([...xs, ...ys]);
    model.dispose();
  }
}

async function cacheKey(tf: Tf, options: MeasureOptions, backends: BackendName[]): Promise<string> {
  const model = await options.build(tf);
  try {
    // Layer names are numbered per process (dense_Dense3): replaced by their position, so the key is the shape alone.
    const names = new Map<string, string>([[model.name, '#model'], ...model.layers.map((l, i): [string, string] => [l.name, `#${i}`])]);
    const topology = JSON.stringify(model.toJSON(null, false), (_k, v: unknown) => (typeof v === 'string' && names.has(v) ? names.get(v) : v));
    // The thread count changes wasm's speed (not the GPU's), so a choice made on 1 core is not one for 4.
    return createHash('sha256').update(`${topology}\n${options.batchSize}\n${backends.join(',')}\n${options.threads ?? 1}`).digest('hex').slice(0, 32);
  } finally {
    model.dispose();
  }
}

function defaultCacheFile(): string {
  if (process.env.MODELWRIGHT_BACKEND_CACHE) return process.env.MODELWRIGHT_BACKEND_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'modelwright', 'backend-choices.json');
}

type CacheFile = Record<string, { backend: BackendName; measured: BackendMeasurement[] }>;

function readCache(file: string | null): CacheFile {
  if (!file) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? parsed as CacheFile : {};
  } catch {
    return {};
  }
}

function writeCache(file: string | null, key: string, entry: CacheFile[string]): void {
  if (!file) return;
  try {
    const all = readCache(file);
    all[key] = entry;
    // The newest 200 shapes are plenty; keeps the file small.
    const keys = Object.keys(all);
    for (const k of keys.slice(0, Math.max(0, keys.length - 200))) delete all[k];
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all));
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only means measuring again next time.
  }
}

/** The attempts in ladder order with the winner's success kept; callers show the others as "also tried". */
function withWinnerLast(tried: BackendAttempt[], winner: BackendName): BackendAttempt[] {
  return [...tried.filter((t) => t.backend !== winner), ...tried.filter((t) => t.backend === winner)];
}

export const _forTests = { memoryCache };
