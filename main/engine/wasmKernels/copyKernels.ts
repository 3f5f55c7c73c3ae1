// Identity, same-dtype Cast and GatherV2 for wasm without per-element work. The stock Identity and Cast copy
// the whole buffer even when nothing changes (the cpu and webgl backends share it by reference count instead,
// as wasm's own Reshape does; a ReLU gradient casts float32 to float32 every step), and the stock
// GatherV2 gathers element by element in C++; gathering whole rows on axis 0 (model.fit's batches, Embedding
// lookups) is a handful of memory moves inside the wasm heap. Measured: Identity + GatherV2 were ~9% of a
// reference-CNN training step's CPU time.
import { Cast, GatherV2, Identity, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, type KernelArgs, wasmKernel } from './compose.ts';

/** Identity that shares the input's buffer (reference-counted), as the cpu and webgl backends do. */
export function withSharedIdentity(original: KernelConfig): KernelFunc {
  const stock = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  return wasmKernel((args: KernelArgs) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return stock(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}

/**
 * Cast that shares the buffer when the dtype does not change. A cast to bool is x ≠ 0 (the stock kernel
 * stores the value's low byte instead, so −2.5 became 254 and 256 became false); other conversions are stock.
 */
export function withSharedSameTypeCast(original: KernelConfig): KernelFunc {
  const stock = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  return wasmKernel((args: KernelArgs) => {
    const { inputs, backend } = args;
    const { x } = inputs as { x: TensorInfo };
    const { dtype } = args.attrs as { dtype: string };
    if (x.dtype === 'string') return stock(args);
    if (dtype === x.dtype) {
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }
    if (dtype !== 'bool') return stock(args);
    return compose(backend, (ops) => {
      const zero = ops.keep(backend.makeOutput([], x.dtype));
      backend.typedArrayFromHeap(zero).fill(0);
      return ops.run('NotEqual', { a: x, b: zero });
    });
  });
}

const BYTES: Partial<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

/** GatherV2 along axis 0 (no batch dims) as one copyWithin per index; anything else goes to the stock kernel. */
export function withRowGather(original: KernelConfig): KernelFunc {
  const stock = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  return wasmKernel((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = attrs as { axis: number | number[]; batchDims?: number };
    const bytes = BYTES[x.dtype];
    if (bytes === undefined || (batchDims ?? 0) !== 0 || util.parseAxisParam(axis, x.shape)[0] !== 0 || x.shape.length === 0) return stock(args);
    const ids = backend.readSync(indices.dataId) as Int32Array | Float32Array;
    const rows = x.shape[0];
    for (let i = 0; i < ids.length; i++) {
      // Same check and wording as the stock kernel.
      if (!(ids[i] >= 0 && ids[i] <= rows - 1)) throw new Error(`GatherV2: the index value ${ids[i]} is not in [0, ${rows - 1}]`);
    }
    const rowBytes = util.sizeFromShape(x.shape.slice(1)) * bytes;
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    if (rowBytes === 0 || ids.length === 0) return out;
    // Offsets and the heap are looked up after makeOutput, which may grow (and so replace) the heap;
    // any tensor's heap view is a window on the whole wasm memory.
    const heap = new Uint8Array(backend.typedArrayFromHeap(out).buffer);
    const from = backend.dataIdMap.get(x.dataId)!.memoryOffset;
    const to = backend.dataIdMap.get(out.dataId)!.memoryOffset;
    for (let i = 0; i < ids.length; i++) heap.copyWithin(to + i * rowBytes, from + ids[i] * rowBytes, from + (ids[i] + 1) * rowBytes);
    return out;
  });
}

export const IDENTITY = Identity;
export const CAST = Cast;
export const GATHER_V2 = GatherV2;
