// Adam's update as one kernel per weight on wasm (main/engine/wasmKernels/adam.ts): the same weights, moments and
// optimizer state as TF.js's own AdamOptimizer, step after step, with a changing learning rate, inside
// model.fit, and through the optimizer's saved weights.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../../main/engine/backends.ts';
import { ADAM_STEP, withoutFusedAdam } from '../../../main/engine/wasmKernels/adam.ts';
import { randomData } from './parityHelpers.ts';

beforeAll(async () => {
  await loadBackend('wasm');
});

/** Odd sizes too, so the SIMD loop's last floats (past a multiple of four) are covered. */
const SHAPES = [[7], [3, 5], [3, 3, 4, 8], [1]];

/** Runs `steps` Adam steps on fresh variables with deterministic gradients; returns every value and the kernels run. */
async function adamSteps(steps: number, withNull = false) {
  await tf.setBackend('wasm');
  const vars = SHAPES.map((shape, i) => tf.variable(tf.tensor(randomData(shape, 60 + i).values, shape), true, `adamTest${i}_${Math.random()}`));
  const optimizer = tf.train.adam(0.01, 0.8, 0.95, 1e-6);
  const kernels: string[] = [];
  for (let s = 0; s < steps; s++) {
    // A learning-rate schedule changes the rate between steps.
    if (s === Math.floor(steps / 2)) (optimizer as unknown as { learningRate: number }).learningRate = 0.003;
    const grads = vars.map((v, i) => ({ name: v.name, tensor: tf.tensor(randomData(v.shape, 100 * s + i + 1).values, v.shape) }));
    const given = withNull ? grads.filter((_, i) => i !== 1) : grads;
    const profile = await tf.profile(() => { optimizer.applyGradients(given); });
    kernels.push(...profile.kernels.map((k) => k.name));
    tf.dispose(grads.map((g) => g.tensor));
  }
  const weights = await Promise.all(vars.map((v) => v.data() as Promise<Float32Array>));
  const saved = await optimizer.getWeights();
  const state = await Promise.all(saved.map(async (w) => ({ name: w.name, values: await w.tensor.data() as Float32Array })));
  const iterations = optimizer.iterations;
  // A run resumed from a checkpoint: a new optimizer given the saved state takes one more step.
  const resumed = tf.train.adam(0.003, 0.8, 0.95, 1e-6);
  await resumed.setWeights(saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
  const last = vars.filter((_, i) => !withNull || i !== 1).map((v) => ({ name: v.name, tensor: tf.onesLike(v) }));
  resumed.applyGradients(last);
  const afterResume = await Promise.all(vars.map((v) => v.data() as Promise<Float32Array>));
  tf.dispose(last.map((g) => g.tensor));
  resumed.dispose();
  optimizer.dispose();
  tf.dispose(vars);
  return { weights, state, iterations, kernels, afterResume };
}

describe('Adam on wasm', () => {
  it.each([{ withNull: false }, { withNull: true }])('one kernel per weight gives TF.js\'s own weights and state (a weight without gradient: $withNull)', async ({ withNull }) => {
    const fused = await adamSteps(12, withNull);
    const stock = await withoutFusedAdam(() => adamSteps(12, withNull));
    expect(fused.kernels.filter((k) => k === ADAM_STEP).length).toBe(12 * (withNull ? 3 : 4));
    expect(fused.kernels).not.toContain('Sqrt');
    expect(stock.kernels).not.toContain(ADAM_STEP);
    expect(stock.kernels).toContain('Sqrt');
    expect(fused.iterations).toBe(stock.iterations);
    // The same float32 operations in the same order: the same numbers.
    fused.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(stock.weights[i])));
    expect(fused.state.map((s) => s.name.replace(/adamTest\d+_[\d.e-]+/, 'w'))).toEqual(stock.state.map((s) => s.name.replace(/adamTest\d+_[\d.e-]+/, 'w')));
    fused.state.forEach((s, i) => expect(Array.from(s.values)).toEqual(Array.from(stock.state[i].values)));
    // The weight without a gradient kept its value but has its (zero) moments, as TF.js gives it.
    if (withNull) expect(Array.from(fused.weights[1])).toEqual(Array.from(randomData([3, 5], 61).values));
    fused.afterResume.forEach((w, i) => {
      expect(Array.from(w)).toEqual(Array.from(stock.afterResume[i]));
      if (!withNull || i !== 1) expect(Array.from(w)).not.toEqual(Array.from(fused.weights[i]));
    });
  });

  it('model.fit with Adam learns the same on wasm as on the cpu backend', async () => {
    const fit = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 6, activation: 'relu', inputShape: [5], kernelInitializer: 'ones' }), tf.layers.dense({ units: 2, kernelInitializer: 'ones' })] });
      model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
      const x = tf.tensor(randomData([32, 5], 7).values, [32, 5]);
      const y = tf.tensor(randomData([32, 2], 8).values, [32, 2]);
      const history = await model.fit(x, y, { epochs: 6, batchSize: 8, shuffle: false, verbose: 0 });
      const weights = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
      tf.dispose([x, y]);
      model.dispose();
      return { losses: history.history.loss as number[], weights };
    };
    const cpu = await fit('cpu');
    const wasm = await fit('wasm');
    expect(wasm.losses[wasm.losses.length - 1]).toBeLessThan(wasm.losses[0] * 0.8);
    wasm.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThan(1e-4 * Math.max(1, cpu.losses[i])));
    wasm.weights.forEach((w, i) => w.forEach((v, j) => expect(Math.abs(v - cpu.weights[i][j])).toBeLessThan(1e-4)));
  });
});
