// Add for wasm when one operand is a row added to every row of the other: a layer's bias (Dense, Conv1D, Conv2D
// add theirs to an output whose last axis is the units or filters). The stock kernel broadcasts element by
// element with index arithmetic (1.8 ms on the reference CNN's [128, 26, 26, 16] + [16], three times a
// same-shape Add); our SIMD loop (./simd.ts) takes 0.7 in a training step (0.4–0.5 alone). Every other Add goes to the stock kernel.
import { Add, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { type KernelArgs, wasmKernel } from './compose.ts';
import { heapOffset, simdKernels } from './simd.ts';

/** Whether `row` is added to every row of `x`: same last axis, and every other axis of `row` (if any) is 1. */
export function isRowOf(x: TensorInfo, row: TensorInfo): boolean {
  const last = x.shape[x.shape.length - 1];
  return x.shape.length >= 2 && row.shape.length >= 1 && row.shape.length <= x.shape.length
    && row.shape[row.shape.length - 1] === last && util.sizeFromShape(row.shape) === last;
}

export function withRowAdd(original: KernelConfig): KernelFunc {
  const stock = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  return wasmKernel((args: KernelArgs) => {
    const { inputs, backend } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const simd = simdKernels(backend);
    if (!simd || a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args);
    const [x, row] = isRowOf(a, b) ? [a, b] : isRowOf(b, a) ? [b, a] : [null, null];
    if (!x || !row) return stock(args);
    const c = x.shape[x.shape.length - 1];
    const out = backend.makeOutput(x.shape, 'float32');
    const at = (t: TensorInfo) => heapOffset(backend, t);
    if (c > 0) simd.addRow(at(x), at(row), at(out), util.sizeFromShape(x.shape) / c, c);
    return out;
  });
}

export const ADD = Add;
