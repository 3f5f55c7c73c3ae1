// Multi-threaded WebAssembly under Node: tfjs-backend-wasm's threaded SIMD build, whose XNNPACK thread pool
// splits every matmul and convolution over several cores. tfjs turns it off under Node (tfjs issue 3830)
// because Emscripten's pthread workers are started from `blob:` URLs, which Node's worker_threads refuse
// (ERR_WORKER_PATH). Everything the workers need ships in the package's `wasm-out/` folder, so this module
// starts them from there: the worker script (`…threaded-simd.worker.js` exports its text) runs with
// `eval: true`, and the module factory is loaded from its file path instead of a Blob. See docs/engine.md.
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import type { Tf } from '../../app/graph/tfjs/tf.ts';

/** The build pre-starts 8 workers and XNNPACK's pool is capped at 8 threads. */
export const MAX_WASM_THREADS = 8;
/** The tfjs-backend-wasm release whose Node threading was verified (worker protocol, core-count cap). */
export const VERIFIED_WASM_VERSION = '4.22.0';

const require = createRequire(import.meta.url);

/** Logical cores this process may use. */
export function machineCores(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

interface WasmThreadedModule {
  tfjs: { initWithThreadsCount(n: number): void; getThreadsCount(): number };
  PThread?: unknown;
}

function wasmOutDir(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
}

let workerClassInstalled = false;

/**
 * Makes `new Worker(blobUrl)` inside Emscripten's glue start a Node worker from the package's own files.
 * Emscripten assigns `globalThis.Worker = worker_threads.Worker` right before creating its pool, so the
 * global is a getter that always answers this class and ignores that assignment.
 */
function installWorkerClass(): void {
  if (workerClassInstalled) return;
  const outDir = wasmOutDir();
  const factoryPath = join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
  // Emitted as a template literal, so its "\n" escapes became newlines; tfjs escapes them back the same way.
  const source = (require(join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string }).wasmWorkerContents.replace(/\n/g, '\\n');
  class WasmThreadWorker extends NodeWorker {
    constructor(_blobUrl: unknown, options?: WorkerOptions) {
      super(source, { ...options, eval: true });
      // A pool thread never ends by itself; it must not keep the process alive after training.
      this.unref();
    }
    override ref(): void {}
    override postMessage(message: unknown, transfer?: readonly Transferable[]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      // The factory comes as a Blob of its own source; the same file is in wasm-out/, readable by path.
      super.postMessage(m?.cmd === 'load' && typeof m.urlOrBlob !== 'string' ? { ...m, urlOrBlob: factoryPath } : message, transfer as never);
    }
  }
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => WasmThreadWorker, set: () => {} });
  workerClassInstalled = true;
}

/** Why threads cannot be used in this runtime, or null when they can. */
export function wasmThreadsUnavailable(version: string): string | null {
  if (typeof SharedArrayBuffer === 'undefined') return 'this runtime has no SharedArrayBuffer';
  if (version !== VERIFIED_WASM_VERSION) return `threads were verified with @tensorflow/tfjs-backend-wasm ${VERIFIED_WASM_VERSION}, this is ${version}`;
  return null;
}

/**
 * Starts the wasm backend with `threads` threads (the threaded build when more than one). Call instead of
 * `tf.setBackend('wasm')`. When threads cannot be used, starts the single-threaded build and says why.
 */
export async function startWasmWithThreads(tf: Tf, wasm: { setThreadsCount(n: number): void; version_wasm: string }, threads: number): Promise<{ ok: boolean; warning?: string }> {
  const wanted = Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(threads)));
  const unavailable = wanted > 1 ? wasmThreadsUnavailable(wasm.version_wasm) : null;
  if (wanted === 1 || unavailable) return { ok: await tf.setBackend('wasm'), warning: unavailable ? `wasm threads are off: ${unavailable}` : undefined };
  installWorkerClass();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(wanted);
  // The build caps its pool at half of os.cpus().length (it assumes two hyper-threads per core); the cap is
  // read once, while the module starts, so report exactly twice what was asked for until then.
  const realCpus = os.cpus;
  os.cpus = () => { const cpus = realCpus(); return Array.from({ length: 2 * wanted }, (_, i) => cpus[i % cpus.length]); };
  try {
    return { ok: await tf.setBackend('wasm') };
  } finally {
    os.cpus = realCpus;
  }
}

function threadedModule(tf: Tf): WasmThreadedModule | null {
  if (tf.getBackend() !== 'wasm') return null;
  const module = (tf.backend() as unknown as { wasm: WasmThreadedModule }).wasm;
  return 'PThread' in module ? module : null;
}

/** Threads the active wasm backend computes with (1 for the single-threaded build or another backend). */
export function wasmThreadsInUse(tf: Tf): number {
  return threadedModule(tf)?.tfjs.getThreadsCount() ?? 1;
}

/**
 * Changes the thread count of a running threaded backend (up to what it was started with) and returns
 * the count in use. Each change builds a new XNNPACK pool and the old one's threads stay parked, so this
 * is for benchmarks that compare counts in one process, not for every run.
 */
export function setWasmThreads(tf: Tf, threads: number): number {
  const module = threadedModule(tf);
  if (!module) return 1;
  if (module.tfjs.getThreadsCount() !== threads) module.tfjs.initWithThreadsCount(Math.max(1, Math.floor(threads)));
  return module.tfjs.getThreadsCount();
}
