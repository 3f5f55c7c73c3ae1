// An RNN behind an Embedding with maskZero (the `sentiment` template) on the WebGPU backend: tfjs-backend-webgpu
// 4.22's rank-≥3 Transpose did not compile for integer buffers (the mask), silently left the mask unwritten and
// the model trained at a constant loss. main/engine/webgpuKernels.ts fixes it; this checks the kernel against cpu,
// the model's loss and gradients against cpu, that its loss falls, and that WebGPU reported no error on the way.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../../main/engine/backends.ts';
import { probeGpuAdapter, takeWebgpuErrors, throwOnWebgpuErrors } from '../../../main/engine/webgpu.ts';
import { relativeMaxDiff } from './parityHelpers.ts';

const probe = await probeGpuAdapter();
if (!probe.ok) console.log(`webgpuMaskedRnn.test: skipping, no WebGPU here: ${probe.reason}`);

const BATCH = 32;
const STEPS = 40;
const VOCAB = 50;

/** Token ids with zero padding at the end of each row (1..VOCAB-1 elsewhere), and targets that depend on the tokens. */
function data(): { x: tf.Tensor; y: tf.Tensor } {
  const ids = new Int32Array(BATCH * STEPS);
  const targets = new Float32Array(BATCH);
  let s = 12345;
  for (let b = 0; b < BATCH; b++) {
    const length = 5 + (b * 7) % (STEPS - 5);
    let positives = 0;
    for (let t = 0; t < length; t++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const id = 1 + (s % (VOCAB - 1));
      ids[b * STEPS + t] = id;
      if (id < VOCAB / 2) positives++;
    }
    targets[b] = positives * 2 > length ? 1 : 0;
  }
  return { x: tf.tensor2d(ids, [BATCH, STEPS], 'int32'), y: tf.tensor2d(targets, [BATCH, 1]) };
}

function buildModel(): tf.LayersModel {
  const input = tf.input({ shape: [STEPS], dtype: 'int32' });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 8, maskZero: true }).apply(input) as tf.SymbolicTensor;
  const read = tf.layers.lstm({ units: 8 }).apply(embedded) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(read) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

async function lossAndGradients(backend: string, weights: Float32Array[]): Promise<{ loss: number; grads: Float32Array[] }> {
  await tf.setBackend(backend);
  const model = buildModel();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
  const { x, y } = data();
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, vars);
  const result = { loss: (await value.data())[0], grads: await Promise.all(vars.map((v) => grads[v.name].data() as Promise<Float32Array>)) };
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return result;
}

describe.skipIf(!probe.ok)('Embedding(maskZero) → LSTM on webgpu', () => {
  beforeAll(async () => {
    await loadBackend('webgpu');
    takeWebgpuErrors();
  });

  it.each([
    { dtype: 'int32' as const, shape: [32, 40, 3], perm: [1, 0, 2] },
    { dtype: 'bool' as const, shape: [32, 40, 1], perm: [1, 0, 2] },
    { dtype: 'float32 cast from bool' as const, shape: [32, 40, 1], perm: [1, 0, 2] },
    { dtype: 'int32' as const, shape: [4, 5, 6, 7], perm: [3, 1, 0, 2] },
    { dtype: 'float32 cast from int32' as const, shape: [3, 4, 5, 6, 7], perm: [4, 2, 0, 3, 1] },
  ])('Transpose of $dtype $shape by $perm matches cpu', async ({ dtype, shape, perm }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const ints = Int32Array.from({ length: size }, (_, i) => (i * 7919) % 1000 - 300);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        // Made on the device by a kernel (not uploaded values), as inside a model, so the GPU program runs.
        const base = tf.add(tf.tensor(ints, shape, 'int32'), tf.zeros(shape, 'int32'));
        const x = dtype === 'int32' ? base
          : dtype === 'bool' ? tf.greater(base, 0)
          : dtype === 'float32 cast from bool' ? tf.cast(tf.notEqual(base, 0), 'float32')
          : tf.cast(base, 'float32');
        return tf.transpose(x, perm);
      });
    };
    const cpuOut = await run('cpu');
    const gpuOut = await run('webgpu');
    expect(gpuOut.dtype).toBe(cpuOut.dtype);
    expect(gpuOut.shape).toEqual(cpuOut.shape);
    expect(Array.from(await gpuOut.data())).toEqual(Array.from(await cpuOut.data()));
    tf.dispose([cpuOut, gpuOut]);
    expect(takeWebgpuErrors()).toEqual([]);
  });

  it('loss and gradients match the cpu backend from the same weights', async () => {
    await tf.setBackend('cpu');
    const model = buildModel();
    const weights = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
    model.dispose();
    const cpu = await lossAndGradients('cpu', weights);
    const gpu = await lossAndGradients('webgpu', weights);
    expect(takeWebgpuErrors()).toEqual([]);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThan(1e-4);
    // The embedding's gradient is zero for padded positions and the LSTM's depends on the mask: both checked.
    for (let i = 0; i < cpu.grads.length; i++) expect(relativeMaxDiff(gpu.grads[i], cpu.grads[i]), `gradient ${i}`).toBeLessThan(1e-3);
  });

  it('trains: the loss falls and WebGPU reports no error', async () => {
    await tf.setBackend('webgpu');
    const model = buildModel();
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'binaryCrossentropy' });
    const { x, y } = data();
    const history = await model.fit(x, y, { epochs: 15, batchSize: BATCH, verbose: 0 });
    const losses = history.history.loss as number[];
    throwOnWebgpuErrors();
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.9);
    tf.dispose([x, y]);
    model.dispose();
  }, 120_000);
});
