// Faster BatchMatMul/_FusedMatMul for wasm. The stock kernel sends any transposed operand (every gradient
// matmul: dX = dY·Wᵀ, dW = Xᵀ·dY) to a scalar triple loop instead of XNNPACK — measured 10–15× slower.
// Materialising the transpose with the wasm Transpose kernel and calling the XNNPACK path is far cheaper.
import { BatchMatMul, _FusedMatMul, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, type KernelArgs } from './compose.ts';

/** Only rank-2 products (batch 1) reach XNNPACK in the stock kernel; batched ones stay on its loop either way. */
function isSingleMatrix(t: TensorInfo): boolean {
  return util.sizeFromShape(t.shape.slice(0, -2)) === 1;
}

function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/** Wraps a stock matmul kernel so transposed single-matrix products run as transpose + untransposed XNNPACK product. */
export function withMaterialisedTransposes(original: KernelConfig): KernelFunc {
  const originalFunc = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  return ((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if ((!transposeA && !transposeB) || !isSingleMatrix(a) || !isSingleMatrix(b)) return originalFunc(args);
    return compose(backend, (ops) => {
      const a2 = transposeA ? ops.transpose(a, swapLastTwo(a.shape.length)) : a;
      const b2 = transposeB ? ops.transpose(b, swapLastTwo(b.shape.length)) : b;
      return originalFunc({ inputs: { ...inputs, a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    });
  }) as unknown as KernelFunc;
}

export const MATMUL_KERNELS = [BatchMatMul, _FusedMatMul] as const;
