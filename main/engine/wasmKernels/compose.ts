// Runs wasm kernels from inside another wasm kernel, so the added gradient kernels are built from
// kernels the backend already has, with every intermediate buffer freed when the composition ends.
import { getKernel, util, type KernelConfig, type KernelFunc, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const WASM = 'wasm';

export interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: NamedAttrMap;
}

/**
 * A kernel written against the wasm backend, as TF.js registers it. TF.js types every kernel's backend as `{}`
 * and its result as one tensor or several; the registry calls a wasm kernel with the wasm backend only, so this
 * is the one place that says so (a cast TypeScript cannot check).
 */
export function wasmKernel(kernel: (args: KernelArgs) => TensorInfo | TensorInfo[]): KernelFunc {
  return kernel as unknown as KernelFunc;
}

/** Calls a registered wasm kernel directly (no tape, no tensor objects). */
export function callKernel(name: string, args: KernelArgs): TensorInfo {
  const config = getKernel(name, WASM);
  if (config == null) throw new Error(`The wasm backend has no ${name} kernel, which ${name === 'Transpose' ? 'everything' : 'this composition'} needs.`);
  return asSingle((config.kernelFunc as KernelFunc)(args as never), name);
}

/** The small toolbox a composed kernel works with; every tensor it makes is freed afterwards unless returned. */
export interface Ops {
  run(name: string, inputs: NamedTensorInfoMap, attrs?: NamedAttrMap): TensorInfo;
  transpose(x: TensorInfo, perm: number[]): TensorInfo;
  reshape(x: TensorInfo, shape: number[]): TensorInfo;
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo;
  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo;
  /** Crops the negative amounts only and returns what is left to pad (all ≥ 0), e.g. for a convolution's explicit padding. */
  cropNegative(x: TensorInfo, amounts: [number, number][]): { cropped: TensorInfo; padding: [number, number][] };
  sum(x: TensorInfo, axis: number[]): TensorInfo;
  reverse(x: TensorInfo, dims: number[]): TensorInfo;
  /** Hands a tensor made outside `run` (e.g. backend.makeOutput) to the composition, to be freed with the rest. */
  keep(x: TensorInfo): TensorInfo;
  backend: BackendWasm;
}

export function compose(backend: BackendWasm, body: (ops: Ops) => TensorInfo): TensorInfo {
  const made: TensorInfo[] = [];
  const run = (name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo => {
    const out = callKernel(name, { inputs, backend, attrs });
    made.push(out);
    return out;
  };
  const ops: Ops = {
    backend,
    run,
    transpose: (x, perm) => (perm.every((p, i) => p === i) ? x : run('Transpose', { x }, { perm })),
    reshape: (x, shape) => (util.arraysEqual(x.shape, shape) ? x : run('Reshape', { x }, { shape })),
    slice: (x, begin, size) => (begin.every((b) => b === 0) && util.arraysEqual(size, x.shape) ? x : run('Slice', { x }, { begin, size })),
    pad: (x, paddings) => (paddings.every(([a, b]) => a === 0 && b === 0) ? x : run('PadV2', { x }, { paddings, constantValue: 0 })),
    cropNegative(x, amounts) {
      const begin = amounts.map(([before]) => Math.max(0, -before));
      const size = x.shape.map((d, i) => d - begin[i] - Math.max(0, -amounts[i][1]));
      return { cropped: ops.slice(x, begin, size), padding: amounts.map(([before, after]) => [Math.max(0, before), Math.max(0, after)]) };
    },
    sum: (x, axis) => run('Sum', { x }, { axis, keepDims: false }),
    reverse: (x, dims) => run('Reverse', { x }, { dims }),
    keep: (x) => {
      made.push(x);
      return x;
    },
  };
  let result: TensorInfo | undefined;
  try {
    result = body(ops);
    return result;
  } finally {
    for (const t of made) if (t !== result) backend.disposeData(t.dataId);
  }
}

/** Replaces an already registered wasm kernel, keeping the original for delegation; safe to call twice (returns false then). */
export function wrapKernel(name: string, make: (original: KernelConfig) => KernelFunc, registry: Registry): boolean {
  const current = getKernel(name, WASM);
  if (current == null) throw new Error(`Cannot replace wasm kernel ${name}: it is not registered.`);
  if (WRAPPED.has(current.kernelFunc)) return false;
  const replacement = make(current);
  const originalFunc = current.kernelFunc;
  const kernelFunc: KernelFunc = (args) => (STOCK.has(name) ? originalFunc(args) : replacement(args));
  WRAPPED.add(kernelFunc);
  registry.unregisterKernel(name, WASM);
  // Keep the original setup: it binds the C++ entry point the original kernelFunc calls.
  registry.registerKernel({ kernelName: name, backendName: WASM, setupFunc: current.setupFunc, disposeFunc: current.disposeFunc, kernelFunc });
  return true;
}

export interface Registry {
  registerKernel(config: KernelConfig): void;
  unregisterKernel(name: string, backend: string): void;
}

const WRAPPED = new WeakSet<KernelFunc>();
const STOCK = new Set<string>();

/** Routes a replaced kernel back to the stock wasm version (true) or to ours (false); for before/after measurements. */
export function useStockKernel(name: string, stock: boolean): void {
  if (stock) STOCK.add(name);
  else STOCK.delete(name);
}

function asSingle(out: TensorInfo | TensorInfo[], name: string): TensorInfo {
  if (Array.isArray(out)) {
    if (out.length !== 1) throw new Error(`Kernel ${name} returned ${out.length} outputs where one was expected.`);
    return out[0];
  }
  return out;
}

/** A way of ours that can be set aside while a body runs (callers counted, so they nest), for parity tests and benchmarks. */
export class Bypass {
  private count = 0;

  get active(): boolean {
    return this.count > 0;
  }

  async during<T>(body: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await body();
    } finally {
      this.count--;
    }
  }
}
