// Tile for wasm as block copies. The stock kernel computes every output element's source index in C++, one
// element at a time; LayerNormalization tiles its mean, variance, scale and offset to the input's full shape
// on every call, and on the attention templates that was the largest kernel of a training step after the
// Tile gradient was fixed (../fastGradients.ts). Here each input row is written once and the tiled blocks
// are doubled with copyWithin (or filled, for a last axis of size 1), axis by axis from the innermost.
import { Tile, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { type KernelArgs, wasmKernel } from './compose.ts';

type Elements = Float32Array | Int32Array | Uint8Array;

/** Writes `length` elements at `start` repeated `times` times in a row (the first copy is already there). */
function repeatBlock(out: Elements, start: number, length: number, times: number): void {
  let filled = length;
  const total = length * times;
  while (filled < total) {
    const n = Math.min(filled, total - filled);
    out.copyWithin(start + filled, start, start + n);
    filled += n;
  }
}

/** Tile of float32, int32 and bool tensors (rank ≥ 1) by block copies; anything else goes to the stock kernel. */
export function withBlockTile(original: KernelConfig): KernelFunc {
  const stock = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  return wasmKernel((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const { reps } = attrs as { reps: number[] };
    const rank = x.shape.length;
    if (!['float32', 'int32', 'bool'].includes(x.dtype) || rank === 0 || reps.length !== rank) return stock(args);
    const shape = x.shape;
    const outShape = shape.map((s, i) => s * reps[i]);
    const out = backend.makeOutput(outShape, x.dtype);
    if (util.sizeFromShape(outShape) === 0) return out;
    // Views after makeOutput, which may grow (and so replace) the wasm heap.
    const o = backend.typedArrayFromHeap(out) as Elements;
    const xv = backend.typedArrayFromHeap(x) as Elements;
    // inner[d]: output elements under one index of axis d.
    const inner = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) inner[d] = inner[d + 1] * outShape[d + 1];
    /** Output offset of the block at leading x indices `index` (mixed radix over shape[0..depth-1]), rep 0 on every axis. */
    const offsetOf = (index: number, depth: number) => {
      let offset = 0;
      for (let d = depth - 1; d >= 0; d--) {
        offset += (index % shape[d]) * inner[d];
        index = Math.floor(index / shape[d]);
      }
      return offset;
    };
    const last = shape[rank - 1];
    const rows = util.sizeFromShape(shape.slice(0, -1));
    for (let row = 0; row < rows; row++) {
      const offset = offsetOf(row, rank - 1);
      if (last === 1) o.fill(xv[row], offset, offset + reps[rank - 1]);
      else {
        o.set(xv.subarray(row * last, (row + 1) * last), offset);
        repeatBlock(o, offset, last, reps[rank - 1]);
      }
    }
    for (let d = rank - 2; d >= 0; d--) {
      if (reps[d] === 1) continue;
      const blocks = util.sizeFromShape(shape.slice(0, d));
      for (let b = 0; b < blocks; b++) repeatBlock(o, offsetOf(b, d), shape[d] * inner[d], reps[d]);
    }
    return out;
  });
}

export const TILE = Tile;
