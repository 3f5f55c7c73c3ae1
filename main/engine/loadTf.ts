// TF.js for a caller outside the engine (trainer, prediction, export): the backend ladder's result in
// the shape those callers report (the backend used, and why the ones tried before it did not load).
import type * as tfTypes from '@tensorflow/tfjs';
import type { BackendName } from '../../app/training/config.ts';
import { loadBackend, type Tf } from './backends.ts';
import { loadMeasuredBackend } from './autoBackend.ts';

export interface LoadedTf {
  tf: Tf;
  backend: string;
  tried: { backend: string; error: string }[];
  /** Training's `auto`: what was measured on the model and why this backend won (one line). */
  choice?: string;
  /** Threads the backend computes with (wasm: its pool size; cpu: 1); absent for backends with their own threading (tensorflow, webgpu). */
  threads?: number;
}

/** The model a training run's `auto` measures the backends on. */
export interface MeasureOn {
  build: (tf: Tf) => Promise<tfTypes.LayersModel>;
  batchSize: number;
}

/**
 * TF.js on the requested backend, through the engine's ladder. `auto` without a model walks
 * tensorflow → wasm → cpu; with `measureOn` (training) it times the model on each backend that starts.
 */
export async function loadTf(requested: BackendName, measureOn?: MeasureOn, options: { threads?: number } = {}): Promise<LoadedTf> {
  if (requested === 'auto' && measureOn) {
    const loaded = await loadMeasuredBackend({ ...measureOn, threads: options.threads });
    return { tf: loaded.tf, backend: loaded.backend, tried: failures(loaded.tried), choice: loaded.choice.reason, ...threadsOf(loaded) };
  }
  const loaded = await loadBackend(requested, { threads: options.threads });
  return { tf: loaded.tf, backend: loaded.backend, tried: failures(loaded.tried), ...threadsOf(loaded) };
}

function threadsOf(loaded: { backend: string; threads?: number }): { threads?: number } {
  if (loaded.backend === 'wasm') return { threads: loaded.threads ?? 1 };
  return loaded.backend === 'cpu' ? { threads: 1 } : {};
}

function failures(tried: { backend: string; ok: boolean; reason?: string }[]) {
  return tried.filter((t) => !t.ok).map((t) => ({ backend: t.backend, error: t.reason ?? 'did not load' }));
}
