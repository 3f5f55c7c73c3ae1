// Magnitude pruning during training (main/trainer/pruning.ts) on the cpu backend and on WebGPU, whose
// tensors live on the GPU and cannot be read synchronously: the masks must be built from asynchronous reads.
import { describe, expect, it } from 'vitest';
import { loadBackend, type BackendName } from '../../../main/engine/backends.ts';
import { probeGpuAdapter } from '../../../main/engine/webgpu.ts';
import { Pruner } from '../../../main/trainer/pruning.ts';
import { pruneSpecSchema } from '../../../app/training/pruning.ts';

const probe = await probeGpuAdapter();
if (!probe.ok) console.log(`pruning.test: skipping the WebGPU case: ${probe.reason}`);

async function pruneWhileTraining(backend: BackendName) {
  const { tf } = await loadBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', name: 'hidden' }),
    tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
  ] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([64, 8], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.argMax(x.slice([0, 0], [64, 3]), 1), 3);
  const epochs = 4;
  const batchSize = 16;
  const spec = pruneSpecSchema.parse({ sparsity: 0.75, schedule: { frequency: 2 } });
  const pruner = new Pruner(tf, model, spec, epochs * (64 / batchSize));
  class AfterStep extends tf.Callback {
    override async onBatchEnd(): Promise<void> { await pruner.afterStep(); }
  }
  await model.fit(x, y, { epochs, batchSize, verbose: 0, callbacks: [new AfterStep()] });
  const pruned = await pruner.finish();
  // What is really in the kernels, read back from the backend.
  const zerosIn = async (name: string) => Array.from(await model.getLayer(name).getWeights()[0].data()).filter((v) => v === 0).length;
  const actual = { hidden: await zerosIn('hidden'), out: await zerosIn('out') };
  pruner.dispose();
  tf.dispose([x, y]);
  model.dispose();
  return { pruned, actual };
}

describe('pruning while training', () => {
  it('on cpu: each kernel ends at its target sparsity, counted in the weights themselves', async () => {
    const { pruned, actual } = await pruneWhileTraining('cpu');
    expect(pruned).toEqual([
      { layer: 'hidden', className: 'Dense', weights: 128, zeros: 96 },
      { layer: 'out', className: 'Dense', weights: 48, zeros: 36 },
    ]);
    expect(actual).toEqual({ hidden: 96, out: 36 });
  });

  it.skipIf(!probe.ok)('on webgpu (tensors on the GPU, read asynchronously): the same sparsity', async () => {
    const { pruned, actual } = await pruneWhileTraining('webgpu');
    expect(pruned.map((p) => [p.layer, p.weights, p.zeros])).toEqual([['hidden', 128, 96], ['out', 48, 36]]);
    expect(actual).toEqual({ hidden: 96, out: 36 });
  }, 120_000);
});
