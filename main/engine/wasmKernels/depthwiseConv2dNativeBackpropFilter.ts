// DepthwiseConv2dNativeBackpropFilter for wasm (DepthwiseConv2D and SeparableConv2D training):
// one depthwise convolution over all (sample, channel) pairs, then a sum over the samples.
import { backend_util, DepthwiseConv2dNativeBackpropFilter, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, WASM, type KernelArgs, wasmKernel } from './compose.ts';

// A type, not an interface, so that the kernel's attribute map can be read as one.
export type DepthwiseAttrs = {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/**
 * dW[i,j,c,m] = Σ_n Σ_{oh,ow} x[n, oh·s + i·d − padTop, …, c] · dy[n,oh,ow,c·M+m].
 * With x laid out as one image of N·C channels and dy as an OH×OW filter of N·C channels × M, that is a
 * depthwise convolution with stride d and dilation s, giving [fh, fw, N·C·M]; summing over N leaves [fh, fw, C, M].
 */
export function depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as DepthwiseAttrs & { filterShape: [number, number, number, number] };
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations ?? 1, pad, dimRoundingMode, true);
  const { batchSize: n, inChannels: c, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw,
    dilationHeight: dh, dilationWidth: dw, inHeight, inWidth, outHeight, outWidth } = info;
  const m = filterShape[3];
  const { top, left } = info.padInfo;
  return compose(backend, (ops) => {
    const rowsEnd = (fh - 1) * dh + (outHeight - 1) * sh + 1 - top;
    const colsEnd = (fw - 1) * dw + (outWidth - 1) * sw + 1 - left;
    const usedRows = Math.min(inHeight, rowsEnd);
    const usedCols = Math.min(inWidth, colsEnd);
    const xUsed = ops.slice(x, [0, 0, 0, 0], [n, usedRows, usedCols, c]);
    const xImage = ops.reshape(ops.transpose(xUsed, [1, 2, 0, 3]), [1, usedRows, usedCols, n * c]);
    const dyT = ops.transpose(ops.reshape(dy, [n, outHeight, outWidth, c, m]), [1, 2, 0, 3, 4]);
    const dyFilter = ops.reshape(dyT, [outHeight, outWidth, n * c, m]);
    const perSample = ops.run('DepthwiseConv2dNative', { x: xImage, filter: dyFilter }, {
      strides: [dh, dw],
      dilations: [sh, sw],
      pad: [[0, 0], [top, rowsEnd - usedRows], [left, colsEnd - usedCols], [0, 0]],
    });
    const grouped = ops.reshape(perSample, [fh, fw, n, c, m]);
    return n === 1 ? ops.reshape(grouped, [fh, fw, c, m]) : ops.sum(grouped, [2]);
  });
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: WASM,
  kernelFunc: wasmKernel(depthwiseConv2dNativeBackpropFilter),
};
