// TF.js for a caller outside the engine (trainer, prediction, export): the backend ladder's result in
// the shape those callers report (the backend used, and why the ones tried before it did not load).
import type { BackendName } from '../../app/training/config.ts';
import { loadBackend, type Tf } from './backends.ts';

export interface LoadedTf {
  tf: Tf;
  backend: string;
  tried: { backend: string; error: string }[];
}

/** TF.js on the requested backend, through the engine's ladder (`auto` walks tensorflow → wasm → cpu). */
export async function loadTf(requested: BackendName): Promise<LoadedTf> {
  const loaded = await loadBackend(requested);
  return {
    tf: loaded.tf,
    backend: loaded.backend,
    tried: loaded.tried.filter((t) => !t.ok).map((t) => ({ backend: t.backend, error: t.reason ?? 'did not load' })),
  };
}
