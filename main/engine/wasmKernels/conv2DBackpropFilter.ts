// Conv2DBackpropFilter for wasm (the filter gradient of every Conv1D/Conv2D/SeparableConv2D pointwise step):
// a Conv2D whose batch is the input channels, whose filter is the output gradient, dilated by the stride.
import { backend_util, Conv2DBackpropFilter, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, WASM, type KernelArgs, type Ops, wasmKernel } from './compose.ts';

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

export function filterGradient(ops: Ops, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
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

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: WASM,
  kernelFunc: wasmKernel(conv2DBackpropFilter),
};
