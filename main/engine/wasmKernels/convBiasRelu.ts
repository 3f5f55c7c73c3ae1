// A Conv2D layer with a bias and ReLU, trained on wasm as one forward kernel and one backward pass over its
// output. TF.js (tfjs-core's fused.conv2d, which tfjs-layers' Conv2D calls) fuses convolution, bias and
// activation only outside a gradient: while training it runs Conv2D, then a broadcast Add, then Relu, and
// back through Relu's gradient (Step, Cast, Multiply) and the bias's (Sum). On the reference CNN's first layer
// each of those is a pass over a [128, 26, 26, 16] tensor (5.5 MB) that the two training threads' memory
// traffic shares. Here, on the single-threaded wasm build with our SIMD kernels (./simd.ts):
//   forward:  the backend's own FusedConv2D with the bias and relu (XNNPACK adds and clamps in registers);
//   backward: reluBiasGrad (./simd.ts) forms dy · step(y) and its sum over rows (the bias gradient) in one
//             pass over dy and the output y, then the convolution's two gradients of that, as TF.js would.
// The same arithmetic as TF.js's unfused path (y > 0 exactly where conv + bias > 0), so results match it up
// to the order of float additions; every other call (another backend, no gradient, another activation,
// dilation, NCHW) goes to TF.js's own fused.conv2d.
import { Conv2DBackpropFilter, Conv2DBackpropInput, util, type GradConfig, type KernelConfig, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../backends.ts';
import { Bypass, callKernel, WASM, wasmKernel, type KernelArgs } from './compose.ts';
import { heapOffset, simdKernels } from './simd.ts';

export const CONV2D_BIAS_RELU = 'ModelwrightConv2DBiasRelu';
export const RELU_BIAS_GRAD = 'ModelwrightReluBiasGrad';

/** The convolution's attributes, as TF.js's Conv2D kernels take them. */
interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | number[][];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Forward: the backend's FusedConv2D with bias and relu. */
export const conv2dBiasReluConfig: KernelConfig = {
  kernelName: CONV2D_BIAS_RELU,
  backendName: WASM,
  kernelFunc: wasmKernel(({ inputs, backend, attrs }: KernelArgs) => callKernel('FusedConv2D', {
    inputs, backend, attrs: { ...attrs, dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' },
  })),
};

/** Backward through relu and bias: [dy · step(y), Σ over every axis but the last]. */
export const reluBiasGradConfig: KernelConfig = {
  kernelName: RELU_BIAS_GRAD,
  backendName: WASM,
  kernelFunc: wasmKernel(reluBiasGrad),
};

function reluBiasGrad({ inputs, backend }: KernelArgs): TensorInfo[] {
  const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
  const c = y.shape[y.shape.length - 1];
  const dx = backend.makeOutput(y.shape, 'float32');
  const db = backend.makeOutput([c], 'float32');
  const rows = c > 0 ? util.sizeFromShape(y.shape) / c : 0;
  const simd = simdKernels(backend);
  if (simd) {
    simd.reluBiasGrad(heapOffset(backend, dy), heapOffset(backend, y), heapOffset(backend, dx), heapOffset(backend, db), rows, c);
  } else {
    const [g, out, dxs, dbs] = [dy, y, dx, db].map((t) => backend.typedArrayFromHeap(t) as Float32Array);
    dbs.fill(0);
    for (let i = 0; i < rows * c; i++) {
      const v = out[i];
      const d = g[i] * (Number.isNaN(v) ? v : v > 0 ? 1 : 0);
      dxs[i] = d;
      dbs[i % c] += d;
    }
  }
  return [dx, db];
}

/** Gradient of CONV2D_BIAS_RELU; a layer's input that needs no gradient (the first layer's data) is never computed. */
export function conv2dBiasReluGradConfig(tf: Pick<Tf, 'engine'>): GradConfig {
  return {
    kernelName: CONV2D_BIAS_RELU,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved;
      const { strides, pad, dimRoundingMode } = attrs as unknown as ConvAttrs;
      const run = (name: string, inputs: Record<string, Tensor>, more: NamedAttrMap) =>
        tf.engine().runKernel(name, inputs, { strides, pad, dimRoundingMode, dataFormat: 'NHWC', ...more } as NamedAttrMap);
      const [masked, db] = tf.engine().runKernel(RELU_BIAS_GRAD, { dy: dy as Tensor, y }) as Tensor[];
      return {
        x: () => run(Conv2DBackpropInput, { dy: masked, filter }, { inputShape: x.shape }) as Tensor,
        filter: () => run(Conv2DBackpropFilter, { x, dy: masked }, { filterShape: filter.shape }) as Tensor,
        bias: () => db,
      };
    },
  };
}

/** TF.js's fused.conv2d arguments (the part this module reads). */
interface FusedConv2DArgs {
  x: unknown;
  filter: unknown;
  strides: [number, number] | number;
  pad: ConvAttrs['pad'];
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: ConvAttrs['dimRoundingMode'];
  bias?: unknown;
  activation?: string;
  preluActivationWeights?: unknown;
}
type FusedConv2D = (args: FusedConv2DArgs) => Tensor;

const installed = new WeakSet<object>();
const bypass = new Bypass();

/** Runs `body` with fused.conv2d taking TF.js's own way (for parity tests and benchmarks). */
export const withoutConvBiasRelu = <T>(body: () => Promise<T>): Promise<T> => bypass.during(body);

/**
 * Routes TF.js's fused.conv2d through CONV2D_BIAS_RELU while a gradient is being recorded on a wasm backend
 * with our SIMD kernels, for float32 NHWC convolutions with a rank-1 bias, relu and no dilation. Idempotent.
 */
export function installConvBiasRelu(tf: Tf): void {
  const fused = tf.fused as unknown as { conv2d: FusedConv2D };
  if (installed.has(fused)) return;
  installed.add(fused);
  tf.registerGradient(conv2dBiasReluGradConfig(tf));
  const stock = fused.conv2d;
  fused.conv2d = function conv2d(args: FusedConv2DArgs): Tensor {
    const { x, filter, bias } = args;
    const ones = (v: [number, number] | number | undefined) => v === undefined || (Array.isArray(v) ? v.every((d) => d === 1) : v === 1);
    const usable = !bypass.active && args.activation === 'relu' && x instanceof tf.Tensor && filter instanceof tf.Tensor && bias instanceof tf.Tensor
      && x.rank === 4 && filter.rank === 4 && bias.rank === 1 && [x, filter, bias].every((t) => t.dtype === 'float32')
      && (args.dataFormat ?? 'NHWC') === 'NHWC' && ones(args.dilations) && args.preluActivationWeights == null
      && (tf.engine().state as { gradientDepth: number }).gradientDepth > 0
      && tf.getBackend() === WASM && simdKernels(tf.backend() as unknown as BackendWasm) !== null;
    if (!usable) return stock(args);
    const attrs = { strides: args.strides, pad: args.pad, dimRoundingMode: args.dimRoundingMode } as unknown as NamedAttrMap;
    return tf.engine().runKernel(CONV2D_BIAS_RELU, { x, filter, bias }, attrs) as Tensor;
  };
}
