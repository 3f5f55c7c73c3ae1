// Faster MaxPoolGrad for wasm when pooling windows do not overlap (Keras' default MaxPooling: stride =
// pool size). The stock kernel is ~30× slower than MaxPool itself and, on ties (common after ReLU, where a
// window is all zeros), sends the gradient to a different element than the cpu backend and TensorFlow do.
import { backend_util, MaxPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, type KernelArgs } from './compose.ts';

/**
 * Lays each window out along a last axis ([N·OH·OW·C, fh·fw], via two batched 2-D transposes — the wasm
 * Transpose kernel is ~6× slower on the equivalent single 6-D permutation), takes ArgMax there (the first
 * maximum in row-major window order, as the cpu kernel does), turns each winner into its flat position in x,
 * and lets ScatterNd write dy there (every position is hit at most once, since windows do not overlap).
 */
export function withWindowArgMax(original: KernelConfig): KernelFunc {
  const stock = original.kernelFunc as (args: KernelArgs) => TensorInfo;
  return ((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
      filterSize: [number, number] | number;
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw } = info;
    const tiles = info.strideHeight === fh && info.strideWidth === fw && info.padInfo.top === 0 && info.padInfo.left === 0 &&
      oh * fh <= h && ow * fw <= w && input.dtype === 'float32';
    if (!tiles) return stock(args);
    return compose(backend, (ops) => {
      const covered = ops.slice(input, [0, 0, 0, 0], [n, oh * fh, ow * fw, c]);
      // [N·OH, fh, OW·fw·C] → [N·OH, OW·fw·C, fh] = [N·OH·OW, fw, C·fh] → [N·OH·OW, C·fh, fw] = [N·OH·OW·C, fh·fw].
      const rowsLast = ops.transpose(ops.reshape(covered, [n * oh, fh, ow * fw * c]), [0, 2, 1]);
      const windows = ops.transpose(ops.reshape(rowsLast, [n * oh * ow, fw, c * fh]), [0, 2, 1]);
      const winner = ops.run('ArgMax', { x: ops.reshape(windows, [n * oh * ow * c, fh * fw]) }, { axis: 1 });
      const picks = backend.readSync(winner.dataId) as Int32Array;
      const indices = ops.keep(backend.makeOutput([picks.length, 1], 'int32'));
      const flat = backend.typedArrayFromHeap(indices) as Int32Array;
      let k = 0;
      for (let b = 0; b < n; b++) {
        for (let r = 0; r < oh; r++) {
          for (let q = 0; q < ow; q++) {
            const corner = ((b * h + r * fh) * w + q * fw) * c;
            for (let ch = 0; ch < c; ch++, k++) {
              const p = picks[k];
              flat[k] = corner + ((p / fw) | 0) * w * c + (p % fw) * c + ch;
            }
          }
        }
      }
      const dx = ops.run('ScatterNd', { indices, updates: ops.reshape(dy, [picks.length]) }, { shape: [n * h * w * c] });
      return ops.reshape(dx, [n, h, w, c]);
    });
  }) as unknown as KernelFunc;
}

export const MAX_POOL_GRAD = MaxPoolGrad;
