// How a wasm training run uses several cores. Two ways, both exact:
// - replicas (./dataParallel.ts): the batch is split over threads that each run a copy of the model on the
//   single-threaded build; gradients averaged. Scales best (measured on the reference CNN, docs/engine.md),
//   but every part's BatchNormalization would see only its own samples.
// - the threaded wasm build (./wasmThreads.ts): one copy of the model whose matrix products and convolutions
//   XNNPACK splits over threads; BatchNormalization sees the whole batch. Used for models with it.
import type { ModelSource } from './modelSource.ts';
import type { Parallelism } from '../../app/training/protocol.ts';

export type { Parallelism };

export interface ParallelPlan {
  /** Threads the wasm backend starts with (the threaded build when more than 1). */
  wasmThreads: number;
  /** Threads computing each step as replicas (1: none). */
  replicas: number;
  /** How the cores are used; absent on one thread. */
  parallelism?: Parallelism;
}

export function parallelPlan(source: ModelSource, threads: number): ParallelPlan {
  const n = Math.max(1, Math.floor(threads));
  if (n === 1) return { wasmThreads: 1, replicas: 1 };
  return usesBatchNormalization(source)
    ? { wasmThreads: n, replicas: 1, parallelism: 'threaded-build' }
    : { wasmThreads: 1, replicas: n, parallelism: 'replicas' };
}

/** Whether any layer of the model (blocks and nested Keras models included) is a BatchNormalization. */
export function usesBatchNormalization(source: ModelSource): boolean {
  let found = false;
  let tree: unknown = source;
  if (source.kind === 'keras' && typeof source.topology === 'string') {
    try {
      tree = JSON.parse(source.topology);
    } catch {
      return false; // not a model: building it fails with its own message
    }
  }
  JSON.stringify(tree, (key, value: unknown) => {
    if ((key === 'type' || key === 'class_name') && value === 'BatchNormalization') found = true;
    return value;
  });
  return found;
}
