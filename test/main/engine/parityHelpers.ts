// Shared helpers for the wasm-vs-cpu parity tests: deterministic data and running one kernel on a backend.
import * as tf from '@tensorflow/tfjs';

export interface Data {
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
  dtype?: 'float32' | 'int32' | 'bool';
}

/** Deterministic pseudo-random values in [-1, 1) (a fixed LCG, so failures reproduce). */
export function randomData(shape: number[], seed: number): Data {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = s / 2 ** 31 - 1;
  }
  return { shape, values };
}

/** Runs one kernel on the given backend through the engine and returns its output's shape and values. */
export async function runKernelOn(backend: 'wasm' | 'cpu', kernel: string, inputs: Record<string, Data>, attrs: object): Promise<{ shape: number[]; values: Float32Array | Int32Array }> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, d]) => [k, tf.tensor(d.values, d.shape, d.dtype ?? 'float32')]));
  try {
    const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    const values = (await out.data()) as Float32Array | Int32Array;
    const shape = out.shape;
    out.dispose();
    return { shape, values };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Largest |a−b| divided by max(1, largest |b|): a relative error that stays meaningful for large sums. */
export function relativeMaxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Runs the kernel on wasm and on cpu (the reference) and returns both results. */
export async function compareKernel(kernel: string, inputs: Record<string, Data>, attrs: object) {
  const wasm = await runKernelOn('wasm', kernel, inputs, attrs);
  const cpu = await runKernelOn('cpu', kernel, inputs, attrs);
  return { wasm, cpu, diff: relativeMaxDiff(wasm.values, cpu.values) };
}

/**
 * Direct-loop depthwise convolution gradients with dilation, straight from the definition
 * y[n,oh,ow,c·M+m] = Σ_{i,j} x[n, oh·sh + i·dh − top, ow·sw + j·dw − left, c] · f[i,j,c,m].
 * The cpu backend's gradient kernels ignore dilation (tfjs never asks for it), so dilated cases are checked against this.
 */
export function depthwiseGradientsByDefinition(x: Data, f: Data, dy: Data, info: { strideHeight: number; strideWidth: number; dilationHeight: number; dilationWidth: number; padInfo: { top: number; left: number } }) {
  const [n, h, w, c] = x.shape;
  const [fh, fw, , m] = f.shape;
  const [, oh, ow] = dy.shape;
  const dx = new Float32Array(x.values.length);
  const df = new Float32Array(f.values.length);
  for (let b = 0; b < n; b++) for (let yr = 0; yr < oh; yr++) for (let yc = 0; yc < ow; yc++) for (let i = 0; i < fh; i++) for (let j = 0; j < fw; j++) {
    const xr = yr * info.strideHeight + i * info.dilationHeight - info.padInfo.top;
    const xc = yc * info.strideWidth + j * info.dilationWidth - info.padInfo.left;
    if (xr < 0 || xr >= h || xc < 0 || xc >= w) continue;
    for (let ch = 0; ch < c; ch++) for (let k = 0; k < m; k++) {
      const g = dy.values[((b * oh + yr) * ow + yc) * c * m + ch * m + k];
      const xi = ((b * h + xr) * w + xc) * c + ch;
      const fi = ((i * fw + j) * c + ch) * m + k;
      df[fi] += x.values[xi] * g;
      dx[xi] += f.values[fi] * g;
    }
  }
  return { dx, df };
}
