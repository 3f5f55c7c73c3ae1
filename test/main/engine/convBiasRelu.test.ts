// Conv2D + bias + relu trained as one kernel on wasm (main/engine/wasmKernels/convBiasRelu.ts): the same loss and
// gradients as TF.js's unfused path on the cpu backend, taken only where it applies, and its backward kernel
// checked against the definition (NaN and infinities included), with and without our SIMD kernels.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { loadBackend } from '../../../main/engine/backends.ts';
import { CONV2D_BIAS_RELU, RELU_BIAS_GRAD, withoutConvBiasRelu } from '../../../main/engine/wasmKernels/convBiasRelu.ts';
import { simdKernels, withoutSimdKernels } from '../../../main/engine/wasmKernels/simd.ts';
import { randomData, relativeMaxDiff } from './parityHelpers.ts';

const L = tf.layers;

beforeAll(async () => {
  await loadBackend('wasm');
});

const wasmBackend = () => tf.findBackend('wasm') as unknown as BackendWasm;

describe('the relu-and-bias gradient kernel', () => {
  /** dy · step(y) with TF.js's step (NaN at NaN), and its sums over rows, in float64 from the definition. */
  function byDefinition(dy: Float32Array, y: Float32Array, c: number) {
    const dx = new Float32Array(dy.length);
    const db = new Float64Array(c);
    for (let i = 0; i < dy.length; i++) {
      dx[i] = dy[i] * (Number.isNaN(y[i]) ? NaN : y[i] > 0 ? 1 : 0);
      db[i % c] += dx[i];
    }
    return { dx, db };
  }

  const same = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || a === b;
  const cases = [
    { shape: [4, 6, 5, 16], way: 'SIMD' }, { shape: [3, 7, 5], way: 'SIMD' }, { shape: [9, 1], way: 'SIMD' }, { shape: [2, 3, 3, 3], way: 'SIMD' },
    { shape: [4, 6, 5, 16], way: 'without SIMD' }, { shape: [3, 7, 5], way: 'without SIMD' },
  ] as const;
  it.each(cases)('$way: $shape, with zeros, NaN and infinities', async ({ shape, way }) => {
    await tf.setBackend('wasm');
    const c = shape[shape.length - 1];
    const dyValues = randomData([...shape], 3).values as Float32Array;
    const yValues = (randomData([...shape], 4).values as Float32Array).map((v) => Math.max(v, 0));
    // A NaN output, a NaN and an infinite gradient where the output is 0 (TF.js multiplies, so both stay NaN).
    yValues[1] = NaN;
    dyValues[2] = NaN;
    yValues[2] = 0;
    dyValues[3] = Infinity;
    yValues[3] = 0;
    const run = async () => {
      const [dx, db] = tf.engine().runKernel(RELU_BIAS_GRAD, { dy: tf.tensor(dyValues, [...shape]), y: tf.tensor(yValues, [...shape]) }) as tf.Tensor[];
      const result = { dx: await dx.data() as Float32Array, db: await db.data() as Float32Array, dbShape: db.shape };
      tf.dispose([dx, db]);
      return result;
    };
    const got = way === 'SIMD' ? await run() : await withoutSimdKernels(wasmBackend(), run);
    const want = byDefinition(dyValues, yValues, c);
    expect(got.dbShape).toEqual([c]);
    expect(Array.from(got.dx).every((v, i) => same(v, want.dx[i]))).toBe(true);
    expect(Array.from(want.dx).filter(Number.isNaN).length).toBe(3);
    // Channel 1, 2 and 3 sum a NaN or infinity; the rest are finite and match the float64 sums.
    for (let k = 0; k < c; k++) {
      if (Number.isFinite(want.db[k])) expect(Math.abs(got.db[k] - want.db[k])).toBeLessThan(1e-5 * Math.max(1, Math.abs(want.db[k])));
      else expect(same(got.db[k], want.db[k])).toBe(true);
    }
  });
});

/** Two relu convolutions (the second's input needs a gradient), then a Dense head. */
function twoConvolutions(filters: number, strides: number, padding: 'same' | 'valid'): tf.Sequential {
  return tf.sequential({ layers: [
    L.conv2d({ filters, kernelSize: 3, strides, padding, activation: 'relu', inputShape: [9, 8, 3] }),
    L.conv2d({ filters: 8, kernelSize: 2, padding, activation: 'relu' }),
    L.flatten(),
    L.dense({ units: 3 }),
  ] });
}

/** Loss, gradients and the kernels run, for the model with these weights on `backend`. */
async function trainStep(make: () => tf.Sequential, backend: 'cpu' | 'wasm', weights: Float32Array[]) {
  await tf.setBackend(backend);
  const model = make();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
  const x = tf.tensor(randomData([4, 9, 8, 3], 11).values, [4, 9, 8, 3]);
  const y = tf.tensor(randomData([4, 3], 12).values, [4, 3]);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let result: { loss: number; grads: Float32Array[] } | undefined;
  const profile = await tf.profile(async () => {
    const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
    result = { loss: (await value.data())[0], grads: await Promise.all(vars.map((v) => grads[v.name].data() as Promise<Float32Array>)) };
    tf.dispose([value, ...Object.values(grads)]);
  });
  tf.dispose([x, y]);
  model.dispose();
  const kernels = profile.kernels.map((k) => k.name);
  return { ...result!, count: (name: string) => kernels.filter((k) => k === name).length };
}

describe('Conv2D with relu, trained on wasm', () => {
  it.each([
    { filters: 5, strides: 1, padding: 'valid' as const },
    { filters: 16, strides: 2, padding: 'same' as const },
  ])('$filters filters, strides $strides, $padding: one kernel forward, one pass back, the gradients of the cpu backend', async ({ filters, strides, padding }) => {
    const make = () => twoConvolutions(filters, strides, padding);
    await tf.setBackend('cpu');
    const reference = make();
    const weights = await Promise.all(reference.getWeights().map((w) => w.data() as Promise<Float32Array>));
    reference.dispose();
    const cpu = await trainStep(make, 'cpu', weights);
    const wasm = await trainStep(make, 'wasm', weights);
    expect(simdKernels(wasmBackend())).not.toBeNull();
    expect(wasm.count(CONV2D_BIAS_RELU)).toBe(2);
    expect(wasm.count(RELU_BIAS_GRAD)).toBe(2);
    expect(wasm.count('Relu') + wasm.count('Step') + wasm.count('Conv2D')).toBe(0);
    // The first layer's input is data: its gradient is never computed.
    expect(wasm.count('Conv2DBackpropInput')).toBe(1);
    expect(cpu.count('Relu')).toBe(2);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5 * Math.max(1, cpu.loss));
    for (let i = 0; i < cpu.grads.length; i++) {
      expect(cpu.grads[i].some((v) => v !== 0)).toBe(true);
      expect(relativeMaxDiff(wasm.grads[i], cpu.grads[i])).toBeLessThan(1e-4);
    }
    // TF.js's own way on wasm gives the same.
    const stock = await withoutConvBiasRelu(() => trainStep(make, 'wasm', weights));
    expect(stock.count(CONV2D_BIAS_RELU)).toBe(0);
    expect(stock.count('Relu')).toBe(2);
    for (let i = 0; i < cpu.grads.length; i++) expect(relativeMaxDiff(wasm.grads[i], stock.grads[i])).toBeLessThan(1e-4);
  });

  it('takes TF.js\'s own way outside a gradient, for other activations, with dilation, and without our SIMD kernels', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randomData([2, 9, 8, 3], 13).values, [2, 9, 8, 3]);
    const kernelsOf = async (model: tf.Sequential, training: boolean) => {
      const profile = await tf.profile(() => {
        if (!training) return model.predict(x) as tf.Tensor;
        const { value, grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
        tf.dispose(Object.values(grads));
        return value;
      });
      return profile.kernels.map((k) => k.name);
    };
    const relu = twoConvolutions(4, 1, 'same');
    expect(await kernelsOf(relu, false)).toContain('FusedConv2D');
    expect(await kernelsOf(relu, false)).not.toContain(CONV2D_BIAS_RELU);
    expect(await kernelsOf(relu, true)).toContain(CONV2D_BIAS_RELU);
    expect(await withoutSimdKernels(wasmBackend(), () => kernelsOf(relu, true))).not.toContain(CONV2D_BIAS_RELU);
    const sigmoid = tf.sequential({ layers: [L.conv2d({ filters: 4, kernelSize: 3, activation: 'sigmoid', inputShape: [9, 8, 3] })] });
    const dilated = tf.sequential({ layers: [L.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, activation: 'relu', inputShape: [9, 8, 3] })] });
    const noBias = tf.sequential({ layers: [L.conv2d({ filters: 4, kernelSize: 3, useBias: false, activation: 'relu', inputShape: [9, 8, 3] })] });
    expect(await kernelsOf(sigmoid, true)).not.toContain(CONV2D_BIAS_RELU);
    expect(await kernelsOf(noBias, true)).not.toContain(CONV2D_BIAS_RELU);
    // TF.js cannot train a dilated convolution at all; its forward pass under a gradient still runs TF.js's way.
    expect(await kernelsOf(dilated, false)).not.toContain(CONV2D_BIAS_RELU);
    expect(() => tf.variableGrads(() => tf.sum(dilated.apply(x, { training: true }) as tf.Tensor) as tf.Scalar)).toThrow(/dilation/);
    tf.dispose(x);
    [relu, sigmoid, dilated, noBias].forEach((m) => m.dispose());
  });
});
