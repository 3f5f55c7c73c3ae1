// Runs a JS kernel loop on several threads over the threaded wasm build's shared heap. Kernels written in JS
// (MaxPoolGrad) are otherwise the single-threaded part of a training step that XNNPACK's pool cannot help
// with. The loop's own source (Function.prototype.toString) runs in Node worker threads that see the same
// SharedArrayBuffer, each on its own slice of the work; the caller computes the first slice and waits
// (Atomics.wait) for the rest. Only when the heap is shared and the pool has more than one thread.
import { Worker } from 'node:worker_threads';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A loop over heap arrays given as Float32Array views, plus numbers; it must use nothing outside its own source. */
export type HeapLoop = (...args: never[]) => void;

/** One argument: a view of the wasm heap (passed by element offset and length) or a plain number. */
export type HeapArg = Float32Array | number;

interface Message {
  buffer: SharedArrayBuffer;
  args: ({ offset: number; length: number } | number)[];
  done: Int32Array;
}

const WORKER_SOURCE = (loopSource: string) => `
const { parentPort } = require('node:worker_threads');
const loop = (${loopSource});
parentPort.on('message', ({ buffer, args, done }) => {
  try {
    loop(...args.map((a) => (typeof a === 'number' ? a : new Float32Array(buffer, a.offset * 4, a.length))));
    Atomics.store(done, 0, 1);
  } catch (err) {
    Atomics.store(done, 0, 2);
  }
  Atomics.notify(done, 0);
});`;

const pools = new Map<HeapLoop, Worker[]>();

function workersFor(loop: HeapLoop, count: number): Worker[] {
  let pool = pools.get(loop);
  if (!pool) pools.set(loop, (pool = []));
  while (pool.length < count) {
    const worker = new Worker(WORKER_SOURCE(loop.toString()), { eval: true });
    // Idle helpers must not keep the process alive after training.
    worker.unref();
    pool.push(worker);
  }
  return pool;
}

/** Threads of the active wasm module's pool when its heap is shared (threaded build), else 1. */
export function heapThreads(backend: BackendWasm): number {
  const module = backend.wasm as unknown as { PThread?: unknown; HEAPF32?: Float32Array; tfjs: { getThreadsCount?: () => number } };
  if (!('PThread' in module) || typeof SharedArrayBuffer === 'undefined' || !(module.HEAPF32?.buffer instanceof SharedArrayBuffer)) return 1;
  return Math.max(1, module.tfjs.getThreadsCount?.() ?? 1);
}

/**
 * Runs `loop` once per part: parts[0] here, the others on worker threads at the same time; each part is the
 * loop's argument list. Returns when all are done. Parts must write disjoint heap ranges. A worker that fails
 * (or takes over 10 s) has its part redone on this thread, and the loop then stays on this thread.
 */
export function runOnHeapThreads(loop: HeapLoop, parts: HeapArg[][]): void {
  const run = loop as unknown as (...args: HeapArg[]) => void;
  if (parts.length === 1 || broken.has(loop)) {
    for (const args of parts) run(...args);
    return;
  }
  const workers = workersFor(loop, parts.length - 1);
  const done = new Int32Array(new SharedArrayBuffer(4 * (parts.length - 1)));
  parts.slice(1).forEach((args, i) => {
    const view = args.find((a): a is Float32Array => typeof a !== 'number');
    if (!view || !(view.buffer instanceof SharedArrayBuffer)) throw new Error('runOnHeapThreads needs views of a shared wasm heap.');
    const message: Message = {
      buffer: view.buffer,
      args: args.map((a) => (typeof a === 'number' ? a : { offset: a.byteOffset / 4, length: a.length })),
      done: done.subarray(i, i + 1),
    };
    workers[i].postMessage(message);
  });
  run(...parts[0]);
  for (let i = 0; i < parts.length - 1; i++) {
    // Atomics.wait returns at once when the part is already done (the value is no longer 0).
    Atomics.wait(done, i, 0, WAIT_MS);
    if (Atomics.load(done, i) === 1) continue;
    // A worker that failed or hangs: do its part here (the loop is deterministic, so a late write by the
    // worker writes the same values) and stop handing this loop to workers.
    broken.add(loop);
    run(...parts[i + 1]);
  }
}

const WAIT_MS = 10_000;
const broken = new WeakSet<HeapLoop>();

/** Whether `loop` has fallen back to this thread after a worker failed (for tests and diagnostics). */
export function heapLoopFellBack(loop: HeapLoop): boolean {
  return broken.has(loop);
}
