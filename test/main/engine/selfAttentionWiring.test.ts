// One tensor connected into both attention's query and value (and key), the usual self-attention wiring,
// next to a residual that reads the same tensor: builds, trains on wasm with validation, predicts and
// evaluates, and computes what query-only self-attention computes. (tfjs-layers' inference executor
// disposed a tensor listed twice in one layer's inputs while another layer still needed it: "Tensor is
// disposed" in validation, evaluate and predict.)
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildTfModel } from '../../../app/graph/buildModel.ts';
import { functional } from '../../../app/templates/types.ts';
import { loadBackend } from '../../../main/engine/backends.ts';
import { randomData, relativeMaxDiff } from './parityHelpers.ts';

/** embedding → attention (query from `into`) → Add(embedding, attention) → pool → dense. */
function selfAttention(into: string[]) {
  return functional([
    { id: 'input', type: 'Input', name: 'words', params: { shape: [6], dtype: 'int32' } },
    { id: 'embedding', type: 'TokenAndPositionEmbedding', name: 'embedding', params: { vocabularySize: 10, sequenceLength: 6, embeddingDim: 4 } },
    { id: 'attention', type: 'MultiHeadAttention', name: 'attention', params: { numHeads: 2, keyDim: 2, dropout: 0.1 }, inputs: into },
    { id: 'residual', type: 'Add', name: 'residual', inputs: ['embedding', 'attention'] },
    { id: 'pool', type: 'GlobalAveragePooling1D', name: 'pool' },
    { id: 'output', type: 'Dense', name: 'output', params: { units: 3 } },
  ]);
}

function data(batch: number) {
  const words = Array.from(randomData([batch, 6], 31).values, (v) => Math.floor(((v + 1) / 2) * 10));
  return { x: tf.tensor(words, [batch, 6], 'int32'), y: tf.tensor(randomData([batch, 3], 32).values, [batch, 3]) };
}

beforeAll(async () => {
  await loadBackend('wasm');
});

describe('query and value from one tensor', () => {
  it.each([
    ['query + value', ['embedding', 'embedding']],
    ['query + value + key', ['embedding', 'embedding', 'embedding']],
  ])('%s: trains on wasm with validation, the loss goes down, predict and evaluate work', async (_, into) => {
    await tf.setBackend('wasm');
    const model = buildTfModel(selfAttention(into), tf);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const { x, y } = data(32);
    const history = await model.fit(x, y, { epochs: 8, batchSize: 16, validationSplit: 0.25, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    expect((history.history.val_loss as number[]).every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    const predicted = model.predict(x) as tf.Tensor;
    expect(predicted.shape).toEqual([32, 3]);
    const evaluated = model.evaluate(x, y) as tf.Scalar;
    expect(Number.isFinite((await evaluated.data())[0])).toBe(true);
    tf.dispose([x, y, predicted, evaluated]);
    model.dispose();
  });

  it('computes what query-only self-attention computes, on wasm as on cpu', async () => {
    const outputs: Float32Array[] = [];
    let weights: tf.Tensor[] | undefined;
    for (const [backend, into] of [['cpu', ['embedding']], ['cpu', ['embedding', 'embedding']], ['wasm', ['embedding', 'embedding']]] as const) {
      await tf.setBackend(backend);
      const model = buildTfModel(selfAttention([...into]), tf);
      if (weights) model.setWeights(weights.map((w) => tf.tensor(w.dataSync(), w.shape)));
      else weights = model.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape));
      const { x, y } = data(4);
      const out = model.predict(x) as tf.Tensor;
      outputs.push((await out.data()) as Float32Array);
      tf.dispose([x, y, out]);
      model.dispose();
    }
    expect(relativeMaxDiff(outputs[1], outputs[0])).toBe(0);
    expect(relativeMaxDiff(outputs[2], outputs[0])).toBeLessThan(1e-4);
  });
});
