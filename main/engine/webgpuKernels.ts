// Fixes for tfjs-backend-webgpu 4.22 kernels that fail on integer buffers. Its Transpose of rank ≥ 3
// passes the raw input element to `setOutputAtIndex(flatIndex, value: f32)`; when the input's buffer holds
// i32 — an int32 or bool tensor, or a float32 tensor that its Cast left sharing an int32/bool buffer
// (Cast to float32 is "lossless", so it only relabels) — WGSL refuses the shader ("type mismatch for
// argument 2 in call to 'setOutputAtIndex', expected 'f32', got 'i32'"). Dawn reports that as an
// uncaptured error, not an exception, so the transpose's output is silently left unwritten. An RNN over
// an Embedding with maskZero hits it on every step: tfjs-layers casts the bool mask to float32 and
// transposes it [batch, time, 1] → [time, batch, 1], so the mask reads as all zeros and the LSTM never
// updates (the `sentiment` template trained at a constant loss of ln 2 on webgpu).
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram, webgpu_util as WebgpuUtil } from '@tensorflow/tfjs-backend-webgpu';

export const WEBGPU = 'webgpu';
const TRANSPOSE = 'Transpose';

type Util = typeof WebgpuUtil;
const WRAPPED = new WeakSet<KernelFunc>();

/** A transpose that converts each element to the output's type, as the stock rank-2 program does. */
export class TypedTransposeProgram implements WebGPUProgram {
  variableNames = ['A'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  private readonly perm: number[];
  private readonly floatOutput: boolean;

  constructor(util: Util, aShape: number[], perm: number[], floatOutput: boolean) {
    this.outputShape = perm.map((p) => aShape[p]);
    this.perm = perm;
    this.floatOutput = floatOutput;
    this.dispatchLayout = util.flatDispatchLayout(this.outputShape);
    this.dispatch = util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
    this.shaderKey = `modelwrightTranspose_${perm.join(',')}_${floatOutput ? 'f32' : 'i32'}`;
  }

  getUserCode(): string {
    const rank = this.outputShape.length;
    const coordsType = rank <= 4 ? `vec${rank}<i32>` : `vec${rank}`;
    const switched: string[] = new Array<string>(rank);
    this.perm.forEach((p, i) => { switched[p] = `coords.${'xyzwuv'[i]}`; });
    const read = `A[getIndexFromCoords${rank}D(${coordsType}(${switched.join(', ')}), uniforms.aShape)]`;
    const write = this.floatOutput ? `setOutputAtIndex(index, f32(${read}))` : `setOutputAtIndexI32(index, i32(${read}))`;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          ${write};
        }
      }
    `;
  }
}

/** True when the stock webgpu Transpose would fail on this input: its buffer holds integers and the rank-≥3 program runs. */
function needsTypedTranspose(backend: WebGPUBackend, x: TensorInfo): boolean {
  const rank = x.shape.length;
  if (rank < 3 || rank > 6) return false;
  const bufferDtype = backend.tensorMap.get(x.dataId)?.dtype ?? x.dtype;
  if (bufferDtype === 'float32' && x.dtype === 'float32') return false;
  return !backend.shouldExecuteOnCPU([x]);
}

/** Wraps webgpu's Transpose so integer buffers go through TypedTransposeProgram. Idempotent; returns whether it wrapped. */
export function registerWebgpuKernels(util: Util): string[] {
  const current = getKernel(TRANSPOSE, WEBGPU);
  if (current == null || WRAPPED.has(current.kernelFunc)) return [];
  const stock = current.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WebGPUBackend;
    const x = args.inputs.x as TensorInfo;
    if (!needsTypedTranspose(backend, x)) return stock(args);
    const perm = (args.attrs as { perm: number[] }).perm;
    const program = new TypedTransposeProgram(util, x.shape, perm, x.dtype === 'float32');
    return backend.runWebGPUProgram(program, [x], x.dtype);
  };
  WRAPPED.add(kernelFunc);
  const config: KernelConfig = { ...current, kernelFunc };
  unregisterKernel(TRANSPOSE, WEBGPU);
  registerKernel(config);
  return [TRANSPOSE];
}
