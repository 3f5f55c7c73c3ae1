// Faster Conv2DBackpropInput for wasm (the input gradient of Conv1D/Conv2D, and Conv2DTranspose's forward
// pass). The stock kernel is a scalar loop, ~15× slower than the XNNPACK Conv2D it mirrors; this runs it as
// that Conv2D: spread dy out by the stride, pad, and convolve with the rotated, in/out-swapped filter.
import { backend_util, Conv2DBackpropInput, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, type KernelArgs, wasmKernel } from './compose.ts';
import { heapOffset, simdKernels } from './simd.ts';

/**
 * dx[n,h,w,ci] = Σ_{i,j,co} dyS[n, h + padTop − i, w + padLeft − j, co] · f[i,j,ci,co], with dyS = dy spread by
 * the stride. With k = fh−1−i this is a stride-1 VALID Conv2D of the padded dyS with f rotated 180° and
 * transposed to [fh, fw, Cout, Cin].
 */
export function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  const format = backend_util.convertConv2DDataFormat(dataFormat ?? 'NHWC');
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, format);
  const { batchSize: n, inHeight, inWidth, outHeight, outWidth, outChannels: cout, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  // Input channels in eights on the single-threaded build: our SIMD loop (./simd.ts), which spends no work on
  // the zeros of a padded or spread dy (measured faster on every shape tried, 3× with stride 2; docs/engine.md).
  const simd = dy.dtype === 'float32' && filter.dtype === 'float32' && info.inChannels % 8 === 0 ? simdKernels(backend) : null;
  if (simd) {
    return compose(backend, (ops) => {
      const dyNhwc = format === 'channelsLast' ? dy : ops.transpose(dy, [0, 2, 3, 1]);
      // The filter as [fh, fw, co, c], so that eight channels of x are two vectors (it is small).
      const swapped = ops.transpose(filter, [0, 1, 3, 2]);
      const dx = ops.backend.makeOutput([n, inHeight, inWidth, info.inChannels], 'float32');
      // makeOutput can grow wasm memory, which detaches earlier views: take the view after it.
      (ops.backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
      const at = (t: TensorInfo) => heapOffset(ops.backend, t);
      simd.conv2dInputGrad(at(dyNhwc), at(swapped), at(dx), n, inHeight, inWidth, info.inChannels, outHeight, outWidth, sh, sw, fh, fw, top, left, cout);
      if (format === 'channelsLast') return dx;
      ops.keep(dx);
      return ops.transpose(dx, [0, 3, 1, 2]);
    });
  }
  return compose(backend, (ops) => {
    const dyNhwc = format === 'channelsLast' ? dy : ops.transpose(dy, [0, 2, 3, 1]);
    let spread = dyNhwc;
    if (sh > 1 || sw > 1) {
      const expanded = ops.reshape(dyNhwc, [n, outHeight, 1, outWidth, 1, cout]);
      spread = ops.reshape(ops.pad(expanded, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]), [n, outHeight * sh, outWidth * sw, cout]);
    }
    // The convolution pads by itself (explicit padding), which saves a PadV2 copy of dy.
    const { cropped, padding } = ops.cropNegative(spread, [
      [0, 0],
      [fh - 1 - top, inHeight + top - outHeight * sh],
      [fw - 1 - left, inWidth + left - outWidth * sw],
      [0, 0],
    ]);
    const rotated = ops.transpose(ops.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    const dx = ops.run('Conv2D', { x: cropped, filter: rotated }, { strides: [1, 1], dilations: [1, 1], pad: padding, dataFormat: 'NHWC' });
    return format === 'channelsLast' ? dx : ops.transpose(dx, [0, 3, 1, 2]);
  });
}

export const CONV2D_BACKPROP_INPUT = Conv2DBackpropInput;

/** Replacement factory for wrapKernel: the stock kernel is not used at all. */
export function replaceConv2DBackpropInput(): KernelFunc {
  return wasmKernel(conv2DBackpropInput);
}
