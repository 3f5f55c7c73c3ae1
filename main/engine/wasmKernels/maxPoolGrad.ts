// Faster MaxPoolGrad for wasm. The stock kernel costs ~13× MaxPool itself and, on ties (common after ReLU,
// where a window is all zeros), sends the gradient to a different element than the cpu backend and TensorFlow.
// This one is a single pass over the wasm heap in JS: measured 2× (composed ArgMax + ScatterNd) to 10× (stock)
// faster than the alternatives, without copying anything out of wasm memory (see docs/engine.md).
import { backend_util, MaxPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './compose.ts';

/**
 * For each output cell, finds the first maximum of its window in row-major window order (strictly greater
 * wins, as in the cpu backend) channel by channel, and adds dy there. Handles padding, overlapping windows
 * and dilation; falls back to the stock kernel only for non-float32 input.
 */
export function withHeapMaxPoolGrad(original: KernelConfig): KernelFunc {
  const stock = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  return ((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') return stock(args);
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
      filterSize: [number, number] | number;
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw,
      dilationHeight: dh, dilationWidth: dw, effectiveFilterHeight: efh, effectiveFilterWidth: efw } = info;
    const { top, left } = info.padInfo;
    // makeOutput can grow wasm memory, which detaches earlier views: take the views after it.
    const out = backend.makeOutput(input.shape, 'float32');
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    const x = backend.typedArrayFromHeap(input) as Float32Array;
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    dx.fill(0);
    const best = new Float32Array(c);
    const at = new Int32Array(c);
    let k = 0;
    for (let b = 0; b < n; b++) {
      for (let r = 0; r < oh; r++) {
        for (let q = 0; q < ow; q++, k += c) {
          best.fill(-Infinity);
          at.fill(-1);
          for (let i = 0; i < efh; i += dh) {
            const xr = r * sh - top + i;
            if (xr < 0 || xr >= h) continue;
            for (let j = 0; j < efw; j += dw) {
              const xc = q * sw - left + j;
              if (xc < 0 || xc >= w) continue;
              const base = ((b * h + xr) * w + xc) * c;
              for (let ch = 0; ch < c; ch++) {
                const v = x[base + ch];
                if (v > best[ch]) {
                  best[ch] = v;
                  at[ch] = base + ch;
                }
              }
            }
          }
          for (let ch = 0; ch < c; ch++) if (at[ch] >= 0) dx[at[ch]] += g[k + ch];
        }
      }
    }
    return out;
  }) as unknown as KernelFunc;
}

export const MAX_POOL_GRAD = MaxPoolGrad;
