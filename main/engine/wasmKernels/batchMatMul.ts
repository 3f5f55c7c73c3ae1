// Faster BatchMatMul/_FusedMatMul for wasm. The stock kernel sends any transposed operand (every gradient
// matmul: dX = dY·Wᵀ, dW = Xᵀ·dY) to a scalar triple loop instead of XNNPACK — measured 10–15× slower.
// Materialising the transpose with the wasm Transpose kernel and calling the XNNPACK path is far cheaper.
import { BatchMatMul, _FusedMatMul, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, type KernelArgs, wasmKernel } from './compose.ts';

/** Only rank-2 products (batch 1) reach XNNPACK in the stock kernel; batched ones stay on its loop either way. */
function isSingleMatrix(t: TensorInfo): boolean {
  return util.sizeFromShape(t.shape.slice(0, -2)) === 1;
}

function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * XNNPACK packs the right-hand operand ("weights") on first use and caches the packing by tensor; in training
 * every weight is a new tensor each step, so the packing is paid every call. Measured per element on wasm:
 * packing ≈ 3.6 ns, a Transpose ≈ 1.2 ns — hence the weight of 3 in the cost model below.
 */
const PACK_COST = 3;
/** Tensors already packed by XNNPACK as a right-hand operand (their packing is cached, so reusing them is free). */
const packed = new WeakSet<object>();

interface Plan {
  swap: boolean;
}

/**
 * C = op(A)·op(B) runs either directly (transpose what is transposed, pack op(B)) or as C = (op(B)ᵀ·op(A)ᵀ)ᵀ
 * (pack op(A)ᵀ, transpose the [N, M] result); pick the one that moves fewer elements.
 */
export function planMatMul(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, aPacked: boolean, bPacked: boolean): Plan {
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + (!transposeB && bPacked ? 0 : PACK_COST * k * n);
  const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + (transposeA && aPacked ? 0 : PACK_COST * k * m) + m * n;
  return { swap: swapped < direct };
}

/** BatchMatMul for single matrices: cost-planned as above; batched products go to the stock kernel. */
export function withPlannedMatMul(original: KernelConfig): KernelFunc {
  const stock = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  const untransposed = (args: KernelArgs, a: TensorInfo, b: TensorInfo): TensorInfo => {
    packed.add(b.dataId);
    return stock({ inputs: { ...args.inputs, a, b }, backend: args.backend, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
  };
  return wasmKernel((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!isSingleMatrix(a) || !isSingleMatrix(b) || a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args);
    const [ra, rb] = [a.shape.length, b.shape.length];
    const m = a.shape[transposeA ? ra - 1 : ra - 2];
    const k = a.shape[transposeA ? ra - 2 : ra - 1];
    const n = b.shape[transposeB ? rb - 2 : rb - 1];
    const { swap } = planMatMul(m, k, n, transposeA, transposeB, packed.has(a.dataId), packed.has(b.dataId));
    if (!swap && !transposeA && !transposeB) return untransposed(args, a, b);
    return compose(backend, (ops) => {
      if (!swap) {
        return untransposed(args, transposeA ? ops.transpose(a, swapLastTwo(ra)) : a, transposeB ? ops.transpose(b, swapLastTwo(rb)) : b);
      }
      const left = transposeB ? b : ops.transpose(b, swapLastTwo(rb));
      const right = transposeA ? a : ops.transpose(a, swapLastTwo(ra));
      const resultT = ops.keep(untransposed(args, left, right));
      const result = ops.transpose(resultT, swapLastTwo(resultT.shape.length));
      // The stock kernel's output rank follows the broadcast batch dims of a and b; so does ours.
      const outBatch = ra >= rb ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
      return ops.reshape(result, [...outBatch, m, n]);
    });
  });
}

/** _FusedMatMul (bias and activation act on the [M, N] result, so it is never swapped): transposes materialised. */
export function withMaterialisedTransposes(original: KernelConfig): KernelFunc {
  const originalFunc = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  return wasmKernel((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if ((!transposeA && !transposeB) || !isSingleMatrix(a) || !isSingleMatrix(b)) return originalFunc(args);
    return compose(backend, (ops) => {
      const a2 = transposeA ? ops.transpose(a, swapLastTwo(a.shape.length)) : a;
      const b2 = transposeB ? ops.transpose(b, swapLastTwo(b.shape.length)) : b;
      return originalFunc({ inputs: { ...inputs, a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    });
  });
}

export const BATCH_MAT_MUL = BatchMatMul;
export const FUSED_MAT_MUL = _FusedMatMul;
