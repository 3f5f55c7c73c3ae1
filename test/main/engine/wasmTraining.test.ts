// End to end: models using each layer whose gradient needs an added or replaced wasm kernel get the same
// gradients on wasm as on cpu, and their loss goes down when trained on wasm.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createTfLayer } from '../../../app/graph/buildModel.ts';
import type { ParamValue } from '../../../app/graph/types.ts';
import { loadBackend } from '../../../main/engine/backends.ts';
import { randomData, relativeMaxDiff } from './parityHelpers.ts';

const L = tf.layers;
const own = (type: string, params: Record<string, ParamValue>) => createTfLayer(tf, type, params);
interface Case {
  name: string;
  input: number[];
  /** The layers between the input and the Dense(3) head, in a chain... */
  layers?: () => tf.layers.Layer[];
  /** ...or, for layers that join branches, the functional graph from the input to the head. */
  body?: (x: tf.SymbolicTensor) => tf.SymbolicTensor;
  integerInput?: number;
}

const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;

/** Word vectors plus keras_hub's fixed sine waves (PositionEmbedding with no weights, joined by Add), then attention. */
function sineWavesAndAttention(x: tf.SymbolicTensor): tf.SymbolicTensor {
  const words = apply(L.embedding({ inputDim: 10, outputDim: 4 }), x);
  const waves = apply(own('PositionEmbedding', { sequenceLength: 6, positionEncoding: 'sinusoidal' }), words);
  return apply(L.globalAveragePooling1d(), apply(own('MultiHeadAttention', { numHeads: 2, keyDim: 2 }), apply(L.add(), [words, waves])));
}

const CASES: Case[] = [
  { name: 'Conv1D', input: [12, 3], layers: () => [L.conv1d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), L.flatten()] },
  { name: 'Conv2D + MaxPooling2D', input: [9, 9, 2], layers: () => [L.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), L.maxPooling2d({ poolSize: 2 }), L.flatten()] },
  { name: 'SeparableConv2D', input: [8, 8, 3], layers: () => [L.separableConv2d({ filters: 5, kernelSize: 3, depthMultiplier: 2, padding: 'same' }), L.flatten()] },
  { name: 'DepthwiseConv2D', input: [8, 8, 3], layers: () => [L.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2 }), L.flatten()] },
  { name: 'Conv2DTranspose', input: [5, 5, 2], layers: () => [L.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), L.flatten()] },
  { name: 'Embedding', input: [6], integerInput: 10, layers: () => [L.embedding({ inputDim: 10, outputDim: 4 }), L.flatten()] },
  { name: 'LSTM', input: [5, 3], layers: () => [L.lstm({ units: 6 })] },
  { name: 'GRU', input: [5, 3], layers: () => [L.gru({ units: 6 })] },
  // Attention: batched matmuls of the heads, softmax, the causal mask, reshapes and transposes.
  { name: 'MultiHeadAttention', input: [6, 4], layers: () => [own('MultiHeadAttention', { numHeads: 2, keyDim: 3, useCausalMask: true }), L.flatten()] },
  { name: 'MultiHeadAttention over two axes', input: [3, 4, 5], layers: () => [own('MultiHeadAttention', { numHeads: 2, keyDim: 2, attentionAxes: [1, 2], outputShape: 3 }), L.flatten()] },
  { name: 'TokenAndPositionEmbedding + attention', input: [6], integerInput: 10, layers: () => [own('TokenAndPositionEmbedding', { vocabularySize: 10, sequenceLength: 6, embeddingDim: 4 }), own('MultiHeadAttention', { numHeads: 2, keyDim: 2 }), L.layerNormalization(), L.globalAveragePooling1d()] },
  { name: 'PositionEmbedding', input: [5, 3], layers: () => [own('PositionEmbedding', { sequenceLength: 8 }), L.flatten()] },
  { name: 'Embedding + sinusoidal PositionEmbedding (Add) + attention', input: [6], integerInput: 10, body: sineWavesAndAttention },
  { name: 'BatchNormalization', input: [6, 6, 2], layers: () => [L.conv2d({ filters: 3, kernelSize: 1 }), L.batchNormalization(), L.averagePooling2d({ poolSize: 2 }), L.flatten()] },
];

function build(c: Case): tf.LayersModel {
  if (c.body) {
    const x = tf.input({ shape: c.input });
    return tf.model({ inputs: x, outputs: apply(L.dense({ units: 3 }), c.body(x)) });
  }
  const model = tf.sequential();
  model.add(L.inputLayer({ inputShape: c.input }));
  for (const layer of c.layers!()) model.add(layer);
  model.add(L.dense({ units: 3 }));
  return model;
}

function data(c: Case, batch: number) {
  const xd = randomData([batch, ...c.input], 21);
  const values = c.integerInput ? xd.values.map((v) => Math.floor((v + 1) / 2 * c.integerInput!)) : xd.values;
  return { x: tf.tensor(values, xd.shape), y: tf.tensor(randomData([batch, 3], 22).values, [batch, 3]) };
}

async function lossAndGradients(c: Case, backend: 'cpu' | 'wasm', weights: Float32Array[]) {
  await tf.setBackend(backend);
  const model = build(c);
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
  const { x, y } = data(c, 4);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
  const result = { loss: (await value.data())[0], grads: await Promise.all(vars.map((v) => grads[v.name].data() as Promise<Float32Array>)) };
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return result;
}

beforeAll(async () => {
  await loadBackend('wasm');
});

describe('training on wasm', () => {
  it.each(CASES)('$name: gradients match the cpu backend', async (c) => {
    await tf.setBackend('cpu');
    const reference = build(c);
    const weights = await Promise.all(reference.getWeights().map((w) => w.data() as Promise<Float32Array>));
    reference.dispose();
    const cpu = await lossAndGradients(c, 'cpu', weights);
    const wasm = await lossAndGradients(c, 'wasm', weights);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4 * Math.max(1, cpu.loss));
    expect(wasm.grads.length).toBe(cpu.grads.length);
    for (let i = 0; i < cpu.grads.length; i++) {
      // A gradient that is identically zero would make the comparison vacuous.
      expect(cpu.grads[i].some((v) => v !== 0)).toBe(true);
      expect(relativeMaxDiff(wasm.grads[i], cpu.grads[i])).toBeLessThan(1e-3);
    }
  });

  it.each(CASES)('$name: loss goes down over a few steps', async (c) => {
    await tf.setBackend('wasm');
    const model = build(c);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const { x, y } = data(c, 16);
    const history = await model.fit(x, y, { epochs: 8, batchSize: 16, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('memory on wasm', () => {
  it('the added and replaced kernels free every intermediate buffer over many training steps', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({ layers: [
      L.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [10, 10, 2] }),
      L.maxPooling2d({ poolSize: 2 }),
      L.separableConv2d({ filters: 4, kernelSize: 2, padding: 'same' }),
      L.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 }),
      L.flatten(),
      L.dense({ units: 8, activation: 'relu' }),
      L.dense({ units: 3 }),
    ] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const x = tf.tensor(randomData([8, 10, 10, 2], 50).values, [8, 10, 10, 2]);
    const y = tf.tensor(randomData([8, 3], 51).values, [8, 3]);
    const backend = tf.backend();
    for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
    const buffers = backend.numDataIds();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await model.trainOnBatch(x, y);
    expect(backend.numDataIds()).toBe(buffers);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([x, y]);
    model.dispose();
  });
});
