// Shape inference and weight counts of every catalog layer, checked against TF.js itself: the same
// layer is built symbolically with tfjs-layers (tf.input + layer.apply) and its output shape and
// countParams() must equal what analyzeGraph says.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { createTfLayer } from '../../../app/graph/buildModel.ts';
import { layerCatalog } from '../../../app/graph/catalog.ts';
import type { Graph, ParamValue, Shape } from '../../../app/graph/types.ts';

interface Case {
  type: string;
  params: Record<string, ParamValue>;
  inputs: Shape[];
  /** Tensors TF.js itself keeps after the layer is disposed (see where the case is listed). */
  retained?: number;
}

const c = (type: string, inputs: Shape[], params: Record<string, ParamValue> = {}, retained = 0): Case => ({ type, params, inputs, retained });

const cases: Case[] = [
  c('Input', [], { shape: [13] }),
  c('Input', [], { shape: [28, 28, 1] }),
  c('Input', [], { shape: [null, 8], dtype: 'float32' }),

  c('Dense', [[13]], { units: 8 }),
  c('Dense', [[13]], { units: 1, useBias: false, activation: 'sigmoid' }),
  c('Dense', [[5, 7]], { units: 4, activation: 'softmax' }),
  c('Dense', [[null, 6]], { units: 3, kernelInitializer: 'heNormal' }),

  c('Activation', [[10]], { activation: 'relu' }),
  c('Activation', [[4, 4, 3]], { activation: 'swish' }),
  c('Activation', [[7]], { activation: 'softmax' }),
  c('LeakyReLU', [[10]]),
  c('LeakyReLU', [[3, 5]], { alpha: 0.1 }),
  c('Rescaling', [[10]], { scale: 1 / 255 }),
  c('Rescaling', [[4, 4, 3]], { scale: -2, offset: 0.5 }),

  c('Dropout', [[10]], { rate: 0.5 }),
  c('Dropout', [[4, 4, 2]], { rate: 0 }),
  c('SpatialDropout1D', [[12, 6]], { rate: 0.2 }),
  c('SpatialDropout1D', [[null, 6]], { rate: 0.3 }),
  c('GaussianNoise', [[10]], { stddev: 0.1 }),
  c('GaussianNoise', [[8, 8, 3]], { stddev: 1 }),

  c('Flatten', [[28, 28, 1]]),
  c('Flatten', [[5, 7]]),
  c('Reshape', [[784]], { targetShape: [28, 28, 1] }),
  c('Reshape', [[12]], { targetShape: [-1, 3] }),
  c('Reshape', [[null, 4]], { targetShape: [-1, 2, 2] }),
  c('Reshape', [[4, 6]], { targetShape: [24] }),
  c('Permute', [[10, 64]], { dims: [2, 1] }),
  c('Permute', [[2, 3, 4]], { dims: [3, 1, 2] }),
  c('RepeatVector', [[16]], { n: 5 }),
  c('RepeatVector', [[1]], { n: 1 }),

  c('Conv1D', [[100, 16]], { filters: 32, kernelSize: 5 }),
  c('Conv1D', [[100, 16]], { filters: 8, kernelSize: [3], strides: 2, padding: 'same' }),
  c('Conv1D', [[50, 4]], { filters: 4, kernelSize: 3, dilationRate: 2, useBias: false }),
  c('Conv1D', [[null, 4]], { filters: 4, kernelSize: 3 }),
  c('Conv2D', [[28, 28, 1]], { filters: 32, kernelSize: 3, activation: 'relu' }),
  c('Conv2D', [[32, 32, 3]], { filters: 16, kernelSize: [5, 3], strides: [2, 1], padding: 'same' }),
  c('Conv2D', [[17, 17, 3]], { filters: 8, kernelSize: 3, strides: 2, useBias: false }),
  c('Conv2D', [[20, 20, 2]], { filters: 4, kernelSize: 3, dilationRate: [2, 3] }),
  c('Conv2D', [[7, 9, 3]], { filters: 2, kernelSize: [7, 9] }),
  c('SeparableConv2D', [[28, 28, 3]], { filters: 16, kernelSize: 3 }),
  c('SeparableConv2D', [[15, 15, 4]], { filters: 8, kernelSize: [3, 5], strides: 2, padding: 'same', depthMultiplier: 2 }),
  c('SeparableConv2D', [[16, 16, 2]], { filters: 4, kernelSize: 3, dilationRate: 2, useBias: false }),
  c('Conv2DTranspose', [[7, 7, 16]], { filters: 8, kernelSize: 3, strides: 2, padding: 'same' }),
  c('Conv2DTranspose', [[7, 7, 16]], { filters: 8, kernelSize: [4, 3], strides: [2, 3] }),
  c('Conv2DTranspose', [[5, 5, 2]], { filters: 1, kernelSize: 1, useBias: false }),
  c('DepthwiseConv2D', [[28, 28, 3]], { kernelSize: 3 }),
  c('DepthwiseConv2D', [[15, 15, 4]], { kernelSize: [3, 5], strides: 2, padding: 'same', depthMultiplier: 3 }),
  c('DepthwiseConv2D', [[8, 8, 2]], { kernelSize: 2, useBias: false }),

  c('MaxPooling1D', [[100, 8]]),
  c('MaxPooling1D', [[101, 8]], { poolSize: 3, strides: 2 }),
  c('MaxPooling1D', [[9, 8]], { poolSize: [4], padding: 'same' }),
  c('AveragePooling1D', [[100, 8]]),
  c('AveragePooling1D', [[17, 3]], { poolSize: 5, strides: [1], padding: 'valid' }),
  c('MaxPooling2D', [[28, 28, 32]]),
  c('MaxPooling2D', [[27, 27, 8]], { poolSize: 3, strides: 2 }),
  c('MaxPooling2D', [[9, 11, 2]], { poolSize: [2, 3], padding: 'same' }),
  c('AveragePooling2D', [[28, 28, 32]]),
  c('AveragePooling2D', [[10, 10, 1]], { poolSize: [3, 2], strides: [1, 2] }),
  c('GlobalMaxPooling1D', [[50, 16]]),
  c('GlobalMaxPooling1D', [[null, 4]]),
  c('GlobalAveragePooling1D', [[50, 16]]),
  c('GlobalAveragePooling1D', [[1, 2]]),
  c('GlobalMaxPooling2D', [[7, 7, 64]]),
  c('GlobalMaxPooling2D', [[null, null, 3]]),
  c('GlobalAveragePooling2D', [[7, 7, 64]]),
  c('GlobalAveragePooling2D', [[3, 5, 1]]),

  c('UpSampling2D', [[7, 7, 8]]),
  c('UpSampling2D', [[5, 6, 3]], { size: [3, 2], interpolation: 'bilinear' }),
  c('ZeroPadding2D', [[28, 28, 1]]),
  c('ZeroPadding2D', [[10, 10, 3]], { padding: [2, 3] }),
  c('ZeroPadding2D', [[10, 10, 3]], { padding: [[1, 2], [3, 4]] }),
  c('Cropping2D', [[28, 28, 1]], { cropping: 2 }),
  c('Cropping2D', [[10, 12, 3]], { cropping: [1, 2] }),
  c('Cropping2D', [[10, 12, 3]], { cropping: [[0, 3], [4, 1]] }),

  c('BatchNormalization', [[10]]),
  c('BatchNormalization', [[8, 8, 16]], { center: false }),
  c('BatchNormalization', [[5, 7]], { axis: 1, scale: false, momentum: 0.9, epsilon: 0.01 }),
  c('LayerNormalization', [[10]]),
  c('LayerNormalization', [[6, 12]], { center: false, epsilon: 1e-5 }),
  c('LayerNormalization', [[4, 6, 3]], { axis: [1, 2] }),

  c('Embedding', [[20]], { inputDim: 1000, outputDim: 16 }),
  c('Embedding', [[null]], { inputDim: 50, outputDim: 4, maskZero: true }),
  c('Embedding', [[3, 5]], { inputDim: 10, outputDim: 2 }),

  c('PositionEmbedding', [[10, 8]], { sequenceLength: 10 }),
  c('PositionEmbedding', [[6, 4]], { sequenceLength: 20 }),
  c('PositionEmbedding', [[12, 5]], { sequenceLength: 4, positionEncoding: 'sinusoidal' }),
  c('TokenAndPositionEmbedding', [[12]], { vocabularySize: 50, sequenceLength: 12, embeddingDim: 8 }),
  c('TokenAndPositionEmbedding', [[7]], { vocabularySize: 30, sequenceLength: 9, embeddingDim: 6, positionEncoding: 'sinusoidal' }),

  c('MultiHeadAttention', [[8, 16]], { numHeads: 2, keyDim: 4 }),
  c('MultiHeadAttention', [[8, 16], [4, 12]], { numHeads: 3, keyDim: 5, valueDim: 7 }),
  c('MultiHeadAttention', [[8, 16], [4, 12], [4, 6]], { numHeads: 2, keyDim: 3, useBias: false, outputShape: 10 }),
  c('MultiHeadAttention', [[6, 8]], { numHeads: 4, keyDim: 2, useCausalMask: true, dropout: 0.1 }),
  c('MultiHeadAttention', [[3, 4, 5], [3, 6, 5]], { numHeads: 2, keyDim: 2, attentionAxes: [2], outputShape: [2, 3] }),
  c('MultiHeadAttention', [[3, 4, 5]], { numHeads: 1, keyDim: 3 }),

  c('SimpleRNN', [[10, 8]], { units: 16 }),
  c('SimpleRNN', [[10, 8]], { units: 4, returnSequences: true, useBias: false }),
  c('SimpleRNN', [[null, 3]], { units: 2, activation: 'relu', goBackwards: true }),
  c('LSTM', [[10, 8]], { units: 16 }),
  // TF.js's LSTM builds its unitForgetBias start values from 4 tensors it never disposes.
  c('LSTM', [[20, 5]], { units: 7, returnSequences: true, unitForgetBias: true, recurrentActivation: 'sigmoid' }, 4),
  // TF.js's LSTM cell keeps its dropout masks (kept tensors, 4 gates × input and memory) after a call.
  c('LSTM', [[6, 3]], { units: 2, useBias: false, dropout: 0.1, recurrentDropout: 0.2 }, 8),
  c('GRU', [[10, 8]], { units: 16 }),
  c('GRU', [[12, 4]], { units: 6, returnSequences: true }),
  c('GRU', [[12, 4]], { units: 3, useBias: false }),

  c('Bidirectional', [[10, 8]]),
  c('Bidirectional', [[10, 8]], { layer: { type: 'GRU', params: { units: 5, returnSequences: true } }, mergeMode: 'sum' }),
  c('Bidirectional', [[7, 3]], { layer: { type: 'SimpleRNN', params: { units: 4 } }, mergeMode: 'ave' }),
  c('Bidirectional', [[7, 3]], { layer: { type: 'LSTM', params: { units: 2, returnSequences: true } }, mergeMode: 'mul' }),
  c('TimeDistributed', [[10, 8]]),
  c('TimeDistributed', [[10, 8]], { layer: { type: 'Dense', params: { units: 3, activation: 'softmax' } } }),
  c('TimeDistributed', [[4, 5, 6]], { layer: { type: 'Dense', params: { units: 2, useBias: false } } }),

  c('Add', [[8], [8]]),
  c('Add', [[4, 4, 3], [4, 4, 3], [4, 4, 3]]),
  c('Add', [[5, 1], [5, 3]]),
  c('Subtract', [[8], [8]]),
  c('Subtract', [[2, 3], [2, 3]]),
  c('Multiply', [[8], [8]]),
  c('Multiply', [[6, 1], [6, 4]]),
  c('Average', [[8], [8], [8]]),
  c('Average', [[2, 5], [2, 5]]),
  c('Maximum', [[3, 3, 2], [3, 3, 2]]),
  c('Maximum', [[4], [4], [4], [4]]),
  c('Concatenate', [[8], [4]]),
  c('Concatenate', [[5, 8], [5, 4], [5, 1]]),
  c('Concatenate', [[4, 4, 3], [4, 4, 5]], { axis: 3 }),
  c('Concatenate', [[6, 8], [2, 8]], { axis: 1 }),
  c('Concatenate', [[3, 4, 2], [3, 1, 2]], { axis: 2 }),
];

/** Input layers feeding the layer under test, so the case also goes through the whole analysis. */
function graphFor(k: Case): Graph {
  if (k.type === 'Input') return { layers: [{ id: 'x', type: 'Input', name: 'x', params: k.params }, { id: 'y', type: 'Activation', name: 'y', params: {} }], connections: [{ from: 'x', to: 'y', toSlot: 0 }] };
  const layers = k.inputs.map((shape, i) => ({ id: `in${i}`, type: 'Input', name: `in${i}`, params: { shape } }));
  return {
    layers: [...layers, { id: 'x', type: k.type, name: 'x', params: k.params }],
    connections: layers.map((l, i) => ({ from: l.id, to: 'x', toSlot: i })),
  };
}

function label(k: Case): string {
  return `${k.type} ${JSON.stringify(k.params)} on ${k.inputs.map((s) => JSON.stringify(s)).join(' + ') || '(no input)'}`;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  tf.disposeVariables();
});

describe('every catalog layer agrees with TF.js', () => {
  it('has at least two cases per catalog layer', () => {
    const counts = new Map<string, number>();
    for (const k of cases) counts.set(k.type, (counts.get(k.type) ?? 0) + 1);
    const thin = layerCatalog.filter((d) => (counts.get(d.type) ?? 0) < 2).map((d) => d.type);
    expect(thin).toEqual([]);
  });

  it.each(cases.map((k) => [label(k), k] as const))('%s', (_name, k) => {
    const analysis = analyzeGraph(graphFor(k));
    expect(analysis.errors).toEqual([]);
    const ours = analysis.layers.x;

    const before = tf.memory().numTensors;
    if (k.type === 'Input') {
      const input = tf.input({ shape: k.params.shape as number[] });
      expect(ours.outputShape).toEqual(input.shape.slice(1));
      expect(ours.params).toBe(0);
      return;
    }
    const inputs = k.inputs.map((shape) => tf.input({ shape: shape as number[] }));
    const layer = createTfLayer(tf, k.type, k.params, 'x');
    const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;
    expect(ours.outputShape).toEqual(out.shape.slice(1));
    expect(ours.params).toBe(layer.countParams());
    const trainable = layer.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => (a as number) * (b as number), 1)!, 0);
    expect(ours.trainableParams).toBe(trainable);
    if (k.inputs.every((shape) => shape.every((d) => d !== null))) {
      // The real computation must produce the shape promised while building.
      const realShape = tf.tidy(() => {
        const xs = k.inputs.map((shape) => tf.ones([2, ...(shape as number[])]));
        return (layer.apply(xs.length === 1 ? xs[0] : xs) as tf.Tensor).shape;
      });
      // An unknown (null) size is one TF.js only learns when it runs (Reshape's -1).
      expect(realShape.slice(1).map((d, i) => (ours.outputShape?.[i] === null ? null : d))).toEqual(ours.outputShape);
    }
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before + (k.retained ?? 0));
  });
});
