// The backend ladder: native TensorFlow (tfjs-node) → WebGPU (Dawn) → WebAssembly (SIMD) → pure-JS CPU.
// `auto` here takes the first rung of tensorflow → wasm → cpu that loads and reports why the others did not;
// WebGPU is only ever picked by a measurement on the actual model (./autoBackend.ts) or by name, because
// a GPU is not always faster for a small model (and a software Vulkan driver is a CPU).
//
// tfjs-node runs ops synchronously on the calling thread, so it must only ever be loaded inside the
// trainer process (utilityProcess / child_process.fork), never in the Electron main process or the UI.
// That is why it is required lazily here and nowhere imported at top level.
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { installNodePolyfills } from './nodePolyfills.ts';
import { registerWasmKernels } from './wasmKernels/index.ts';
import { prepareSimdKernels } from './wasmKernels/simd.ts';
import { installConvBiasRelu } from './wasmKernels/convBiasRelu.ts';
import { installFusedAdam } from './wasmKernels/adam.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerMissingGradients } from './missingGradients.ts';
import { registerFastGradients } from './fastGradients.ts';
import { startWebgpu } from './webgpu.ts';
import { startWasmWithThreads, wasmThreadsInUse } from './wasmThreads.ts';
import { oneLine } from './errorLine.ts';
import type { Tf } from '../../app/graph/tfjs/tf.ts';

export type { Tf };
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** Every backend, in the order they are tried and listed. */
export const BACKEND_LADDER: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
/** What `auto` walks when there is no model to measure on: first that loads wins. */
export const UNMEASURED_AUTO_LADDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** One line saying why this backend did not load (absent when it did). */
  reason?: string;
}

export interface LoadedBackend {
  /** The tfjs namespace whose active backend is `backend` (for tensorflow, tfjs-node's own re-export). */
  tf: Tf;
  backend: BackendName;
  tried: BackendAttempt[];
  /** Threads the wasm backend computes with (wasm only; see ./wasmThreads.ts). */
  threads?: number;
}

export interface LoadBackendOptions {
  /** Loads tfjs-node; replaceable so tests can simulate a missing native library. */
  requireTfjsNode?: () => unknown;
  /** Cores the wasm backend may use (default 1). Fixed once wasm has started in this process. */
  threads?: number;
}

/** Raised when an explicitly requested backend cannot load; the message is one plain line. */
export class BackendUnavailableError extends Error {
  backend: BackendName;
  tried: BackendAttempt[];
  constructor(backend: BackendName, tried: BackendAttempt[]) {
    const reason = tried.find((t) => t.backend === backend)?.reason ?? 'unknown reason';
    const others = BACKEND_LADDER.filter((b) => b !== backend).join(', ');
    super(`The ${backend} backend is not available: ${reason}. Choose another backend (${others}) or auto.`);
    this.name = 'BackendUnavailableError';
    this.backend = backend;
    this.tried = tried;
  }
}

const require = createRequire(import.meta.url);

/** Loads the preferred backend (or walks the ladder for `auto`) and makes it the active tfjs backend. */
export async function loadBackend(preferred: BackendPreference = 'auto', options: LoadBackendOptions = {}): Promise<LoadedBackend> {
  if (preferred !== 'auto' && !BACKEND_LADDER.includes(preferred)) {
    throw new Error(`Unknown backend "${String(preferred)}": use auto, ${BACKEND_LADDER.join(', ')}.`);
  }
  const candidates = preferred === 'auto' ? UNMEASURED_AUTO_LADDER : [preferred];
  const tried: BackendAttempt[] = [];
  for (const backend of candidates) {
    try {
      const tf = await LOADERS[backend](options);
      tried.push({ backend, ok: true });
      registerMissingGradients(tf);
      registerFastGradients(tf);
      return backend === 'wasm' ? { tf, backend, tried, threads: wasmThreadsInUse(tf) } : { tf, backend, tried };
    } catch (err) {
      tried.push({ backend, ok: false, reason: oneLine(err) });
    }
  }
  if (preferred !== 'auto') throw new BackendUnavailableError(preferred, tried);
  // The cpu rung only fails if tfjs itself is broken; say so rather than pretend.
  throw new Error(`No tfjs backend could be loaded: ${tried.map((t) => `${t.backend}: ${t.reason}`).join('; ')}`);
}

/** A one-line summary of a load result for logs and the CLI, e.g. "wasm (tensorflow: not installed)". */
export function describeBackend(loaded: Pick<LoadedBackend, 'backend' | 'tried'>): string {
  const failed = loaded.tried.filter((t) => !t.ok).map((t) => `${t.backend}: ${t.reason}`);
  return failed.length === 0 ? loaded.backend : `${loaded.backend} (${failed.join('; ')})`;
}

const LOADERS: Record<BackendName, (options: LoadBackendOptions) => Promise<Tf>> = {
  async tensorflow(options) {
    installNodePolyfills();
    let tfNode: Tf;
    try {
      tfNode = (options.requireTfjsNode ?? (() => require('@tensorflow/tfjs-node')))() as Tf;
    } catch (err) {
      throw new Error(explainTfjsNodeFailure(err), { cause: err });
    }
    // tfjs-node carries its own tfjs-core; activate the backend through its namespace so the tf we return is the one in charge.
    let ok: boolean;
    try {
      ok = await tfNode.setBackend('tensorflow');
      await tfNode.ready();
    } catch (err) {
      throw new Error(`tfjs-node loaded but its tensorflow backend failed to initialise (${oneLine(err)})`, { cause: err });
    }
    if (!ok) throw new Error('tfjs-node loaded but its tensorflow backend failed to initialise');
    return tfNode;
  },

  async webgpu() {
    const tf = await importTfjs();
    await startWebgpu(tf);
    return tf;
  },

  async wasm(options) {
    const tf = await importTfjs();
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      // Point at the binaries inside the installed package, so bundling or a changed cwd cannot break the lookup.
      wasm.setWasmPaths(wasmDistDir() + sep);
      wasmPathsSet = true;
    }
    registerWasmKernels();
    let ok: boolean;
    try {
      // More than one thread: the threaded SIMD build, started the way Node allows (./wasmThreads.ts).
      const started = await startWasmWithThreads(tf, wasm, options.threads ?? 1);
      if (started.warning) console.warn(`modelwright: ${started.warning}`);
      ok = started.ok;
    } catch (err) {
      throw new Error(`the WebAssembly backend failed to initialise: ${oneLine(err)}`, { cause: err });
    }
    if (!ok) throw new Error('the WebAssembly backend failed to initialise (see the warning above)');
    await tf.ready();
    // Our own SIMD kernels (./wasmKernels/simd.ts), on the single-threaded build; the kernels fall back without them.
    await prepareSimdKernels(tf.backend() as unknown as BackendWasm);
    // Conv2D + bias + relu trained as one kernel there (./wasmKernels/convBiasRelu.ts), and Adam's update one
    // kernel per weight (./wasmKernels/adam.ts); every other call unchanged.
    installConvBiasRelu(tf);
    installFusedAdam(tf);
    if (!tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) {
      // Still usable, just slower; not a reason to skip the rung.
      console.warn('modelwright: this runtime has no WebAssembly SIMD; the wasm backend runs without it.');
    }
    return tf;
  },

  async cpu() {
    const tf = await importTfjs();
    if (!(await tf.setBackend('cpu'))) throw new Error('the pure-JS cpu backend failed to initialise');
    await tf.ready();
    return tf;
  },
};

let wasmPathsSet = false;

/** Folder holding tfjs-backend-wasm's .wasm binaries (its package `main` lives in the same dist/ folder). */
export function wasmDistDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

async function importTfjs(): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs');
  // PROD silences tfjs's console banner ("looks like you are running TensorFlow.js in Node.js") and debug checks.
  tf.env().set('PROD', true);
  return tf;
}

function explainTfjsNodeFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const message = oneLine(err);
  const full = err instanceof Error ? err.message : String(err);
  if (e?.code === 'MODULE_NOT_FOUND' && message.includes("'@tensorflow/tfjs-node'")) {
    return '@tensorflow/tfjs-node is not installed (optional: `npm install @tensorflow/tfjs-node` adds the native backend)';
  }
  if (/libtensorflow|tfjs_binding|\.so\b|\.dll|\.dylib|dlopen|specified module could not be found/i.test(full)) {
    return `@tensorflow/tfjs-node is installed but its native TensorFlow library did not load (${message})`;
  }
  return `@tensorflow/tfjs-node failed to load (${message})`;
}

export const _forTests = { explainTfjsNodeFailure, oneLine, wasmBinary: (name: string) => join(wasmDistDir(), name) };
