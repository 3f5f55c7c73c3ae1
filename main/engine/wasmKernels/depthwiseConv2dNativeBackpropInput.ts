// DepthwiseConv2dNativeBackpropInput for wasm (the input gradient of DepthwiseConv2D/SeparableConv2D):
// a transposed depthwise convolution — spread dy out by the stride, pad, convolve with the rotated filter.
import { backend_util, DepthwiseConv2dNativeBackpropInput, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, WASM, type KernelArgs, wasmKernel } from './compose.ts';
import type { DepthwiseAttrs } from './depthwiseConv2dNativeBackpropFilter.ts';

/**
 * dx[n,h,w,c] = Σ_{i,j,m} dyS[n, h + padTop − i·d, …, c·M+m] · f[i,j,c,m], where dyS is dy with s−1 zeros
 * between its rows/columns. Substituting k = fh−1−i turns that into a plain (dilated, stride-1) depthwise
 * correlation of the padded dyS with the 180°-rotated filter over C·M channels, then a sum over M.
 */
export function depthwiseConv2dNativeBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as DepthwiseAttrs & { inputShape: [number, number, number, number] };
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, dilations ?? 1, pad, dimRoundingMode, true);
  const { batchSize: n, inChannels: c, outChannels: cm, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw,
    dilationHeight: dh, dilationWidth: dw, inHeight, inWidth, outHeight, outWidth } = info;
  const m = cm / c;
  const { top, left } = info.padInfo;
  return compose(backend, (ops) => {
    let spread = dy;
    if (sh > 1 || sw > 1) {
      // Interleave zeros: [N,OH,1,OW,1,CM] padded to [N,OH,sh,OW,sw,CM]; the trailing zeros count as bottom/right padding.
      const expanded = ops.reshape(dy, [n, outHeight, 1, outWidth, 1, cm]);
      spread = ops.reshape(ops.pad(expanded, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]), [n, outHeight * sh, outWidth * sw, cm]);
    }
    const padTop = (fh - 1) * dh - top;
    const padLeft = (fw - 1) * dw - left;
    const padBottom = inHeight + top - 1 - (outHeight - 1) * sh - (sh - 1);
    const padRight = inWidth + left - 1 - (outWidth - 1) * sw - (sw - 1);
    const { cropped, padding } = ops.cropNegative(spread, [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]]);
    const rotated = ops.reshape(ops.reverse(filter, [0, 1]), [fh, fw, cm, 1]);
    const perMultiplier = ops.run('DepthwiseConv2dNative', { x: cropped, filter: rotated }, {
      strides: [1, 1],
      dilations: [dh, dw],
      pad: padding,
    });
    return m === 1 ? perMultiplier : ops.sum(ops.reshape(perMultiplier, [n, inHeight, inWidth, c, m]), [4]);
  });
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: WASM,
  kernelFunc: wasmKernel(depthwiseConv2dNativeBackpropInput),
};
