// Every layer type of the catalog trains on the wasm backend: a small model around each one, built with the
// studio's own layer factory, takes a few Adam steps with finite losses and changed weights.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createTfLayer } from '../../../app/graph/buildModel.ts';
import { layerCatalog } from '../../../app/graph/catalog.ts';
import type { ParamValue } from '../../../app/graph/types.ts';
import { loadBackend } from '../../../main/engine/backends.ts';
import { randomData } from './parityHelpers.ts';

interface Case {
  type: string;
  inputs: number[][];
  params?: Record<string, ParamValue>;
  integerInput?: number;
}

const CASES: Case[] = [
  { type: 'Dense', inputs: [[6]], params: { units: 4, activation: 'relu' } },
  { type: 'Activation', inputs: [[6]], params: { activation: 'tanh' } },
  { type: 'LeakyReLU', inputs: [[6]] },
  { type: 'Conv1D', inputs: [[12, 3]], params: { filters: 4, kernelSize: 3, strides: 2, padding: 'same' } },
  { type: 'Conv2D', inputs: [[8, 8, 2]], params: { filters: 3, kernelSize: 3, activation: 'relu' } },
  { type: 'SeparableConv2D', inputs: [[8, 8, 2]], params: { filters: 3, kernelSize: 3, depthMultiplier: 2 } },
  { type: 'Conv2DTranspose', inputs: [[4, 4, 2]], params: { filters: 3, kernelSize: 3, strides: 2, padding: 'same' } },
  { type: 'DepthwiseConv2D', inputs: [[8, 8, 2]], params: { kernelSize: 3, depthMultiplier: 2 } },
  { type: 'MaxPooling1D', inputs: [[10, 3]], params: { poolSize: 2 } },
  { type: 'MaxPooling2D', inputs: [[8, 8, 2]], params: { poolSize: 2 } },
  { type: 'AveragePooling1D', inputs: [[10, 3]], params: { poolSize: 2 } },
  { type: 'AveragePooling2D', inputs: [[8, 8, 2]], params: { poolSize: 2 } },
  { type: 'GlobalMaxPooling1D', inputs: [[10, 3]] },
  { type: 'GlobalMaxPooling2D', inputs: [[6, 6, 2]] },
  { type: 'GlobalAveragePooling1D', inputs: [[10, 3]] },
  { type: 'GlobalAveragePooling2D', inputs: [[6, 6, 2]] },
  { type: 'Flatten', inputs: [[4, 3]] },
  { type: 'Reshape', inputs: [[12]], params: { targetShape: [3, 4] } },
  { type: 'Permute', inputs: [[4, 3]], params: { dims: [2, 1] } },
  { type: 'RepeatVector', inputs: [[5]], params: { n: 3 } },
  { type: 'UpSampling2D', inputs: [[4, 4, 2]], params: { size: [2, 2] } },
  { type: 'ZeroPadding2D', inputs: [[4, 4, 2]], params: { padding: 1 } },
  { type: 'Cropping2D', inputs: [[6, 6, 2]], params: { cropping: 1 } },
  { type: 'BatchNormalization', inputs: [[6, 6, 2]] },
  { type: 'LayerNormalization', inputs: [[6]] },
  { type: 'Dropout', inputs: [[6]], params: { rate: 0.3 } },
  { type: 'SpatialDropout1D', inputs: [[10, 3]], params: { rate: 0.3 } },
  { type: 'GaussianNoise', inputs: [[6]], params: { stddev: 0.1 } },
  { type: 'Rescaling', inputs: [[6]], params: { scale: 0.5, offset: 1 } },
  { type: 'Embedding', inputs: [[7]], params: { inputDim: 12, outputDim: 4 }, integerInput: 12 },
  { type: 'PositionEmbedding', inputs: [[5, 3]], params: { sequenceLength: 6 } },
  { type: 'TokenAndPositionEmbedding', inputs: [[7]], params: { vocabularySize: 12, sequenceLength: 7, embeddingDim: 4 }, integerInput: 12 },
  { type: 'MultiHeadAttention', inputs: [[5, 4]], params: { numHeads: 2, keyDim: 3, dropout: 0.1, useCausalMask: true } },
  { type: 'SimpleRNN', inputs: [[5, 3]], params: { units: 4 } },
  { type: 'LSTM', inputs: [[5, 3]], params: { units: 4, returnSequences: true } },
  { type: 'GRU', inputs: [[5, 3]], params: { units: 4 } },
  { type: 'Bidirectional', inputs: [[5, 3]], params: { layer: { type: 'LSTM', params: { units: 3 } }, mergeMode: 'concat' } },
  { type: 'TimeDistributed', inputs: [[5, 3]], params: { layer: { type: 'Dense', params: { units: 2 } } } },
  { type: 'Add', inputs: [[6], [6]] },
  { type: 'Subtract', inputs: [[6], [6]] },
  { type: 'Multiply', inputs: [[6], [6]] },
  { type: 'Average', inputs: [[6], [6]] },
  { type: 'Maximum', inputs: [[6], [6]] },
  { type: 'Concatenate', inputs: [[6], [4]] },
];

beforeAll(async () => {
  await loadBackend('wasm');
});

describe('every catalog layer trains on wasm', () => {
  it('has a case for every catalog layer type', () => {
    const covered = new Set(CASES.map((c) => c.type));
    expect(layerCatalog.map((d) => d.type).filter((t) => t !== 'Input' && !covered.has(t))).toEqual([]);
  });

  it.each(CASES)('$type', async ({ type, inputs, params, integerInput }) => {
    expect(tf.getBackend()).toBe('wasm');
    const ins = inputs.map((shape) => tf.input({ shape }));
    const layerOut = createTfLayer(tf, type, params ?? {}).apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor;
    const flat = layerOut.shape.length > 2 ? tf.layers.flatten().apply(layerOut) as tf.SymbolicTensor : layerOut;
    const out = tf.layers.dense({ units: 2 }).apply(flat) as tf.SymbolicTensor;
    const model = tf.model({ inputs: ins, outputs: out });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const xs = inputs.map((shape, i) => {
      const d = randomData([8, ...shape], 30 + i);
      return tf.tensor(integerInput ? d.values.map((v) => Math.floor((v + 1) / 2 * integerInput)) : d.values, d.shape);
    });
    const y = tf.tensor(randomData([8, 2], 40).values, [8, 2]);
    const before = model.trainableWeights.map((w) => w.read().dataSync().slice());
    const history = await model.fit(xs.length === 1 ? xs[0] : xs, y, { epochs: 3, batchSize: 8, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    const after = model.trainableWeights.map((w) => w.read().dataSync());
    // Every trainable weight moved, so every gradient path (including the layer's own) ran on wasm.
    for (let i = 0; i < before.length; i++) expect(after[i].some((v, j) => v !== before[i][j])).toBe(true);
    tf.dispose([...xs, y]);
    model.dispose();
  });
});
