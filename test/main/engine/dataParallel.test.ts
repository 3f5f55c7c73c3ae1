// Data-parallel training (main/engine/dataParallel.ts): a batch split over replica threads, gradients averaged
// by part size, must train to the same weights, losses and metrics as the whole batch on one thread.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../../main/engine/backends.ts';
import { lossFor } from '../../../main/engine/losses.ts';
import { PROBE_STEPS, REPROBE_AFTER, REPROBE_AFTER_MS, partSizes, splitIsFaster, startDataParallel, type DataParallel, type ReplicaSpec } from '../../../main/engine/dataParallel.ts';

const L = tf.layers;

beforeAll(async () => {
  await loadBackend('wasm', { threads: 1 });
}, 60_000);

interface Case {
  name: string;
  build: () => tf.LayersModel;
  data: () => { x: tf.Tensor; y: tf.Tensor };
  loss: ReplicaSpec['loss'];
  optimizer: () => tf.Optimizer;
  classWeight?: Record<number, number>;
}

const cases: Case[] = [
  {
    name: 'MLP, SGD, class weights, a last batch of 20',
    build: () => tf.sequential({ layers: [L.dense({ inputShape: [6], units: 16, activation: 'tanh' }), L.dense({ units: 3, activation: 'softmax' })] }),
    data: () => ({ x: tf.randomNormal([120, 6], 0, 1, 'float32', 3), y: tf.oneHot(tf.randomUniform([120], 0, 3, 'int32', 4) as tf.Tensor1D, 3).toFloat() }),
    loss: 'categoricalCrossentropy',
    optimizer: () => tf.train.sgd(0.2),
    classWeight: { 0: 1, 1: 2.5, 2: 0.5 },
  },
  {
    name: 'CNN with pooling, Adam',
    build: () => tf.sequential({ layers: [
      L.conv2d({ inputShape: [10, 10, 2], filters: 6, kernelSize: 3, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.flatten(),
      L.dense({ units: 4, activation: 'softmax' }),
    ] }),
    data: () => ({ x: tf.randomUniform([96, 10, 10, 2], 0, 1, 'float32', 5), y: tf.oneHot(tf.randomUniform([96], 0, 4, 'int32', 6) as tf.Tensor1D, 4).toFloat() }),
    loss: 'categoricalCrossentropy',
    optimizer: () => tf.train.adam(0.01),
  },
  {
    name: 'Embedding (int32 input) and LSTM, regression with huber loss',
    build: () => tf.sequential({ layers: [
      L.embedding({ inputShape: [7], inputDim: 30, outputDim: 5 }),
      L.lstm({ units: 8 }),
      L.dense({ units: 2 }),
    ] }),
    data: () => ({ x: tf.randomUniform([96, 7], 0, 30, 'int32', 7), y: tf.randomNormal([96, 2], 0, 1, 'float32', 8) }),
    loss: 'huber',
    optimizer: () => tf.train.rmsprop(0.01),
  },
];

/** The case's model with the same starting weights every time: deterministic values, not the random initializers. */
function startingModel(c: Case): tf.LayersModel {
  const model = c.build();
  model.setWeights(model.getWeights().map((w, i) => tf.tidy(() => tf.sin(tf.range(0, w.size).add(i)).mul(0.3).reshape(w.shape))));
  return model;
}

function initialWeights(c: Case): Float32Array[] {
  const model = startingModel(c);
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  model.dispose();
  return weights;
}

async function train(c: Case, threads: number, probe = false, epochs = 2): Promise<{ weights: Float32Array[]; history: Record<string, number[]>; parallel: DataParallel | null }> {
  const model = startingModel(c);
  const metrics = c.loss === 'huber' ? ['mae'] : ['accuracy'];
  model.compile({ optimizer: c.optimizer(), loss: lossFor(tf, c.loss), metrics });
  const parallel = threads > 1
    ? await startDataParallel(tf, model, { model: { kind: 'keras', topology: model.toJSON(null, false) }, loss: c.loss, metrics }, threads, { probe })
    : null;
  const { x, y } = c.data();
  try {
    const h = await model.fit(x, y, { batchSize: 50, epochs, shuffle: false, verbose: 0, classWeight: c.classWeight });
    return { weights: model.getWeights().map((w) => w.dataSync() as Float32Array), history: h.history as Record<string, number[]>, parallel };
  } finally {
    await parallel?.stop();
    tf.dispose([x, y]);
    model.dispose();
  }
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((w, i) => w.forEach((v, j) => { m = Math.max(m, Math.abs(v - b[i][j])); }));
  return m;
}

/** A one-Dense-layer model on 3 inputs, compiled with SGD, and the replica spec built from `replicaModel` (default: itself). */
function tinyModel(loss: 'categoricalCrossentropy' | 'meanSquaredError', replicaModel?: tf.LayersModel): { model: tf.LayersModel; spec: ReplicaSpec } {
  const model = tf.sequential({ layers: [L.dense({ inputShape: [3], units: 2, activation: loss === 'categoricalCrossentropy' ? 'softmax' : 'linear' })] });
  model.compile({ optimizer: tf.train.sgd(0.1), loss });
  return { model, spec: { model: { kind: 'keras', topology: (replicaModel ?? model).toJSON(null, false) }, loss, metrics: [] } };
}

describe('data-parallel training on replica threads', () => {
  for (const c of cases) {
    it(`${c.name}: 2 and 3 threads train to the weights of 1 thread`, async () => {
      const one = await train(c, 1);
      for (const threads of [2, 3]) {
        const many = await train(c, threads);
        expect(many.parallel?.threads).toBe(threads);
        // Every batch was split (batches of 50 and 50 and 20, or 50 and 46, samples: parts of at least 8).
        expect(many.parallel?.splitSteps).toBeGreaterThanOrEqual(4);
        expect(maxDiff(one.weights, many.weights)).toBeLessThan(2e-5);
        // Something moved at all (a step that did nothing would also "match").
        expect(maxDiff(one.weights, initialWeights(c))).toBeGreaterThan(1e-3);
        for (const key of Object.keys(one.history)) {
          one.history[key].forEach((v, epoch) => expect(many.history[key][epoch]).toBeCloseTo(v, 4));
        }
      }
    }, 120_000);
  }

  it('while it times the first steps (whole and split in turn) it trains to the weights of 1 thread', async () => {
    const c = cases[1];
    const one = await train(c, 1, false, 5);
    // 96 samples in batches of 50 and 46, 5 epochs: 10 steps of the 16 timed ones (whole, split, split, whole
    // blocks of 4), so steps 5 to 10 were split.
    const probing = await train(c, 2, true, 5);
    expect(probing.parallel?.splitting).toBeNull();
    expect(probing.parallel?.splitSteps).toBe(6);
    expect(maxDiff(one.weights, probing.weights)).toBeLessThan(2e-5);
  }, 120_000);

  it(`decides after ${PROBE_STEPS} steps timed whole and split, splitting only when that is clearly faster per sample`, async () => {
    expect(splitIsFaster([1, 1, 1], [0.6, 0.7, 2])).toBe(true);
    expect(splitIsFaster([1, 1, 1], [0.97, 0.96, 0.5])).toBe(false);
    const { model, spec } = tinyModel('categoricalCrossentropy');
    const parallel = await startDataParallel(tf, model, spec, 2);
    try {
      const x = tf.ones([16 * PROBE_STEPS, 3]);
      const y = tf.oneHot(tf.zeros([x.shape[0]], 'int32') as tf.Tensor1D, 2).toFloat();
      await model.fit(x, y, { batchSize: 16, epochs: 1, verbose: 0 });
      expect(parallel.splitting).not.toBeNull();
      expect(parallel.splitSteps).toBe(PROBE_STEPS / 2);
      expect(parallel.probe?.wholeMsPerSample).toBeGreaterThan(0);
      await model.fit(x, y, { batchSize: 16, epochs: 1, verbose: 0 });
      expect(parallel.splitSteps).toBe(parallel.splitting ? PROBE_STEPS / 2 + PROBE_STEPS : PROBE_STEPS / 2);
      expect(parallel.splittableSteps).toBe(2 * PROBE_STEPS);
    } finally {
      await parallel.stop();
    }
  }, 60_000);

  it(`times again only after ${REPROBE_AFTER} steps and ${REPROBE_AFTER_MS / 1000} s: a small model's many quick steps do not keep re-timing`, async () => {
    const { model, spec } = tinyModel('categoricalCrossentropy');
    const parallel = await startDataParallel(tf, model, spec, 2);
    try {
      const steps = PROBE_STEPS + REPROBE_AFTER + 200;
      const x = tf.ones([16 * steps, 3]);
      const y = tf.oneHot(tf.zeros([x.shape[0]], 'int32') as tf.Tensor1D, 2).toFloat();
      const started = performance.now();
      await model.fit(x, y, { batchSize: 16, epochs: 1, verbose: 0 });
      // Over 500 steps after the decision, all well within 30 s here: no second timing, so the split steps are
      // the first timing's (plus every step after it when splitting won).
      expect(performance.now() - started).toBeLessThan(REPROBE_AFTER_MS);
      expect(parallel.splittableSteps).toBe(steps);
      expect(parallel.splitSteps).toBe(parallel.splitting ? PROBE_STEPS / 2 + (steps - PROBE_STEPS) : PROBE_STEPS / 2);
    } finally {
      await parallel.stop();
    }
  }, 60_000);

  it('splits a batch into equal parts, or in proportion to each thread\'s speed, never below 8 samples', () => {
    expect(partSizes(50, 2)).toEqual([25, 25]);
    expect(partSizes(20, 3)).toEqual([7, 7, 6]);
    expect(partSizes(257, 2)).toEqual([129, 128]);
    // In proportion to each thread's samples per ms (parts are sized so all finish together), at least 8 each.
    expect(partSizes(256, 2, [1, 1])).toEqual([128, 128]);
    expect(partSizes(256, 2, [1.2, 1])).toEqual([139, 117]);
    expect(partSizes(20, 2, [100, 1])).toEqual([12, 8]);
    expect(partSizes(50, 3, [1, 2, 2]).reduce((a, b) => a + b, 0)).toBe(50);
  });

  it('leaves batches too small to split on this thread', async () => {
    const { model, spec } = tinyModel('categoricalCrossentropy');
    const parallel = await startDataParallel(tf, model, spec, 2, { probe: false });
    try {
      await model.fit(tf.ones([15, 3]), tf.oneHot(tf.zeros([15], 'int32') as tf.Tensor1D, 2).toFloat(), { batchSize: 15, epochs: 1, verbose: 0 });
      expect(parallel.splitSteps).toBe(0);
      await model.fit(tf.ones([16, 3]), tf.oneHot(tf.zeros([16], 'int32') as tf.Tensor1D, 2).toFloat(), { batchSize: 16, epochs: 1, verbose: 0 });
      expect(parallel.splitSteps).toBe(1);
    } finally {
      await parallel.stop();
    }
  }, 60_000);

  it('fails the step in one line when a replica\'s part fails, at once and with every replica\'s answer taken', async () => {
    // The replicas' model has the same trainable weights but an extra frozen layer and another output shape:
    // its step cannot run on what it is sent.
    const other = tf.sequential({ layers: [L.dense({ inputShape: [3], units: 2 }), L.reshape({ targetShape: [2, 1] }), L.conv1d({ filters: 1, kernelSize: 2, useBias: false, trainable: false })] });
    const { model, spec } = tinyModel('meanSquaredError', other);
    const parallel = await startDataParallel(tf, model, spec, 3, { probe: false });
    try {
      const t0 = performance.now();
      const err = await model.fit(tf.ones([48, 3]), tf.zeros([48, 2]), { batchSize: 48, epochs: 1, verbose: 0 }).catch((e: Error) => e);
      expect((err as Error).message).toMatch(/^a training thread failed: /);
      expect((err as Error).message).not.toContain('\n');
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(parallel.splitSteps).toBe(0);
    } finally {
      await parallel.stop();
    }
  }, 60_000);

  it('says in one line why the threads could not start, and leaves the model training on one thread', async () => {
    const { model } = tinyModel('meanSquaredError');
    const broken = { class_name: 'Sequential', config: { name: 'x', layers: [{ class_name: 'NoSuchLayer', config: {} }] } };
    const err = await startDataParallel(tf, model, { model: { kind: 'keras', topology: broken }, loss: 'meanSquaredError', metrics: [] }, 2).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^the training threads did not start: .*NoSuchLayer/);
    expect((err as Error).message).not.toContain('\n');
    const h = await model.fit(tf.ones([32, 3]), tf.zeros([32, 2]), { batchSize: 32, epochs: 1, verbose: 0 });
    expect(h.history.loss[0]).toBeGreaterThan(0);
  }, 60_000);
});
