// The threaded wasm build starts under Node (its pthread workers from the package's files, not blob: URLs),
// computes with the threads asked for, and trains to the same numbers on 2 threads as on 1.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../../main/engine/backends.ts';
import { setWasmThreads, wasmThreadsInUse, wasmThreadsUnavailable, VERIFIED_WASM_VERSION } from '../../../main/engine/wasmThreads.ts';
import { version_wasm, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoopFellBack, heapThreads } from '../../../main/engine/wasmKernels/heapWorkers.ts';
import { tiled2x2MaxPoolGrad } from '../../../main/engine/wasmKernels/maxPoolGrad.ts';
import { compareKernel, randomData, runKernelOn } from './parityHelpers.ts';

const L = tf.layers;

/** Conv, pooling, dense (the XNNPACK paths threads split) and an LSTM and embedding (the rest of the templates). */
function buildModels(): tf.LayersModel[] {
  const cnn = tf.sequential({ layers: [
    L.conv2d({ inputShape: [14, 14, 2], filters: 8, kernelSize: 3, activation: 'relu' }),
    L.maxPooling2d({ poolSize: 2 }),
    L.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    L.flatten(),
    L.dense({ units: 32, activation: 'relu' }),
    L.dense({ units: 4, activation: 'softmax' }),
  ] });
  const sequence = tf.sequential({ layers: [
    L.embedding({ inputShape: [10], inputDim: 20, outputDim: 8 }),
    L.conv1d({ filters: 8, kernelSize: 3, activation: 'relu' }),
    L.lstm({ units: 12 }),
    L.dense({ units: 4, activation: 'softmax' }),
  ] });
  return [cnn, sequence];
}

function data(model: tf.LayersModel, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const shape = model.inputs[0].shape.slice(1) as number[];
  const integer = model.layers[0].getClassName() === 'Embedding';
  const x = integer ? tf.randomUniform([64, ...shape], 0, 20, 'int32', seed).toFloat() : tf.randomUniform([64, ...shape], 0, 1, 'float32', seed);
  const y = tf.oneHot(tf.randomUniform([64], 0, 4, 'int32', seed + 1) as tf.Tensor1D, 4).toFloat();
  return { x, y };
}

/** Losses of 6 Adam steps on fixed batches from the given weights. */
async function train(model: tf.LayersModel, weights: tf.Tensor[], x: tf.Tensor, y: tf.Tensor): Promise<number[]> {
  model.setWeights(weights);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const losses: number[] = [];
  for (let step = 0; step < 6; step++) {
    const begin = (step % 2) * 32;
    const [xb, yb] = [x.slice(begin, 32), y.slice(begin, 32)];
    losses.push(Number(await model.trainOnBatch(xb, yb)));
    tf.dispose([xb, yb]);
  }
  return losses;
}

describe('wasm threads', () => {
  let threads: number | undefined;
  beforeAll(async () => {
    ({ threads } = await loadBackend('wasm', { threads: 2 }));
  });

  it('starts the threaded build with 2 threads under Node', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(threads).toBe(2);
    expect(wasmThreadsInUse(tf)).toBe(2);
  });

  it('trains to the same numbers on 2 threads as on 1', async () => {
    for (const model of buildModels()) {
      const initial = model.getWeights().map((w) => w.clone());
      const { x, y } = data(model, 7);
      expect(setWasmThreads(tf, 1)).toBe(1);
      const one = await train(model, initial, x, y);
      const weightsOne = model.getWeights().map((w) => w.dataSync().slice());
      expect(setWasmThreads(tf, 2)).toBe(2);
      const two = await train(model, initial, x, y);
      const weightsTwo = model.getWeights().map((w) => w.dataSync());
      expect(one[5]).toBeLessThan(one[0]);
      for (let i = 0; i < one.length; i++) expect(Math.abs(two[i] - one[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(one[i])));
      weightsOne.forEach((w, i) => {
        let diff = 0;
        for (let j = 0; j < w.length; j++) diff = Math.max(diff, Math.abs(w[j] - weightsTwo[i][j]));
        expect(diff).toBeLessThan(1e-4);
      });
      tf.dispose([...initial, x, y]);
      model.dispose();
    }
  });

  it('splits the 2×2 MaxPoolGrad over a heap worker and matches cpu (ties after ReLU, odd batch, remainder rows)', async () => {
    await tf.setBackend('wasm');
    expect(setWasmThreads(tf, 2)).toBe(2);
    expect(heapThreads(tf.backend() as BackendWasm)).toBe(2);
    for (const shape of [[3, 11, 11, 4], [5, 8, 8, 3]]) {
      const x = randomData(shape, 40);
      const input = { ...x, values: x.values.map((v) => Math.max(0, v)) };
      const info = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], 2, 2, 1, 'valid');
      const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
      const output = await runKernelOn('cpu', 'MaxPool', { x: input }, attrs);
      const { wasm, diff } = await compareKernel('MaxPoolGrad', { dy: randomData(info.outShape, 41), input, output: { shape: output.shape, values: output.values } }, attrs);
      expect(wasm.shape).toEqual(shape);
      expect(diff).toBe(0);
    }
    expect(heapLoopFellBack(tiled2x2MaxPoolGrad)).toBe(false);
  });

  it('keeps threads off, saying why, when the installed wasm build is not the verified one', () => {
    expect(version_wasm).toBe(VERIFIED_WASM_VERSION);
    expect(wasmThreadsUnavailable(VERIFIED_WASM_VERSION)).toBeNull();
    expect(wasmThreadsUnavailable('4.23.0')).toBe(`threads were verified with @tensorflow/tfjs-backend-wasm ${VERIFIED_WASM_VERSION}, this is 4.23.0`);
  });
});
