// Conv2DBackpropFilter for wasm (the filter gradient of every Conv1D/Conv2D/SeparableConv2D pointwise step),
// two ways: for few input channels (e.g. a first layer on images), one matrix product of x's patches with dy
// as it is (no transpose of dy; see patchMatMulGradient); otherwise a Conv2D whose batch is the input channels
// and whose filter is the output gradient, dilated by the stride.
import { backend_util, Conv2DBackpropFilter, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, WASM, type KernelArgs, type Ops, wasmKernel } from './compose.ts';
import { heapOffset, simdKernels, type SimdKernels } from './simd.ts';

/**
 * dW[i,j,ci,co] = Σ_{n,oh,ow} x[n, oh·s + i − padTop, ow·s + j − padLeft, ci] · dy[n,oh,ow,co]
 * which is a stride-1 convolution of x (as [Cin, H, W, N]) with dy (as [OH, OW, N, Cout]) at dilation s,
 * giving [Cin, fh, fw, Cout]. Rows the forward pass never read (VALID with a remainder) are cropped so
 * that the padding stays non-negative.
 */
export function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  const format = backend_util.convertConv2DDataFormat(dataFormat ?? 'NHWC');
  return compose(backend, (ops) => {
    const xNhwc = format === 'channelsLast' ? x : ops.transpose(x, [0, 2, 3, 1]);
    const dyNhwc = format === 'channelsLast' ? dy : ops.transpose(dy, [0, 2, 3, 1]);
    const info = backend_util.computeConv2DInfo(
      xNhwc.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    return filterGradient(ops, xNhwc, dyNhwc, info);
  });
}

/**
 * Whether the patch-matrix product is the cheaper way: it writes fh·fw·Cin values per output position in one
 * JS pass (≈ 5 ns each, measured) and XNNPACK packs dy once; the Conv2D way moves dy three times (our transpose,
 * then tfjs's filter transpose and XNNPACK's packing, ≈ 11 ns per dy value altogether, on one thread). Measured
 * at batch 256 (docs/engine.md): for 3×3×1→16 it is 3–4× faster and threads; for 3×3×16→32 the Conv2D way wins.
 */
export function usesPatchMatMul(info: backend_util.Conv2DInfo): boolean {
  return info.filterHeight * info.filterWidth * info.inChannels <= 2 * info.outChannels;
}

/** Whether our tiled SIMD loop applies: input channels in fours, output channels in eights. */
export function usesTiledSimd(info: backend_util.Conv2DInfo): boolean {
  return info.inChannels % 4 === 0 && info.outChannels % 8 === 0;
}

export function filterGradient(ops: Ops, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  // Our SIMD loops where they exist (the single-threaded build): measured faster than both ways below on every
  // shape tried, or level (docs/engine.md).
  const simd = x.dtype === 'float32' && dy.dtype === 'float32' ? simdKernels(ops.backend) : null;
  if (simd) return simdGradient(ops, simd, x, dy, info);
  if (usesPatchMatMul(info) && x.dtype === 'float32' && dy.dtype === 'float32') return patchMatMulGradient(ops, x, dy, info);
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, inHeight, inWidth, outHeight, outWidth } = info;
  const { top, left } = info.padInfo;
  // Exclusive end of the rows/columns of x the forward pass read, in x's own coordinates.
  const rowsEnd = (outHeight - 1) * sh + fh - top;
  const colsEnd = (outWidth - 1) * sw + fw - left;
  const xT = ops.transpose(x, [3, 1, 2, 0]);
  const usedRows = Math.min(inHeight, rowsEnd);
  const usedCols = Math.min(inWidth, colsEnd);
  const xUsed = ops.slice(xT, [0, 0, 0, 0], [xT.shape[0], usedRows, usedCols, xT.shape[3]]);
  const dyT = ops.transpose(dy, [1, 2, 0, 3]);
  const grad = ops.run('Conv2D', { x: xUsed, filter: dyT }, {
    strides: [1, 1],
    dilations: [sh, sw],
    pad: [[0, 0], [top, rowsEnd - usedRows], [left, colsEnd - usedCols], [0, 0]],
    dataFormat: 'NHWC',
  });
  return ops.transpose(grad, [1, 2, 0, 3]);
}

/**
 * dW straight from x and dy where they lie, by our own SIMD loops (./simd.ts): the tiled one when the channels
 * allow, else the simple one. The two ways below spend much of their time not on arithmetic but on moving dy:
 * XNNPACK packs it as an operand, and it is a new operand every step (~7.5 ms of the patch product's ~10 for the
 * reference CNN's first layer at batch 128), and the Conv2D way also transposes it twice. These read x and dy
 * where they are and write only dW.
 */
function simdGradient(ops: Ops, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw,
    filterHeight: fh, filterWidth: fw, outChannels: co } = info;
  const out = ops.backend.makeOutput([fh, fw, c, co], 'float32');
  // makeOutput can grow wasm memory, which detaches earlier views: take the view after it.
  (ops.backend.typedArrayFromHeap(out) as Float32Array).fill(0);
  const at = (t: TensorInfo) => heapOffset(ops.backend, t);
  const kernel = usesTiledSimd(info) ? simd.conv2dFilterGradTiled : simd.conv2dFilterGrad;
  kernel(at(x), at(dy), at(out), n, h, w, c, oh, ow, sh, sw, fh, fw, info.padInfo.top, info.padInfo.left, co);
  return out;
}

/**
 * dW as [Cin·fh·fw, K] · [K, Cout] with K = N·OH·OW: the left operand is x's patches written transposed
 * (row (ci, i, j) holds x[n, oh·s + i − top, ow·s + j − left, ci] over all (n, oh, ow), 0 outside x), the right
 * one is dy reshaped, so the only single-threaded passes are that one write and XNNPACK's packing of dy, and
 * the product itself runs on XNNPACK's threads. The [Cin, fh, fw, Cout] result is small to transpose.
 */
function patchMatMulGradient(ops: Ops, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { inChannels: c, filterHeight: fh, filterWidth: fw, outChannels: co } = info;
  const patches = transposedPatches(ops, x, info);
  const k = patches.shape[1];
  const product = ops.run('BatchMatMul', { a: ops.reshape(patches, [1, c * fh * fw, k]), b: ops.reshape(dy, [1, k, co]) }, { transposeA: false, transposeB: false });
  return ops.transpose(ops.reshape(product, [c, fh, fw, co]), [1, 2, 0, 3]);
}

/** Pᵀ of im2col, [Cin·fh·fw, N·OH·OW], written straight into the wasm heap in one pass. */
function transposedPatches(ops: Ops, x: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const out = ops.keep(ops.backend.makeOutput([c * fh * fw, n * oh * ow], 'float32'));
  // makeOutput can grow wasm memory, which detaches earlier views: take the views after it.
  const p = ops.backend.typedArrayFromHeap(out) as Float32Array;
  const xv = ops.backend.typedArrayFromHeap(x) as Float32Array;
  let at = 0;
  for (let ci = 0; ci < c; ci++) for (let i = 0; i < fh; i++) for (let j = 0; j < fw; j++) {
    // Output columns whose x column is inside x: q in [qFirst, qEnd).
    const qFirst = Math.min(ow, Math.max(0, Math.ceil((left - j) / sw)));
    const qEnd = Math.max(qFirst, Math.min(ow, Math.floor((w - 1 + left - j) / sw) + 1));
    for (let b = 0; b < n; b++) for (let r = 0; r < oh; r++) {
      const xr = r * sh + i - top;
      if (xr < 0 || xr >= h) {
        p.fill(0, at, at + ow);
        at += ow;
        continue;
      }
      const row = (b * h + xr) * w * c + ci + (j - left) * c;
      if (qFirst > 0) p.fill(0, at, at + qFirst);
      for (let q = qFirst; q < qEnd; q++) p[at + q] = xv[row + q * sw * c];
      if (qEnd < ow) p.fill(0, at + qEnd, at + ow);
      at += ow;
    }
  }
  return out;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: WASM,
  kernelFunc: wasmKernel(conv2DBackpropFilter),
};
