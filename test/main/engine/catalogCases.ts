// A small model around each catalog layer type, built with the studio's own layer factory, for the tests that
// train every layer on one backend (catalogOnWasm, catalogOnWebgpu).
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createTfLayer } from '../../../app/graph/buildModel.ts';
import { layerCatalog } from '../../../app/graph/catalog.ts';
import type { ParamValue } from '../../../app/graph/types.ts';
import { randomData } from './parityHelpers.ts';

export interface Case {
  type: string;
  inputs: number[][];
  params?: Record<string, ParamValue>;
  integerInput?: number;
}

export const CASES: Case[] = [
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
  { type: 'PositionEmbedding', inputs: [[5, 3]], params: { sequenceLength: 2, positionEncoding: 'sinusoidal' } },
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

/** Catalog layer types (other than Input) without a case: must stay empty. */
export function uncoveredTypes(): string[] {
  const covered = new Set(CASES.map((c) => c.type));
  return layerCatalog.map((d) => d.type).filter((t) => t !== 'Input' && !covered.has(t));
}

/** The case's layer between its inputs and a Dense(2) head (flattened first when the layer's output is not flat). */
function buildCase({ type, inputs, params }: Case): tf.LayersModel {
  const ins = inputs.map((shape) => tf.input({ shape }));
  const layerOut = createTfLayer(tf, type, params ?? {}).apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor;
  const flat = layerOut.shape.length > 2 ? tf.layers.flatten().apply(layerOut) as tf.SymbolicTensor : layerOut;
  const out = tf.layers.dense({ units: 2 }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: ins, outputs: out });
}

/** Deterministic inputs (integer ids for embeddings) and targets for a batch of 8. */
function caseData({ inputs, integerInput }: Case) {
  const xs = inputs.map((shape, i) => {
    const d = randomData([8, ...shape], 30 + i);
    return tf.tensor(integerInput ? d.values.map((v) => Math.floor((v + 1) / 2 * integerInput)) : d.values, d.shape);
  });
  const y = tf.tensor(randomData([8, 2], 40).values, [8, 2]);
  return { xs, y };
}

/** Layers whose training-mode output is random (a different stream per backend): compared in inference mode. */
const RANDOM_IN_TRAINING = new Set(['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'MultiHeadAttention']);

/**
 * Loss and every trainable weight's gradient of the case's model on `backend`, from the given weights
 * (taken from a model built once, so every backend starts from the same numbers).
 */
export async function caseLossAndGradients(c: Case, backend: string, weights: Float32Array[]): Promise<{ loss: number; grads: Float32Array[] }> {
  await tf.setBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const model = buildCase(c);
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
  const { xs, y } = caseData(c);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const training = !RANDOM_IN_TRAINING.has(c.type);
  const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(xs.length === 1 ? xs[0] : xs, { training }) as tf.Tensor) as tf.Scalar, vars);
  const result = { loss: (await value.data())[0], grads: await Promise.all(vars.map((v) => grads[v.name].data() as Promise<Float32Array>)) };
  tf.dispose([...xs, y, value, ...Object.values(grads)]);
  model.dispose();
  return result;
}

/** Initial weights of the case's model, built on the active backend. */
export async function caseWeights(c: Case): Promise<Float32Array[]> {
  const model = buildCase(c);
  const weights = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
  model.dispose();
  return weights;
}

/** Takes 3 Adam steps on the active backend; expects finite losses and every trainable weight to move. */
export async function trainCase(c: Case): Promise<void> {
  const model = buildCase(c);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const { xs, y } = caseData(c);
  const before = await Promise.all(model.trainableWeights.map(async (w) => (await w.read().data()).slice()));
  const history = await model.fit(xs.length === 1 ? xs[0] : xs, y, { epochs: 3, batchSize: 8, verbose: 0 });
  const losses = history.history.loss as number[];
  expect(losses.every(Number.isFinite)).toBe(true);
  // Read asynchronously: WebGPU has no synchronous read in Node (tfjs would need an OffscreenCanvas).
  const after = await Promise.all(model.trainableWeights.map((w) => w.read().data()));
  // Every trainable weight moved, so every gradient path (including the layer's own) ran on this backend.
  for (let i = 0; i < before.length; i++) expect(after[i].some((v, j) => v !== before[i][j])).toBe(true);
  tf.dispose([...xs, y]);
  model.dispose();
}
