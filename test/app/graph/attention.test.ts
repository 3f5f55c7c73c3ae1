// MultiHeadAttention and the position layers against Keras: output shapes and weight counts from the
// Keras weight shapes written out by hand (keras/src/layers/attention/multi_head_attention.py builds four
// EinsumDense layers), the TF.js layer's weights named and shaped as Keras's, and what attention computes.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { createTfLayer } from '../../../app/graph/buildModel.ts';
import { sineEncoding } from '../../../app/graph/tfjs/positionLayers.ts';
import type { Graph, ParamValue, Shape } from '../../../app/graph/types.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

function graphFor(type: string, inputs: Shape[], params: Record<string, ParamValue>, dtype = 'float32'): Graph {
  const ins = inputs.map((shape, i) => ({ id: `in${i}`, type: 'Input', name: `in${i}`, params: { shape, dtype } }));
  return { layers: [...ins, { id: 'x', type, name: 'x', params }], connections: ins.map((l, i) => ({ from: l.id, to: 'x', toSlot: i })) };
}

interface KerasCase {
  title: string;
  inputs: Shape[];
  params: Record<string, ParamValue>;
  /** Keras's weights for this call, by name, as `layer.weights` lists them. */
  weights: Record<string, number[]>;
  output: Shape;
}

const mhaCases: KerasCase[] = [
  {
    // The example of Keras's docstring: MultiHeadAttention(num_heads=2, key_dim=2)(target [8, 16], source [4, 16]).
    title: 'Keras docstring example (cross-attention)',
    inputs: [[8, 16], [4, 16]],
    params: { numHeads: 2, keyDim: 2 },
    weights: {
      'query/kernel': [16, 2, 2], 'query/bias': [2, 2], 'key/kernel': [16, 2, 2], 'key/bias': [2, 2],
      'value/kernel': [16, 2, 2], 'value/bias': [2, 2], 'attention_output/kernel': [2, 2, 16], 'attention_output/bias': [16],
    },
    output: [8, 16],
  },
  {
    title: 'self-attention (one input), value_dim differs from key_dim',
    inputs: [[10, 12]],
    params: { numHeads: 4, keyDim: 3, valueDim: 5 },
    weights: {
      'query/kernel': [12, 4, 3], 'query/bias': [4, 3], 'key/kernel': [12, 4, 3], 'key/bias': [4, 3],
      'value/kernel': [12, 4, 5], 'value/bias': [4, 5], 'attention_output/kernel': [4, 5, 12], 'attention_output/bias': [12],
    },
    output: [10, 12],
  },
  {
    title: 'separate key, no biases, output_shape 10',
    inputs: [[8, 16], [4, 12], [4, 6]],
    params: { numHeads: 2, keyDim: 3, useBias: false, outputShape: 10 },
    weights: { 'query/kernel': [16, 2, 3], 'key/kernel': [6, 2, 3], 'value/kernel': [12, 2, 3], 'attention_output/kernel': [2, 3, 10] },
    output: [8, 10],
  },
  {
    title: 'attention over axis 2 of a 3-D query, output_shape (2, 3)',
    inputs: [[3, 4, 5], [3, 6, 5]],
    params: { numHeads: 2, keyDim: 2, attentionAxes: [2], outputShape: [2, 3] },
    weights: {
      'query/kernel': [5, 2, 2], 'query/bias': [2, 2], 'key/kernel': [5, 2, 2], 'key/bias': [2, 2],
      'value/kernel': [5, 2, 2], 'value/bias': [2, 2], 'attention_output/kernel': [2, 2, 2, 3], 'attention_output/bias': [2, 3],
    },
    output: [3, 4, 2, 3],
  },
];

describe('MultiHeadAttention: shapes and weights as Keras', () => {
  it.each(mhaCases.map((k) => [k.title, k] as const))('%s', (_title, k) => {
    const analysis = analyzeGraph(graphFor('MultiHeadAttention', k.inputs, k.params));
    expect(analysis.errors).toEqual([]);
    expect(analysis.layers.x.outputShape).toEqual(k.output);
    expect(analysis.layers.x.params).toBe(Object.values(k.weights).reduce((n, s) => n + prod(s), 0));

    const layer = createTfLayer(tf, 'MultiHeadAttention', k.params, 'mha');
    const ins = k.inputs.map((s) => tf.input({ shape: s as number[] }));
    const out = layer.apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor;
    expect(out.shape.slice(1)).toEqual(k.output);
    const weights = Object.fromEntries(layer.weights.map((w) => [w.name.replace(/^mha\//, '').replace(/_\d+$/, ''), w.shape]));
    expect(weights).toEqual(k.weights);
    layer.dispose();
  });

  it('refuses inputs Keras refuses, saying what to change', () => {
    const problem = (inputs: Shape[], params: Record<string, ParamValue> = { numHeads: 2, keyDim: 4 }) =>
      analyzeGraph(graphFor('MultiHeadAttention', inputs, params)).errors.map((e) => `${e.message} | ${e.fix ?? ''}`).join('\n');
    expect(problem([[16]])).toMatch(/needs a sequence \[steps, features\].*\| add an Embedding/);
    expect(problem([[8, 16], [4, 2, 16]])).toMatch(/value \[4, 2, 16\] must have as many dimensions as its query/);
    expect(problem([[8, 16], [4, 16], [5, 16]])).toMatch(/key \[5, 16\] and value \[4, 16\] must have the same number of positions/);
    expect(problem([[3, 4, 5], [2, 6, 5]], { numHeads: 1, keyDim: 2, attentionAxes: 2 })).toMatch(/must match in dimension 1, which is not an attention axis/);
    expect(problem([[8, 16]], { numHeads: 1, keyDim: 2, attentionAxes: 2 })).toMatch(/attention axes 2 must be between 1 and 1/);
    expect(problem([[3, 4, 5]], { numHeads: 1, keyDim: 2, useCausalMask: true })).toMatch(/causal mask works on a sequence/);
    expect(problem([[8, null]])).toMatch(/needs to know the number of features/);
  });
});

describe('MultiHeadAttention: what it computes', () => {
  it('with one input is self-attention: the same as the query given as value and key', () => {
    const x = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 7);
    const layer = createTfLayer(tf, 'MultiHeadAttention', { numHeads: 2, keyDim: 3 }, 'self');
    const once = layer.apply(x) as tf.Tensor;
    const thrice = layer.apply([x, x, x]) as tf.Tensor;
    expect(once.shape).toEqual([2, 5, 6]);
    expect(Array.from(once.dataSync())).toEqual(Array.from(thrice.dataSync()));
    layer.dispose();
  });

  it('with the causal mask, a position is not changed by later positions (and is without it)', () => {
    const x = tf.randomNormal([1, 6, 4], 0, 1, 'float32', 3);
    const later = tf.concat([x.slice([0, 0, 0], [1, 3, 4]), tf.randomNormal([1, 3, 4], 0, 1, 'float32', 4)], 1);
    for (const causal of [true, false]) {
      const layer = createTfLayer(tf, 'MultiHeadAttention', { numHeads: 2, keyDim: 2, useCausalMask: causal }, `c${causal}`);
      const a = (layer.apply(x) as tf.Tensor).slice([0, 0, 0], [1, 3, 4]);
      const b = (layer.apply(later) as tf.Tensor).slice([0, 0, 0], [1, 3, 4]);
      const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      if (causal) expect(diff).toBeLessThan(1e-6);
      else expect(diff).toBeGreaterThan(1e-3);
      layer.dispose();
    }
  });

  it('attends over every position of a 3-D query as over the flattened sequence', () => {
    const x = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 11);
    const grid = createTfLayer(tf, 'MultiHeadAttention', { numHeads: 2, keyDim: 3 }, 'grid');
    const flat = createTfLayer(tf, 'MultiHeadAttention', { numHeads: 2, keyDim: 3 }, 'flat');
    const y = grid.apply(x) as tf.Tensor;
    flat.apply(x.reshape([2, 12, 5]));
    flat.setWeights(grid.getWeights());
    const yFlat = flat.apply(x.reshape([2, 12, 5])) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(y.reshape([2, 12, 5]), yFlat))).dataSync()[0]).toBeLessThan(1e-5);
    grid.dispose();
    flat.dispose();
  });

  it('drops attention only while training', () => {
    const x = tf.randomNormal([2, 8, 4], 0, 1, 'float32', 5);
    const layer = createTfLayer(tf, 'MultiHeadAttention', { numHeads: 1, keyDim: 4, dropout: 0.5 }, 'dropped');
    const a = layer.apply(x) as tf.Tensor;
    const b = layer.apply(x) as tf.Tensor;
    const trained = layer.apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(tf.max(tf.abs(tf.sub(a, trained))).dataSync()[0]).toBeGreaterThan(1e-3);
    layer.dispose();
  });
});

describe('position layers', () => {
  it('count weights as keras_hub: PositionEmbedding sequence_length × features, TokenAndPositionEmbedding both tables', () => {
    const pe = analyzeGraph(graphFor('PositionEmbedding', [[10, 8]], { sequenceLength: 16 }));
    expect(pe.layers.x).toMatchObject({ outputShape: [10, 8], params: 16 * 8 });
    const tpe = analyzeGraph(graphFor('TokenAndPositionEmbedding', [[10]], { vocabularySize: 100, sequenceLength: 10, embeddingDim: 8 }, 'int32'));
    expect(tpe.errors).toEqual([]);
    expect(tpe.layers.x).toMatchObject({ outputShape: [10, 8], params: 100 * 8 + 10 * 8 });
    const sine = analyzeGraph(graphFor('TokenAndPositionEmbedding', [[10]], { vocabularySize: 100, sequenceLength: 4, embeddingDim: 8, positionEncoding: 'sinusoidal' }, 'int32'));
    expect(sine.layers.x).toMatchObject({ outputShape: [10, 8], params: 100 * 8 });
    const peSine = analyzeGraph(graphFor('PositionEmbedding', [[10, 8]], { sequenceLength: 16, positionEncoding: 'sinusoidal' }));
    expect(peSine.errors).toEqual([]);
    expect(peSine.layers.x).toMatchObject({ outputShape: [10, 8], params: 0 });
    expect(peSine.totalParams).toBe(0);
  });

  it('sine waves fit any length: a sinusoidal PositionEmbedding takes more steps than sequenceLength', () => {
    const analysis = analyzeGraph(graphFor('PositionEmbedding', [[20, 8]], { sequenceLength: 16, positionEncoding: 'sinusoidal' }));
    expect(analysis.errors).toEqual([]);
    expect(analysis.layers.x).toMatchObject({ outputShape: [20, 8], params: 0 });
  });

  it('a sinusoidal PositionEmbedding outputs the same numbers as a sinusoidal TokenAndPositionEmbedding adds, for every batch row, with no weights', () => {
    const [steps, dim] = [7, 6];
    const pe = createTfLayer(tf, 'PositionEmbedding', { sequenceLength: 2, positionEncoding: 'sinusoidal' }, 'pe_sine');
    const x = tf.randomNormal([3, steps, dim], 0, 1, 'float32', 11);
    const waves = pe.apply(x) as tf.Tensor;
    expect(pe.getWeights()).toHaveLength(0);
    expect(pe.countParams()).toBe(0);
    expect(waves.shape).toEqual([3, steps, dim]);
    // TokenAndPositionEmbedding with all-zero word vectors outputs its position table alone.
    const tpe = createTfLayer(tf, 'TokenAndPositionEmbedding', { vocabularySize: 4, sequenceLength: 2, embeddingDim: dim, positionEncoding: 'sinusoidal' }, 'tpe_sine');
    const ids = tf.zeros([1, steps], 'int32');
    tpe.apply(ids);
    tpe.setWeights([tf.zeros([4, dim])]);
    const table = Array.from((tpe.apply(ids) as tf.Tensor).dataSync());
    const values = Array.from(waves.dataSync());
    for (let row = 0; row < 3; row++) expect(values.slice(row * steps * dim, (row + 1) * steps * dim)).toEqual(table);
    expect(table).toEqual(Array.from(sineEncoding(steps, dim)));
    // Position 1, feature 0: sin(1); feature 1: cos(1).
    expect(values[dim]).toBeCloseTo(Math.sin(1), 6);
    expect(values[dim + 1]).toBeCloseTo(Math.cos(1), 6);
    tf.dispose([x, waves, ids]);
    pe.dispose();
    tpe.dispose();
  });

  it('refuse a sequence longer than the learned positions', () => {
    const errors = analyzeGraph(graphFor('PositionEmbedding', [[20, 8]], { sequenceLength: 16 })).errors;
    expect(errors[0]).toMatchObject({ message: expect.stringMatching(/knows 16 positions but its input \[20, 8\] has 20 steps/), fix: 'set sequenceLength to at least 20' });
  });

  it('sine encoding as keras_hub SinePositionEncoding: sin on even features, cos on odd, wavelengths growing to 10000', () => {
    const e = sineEncoding(3, 4);
    // Position 0: sin 0 = 0, cos 0 = 1.
    expect(Array.from(e.slice(0, 4))).toEqual([0, 1, 0, 1]);
    // Position 2, features 2 and 3: angle 2 / 10000^(2/4) = 0.02.
    expect(e[2 * 4 + 2]).toBeCloseTo(Math.sin(0.02), 6);
    expect(e[2 * 4 + 3]).toBeCloseTo(Math.cos(0.02), 6);
  });

  it('TokenAndPositionEmbedding adds the position table to the word vectors', () => {
    const layer = createTfLayer(tf, 'TokenAndPositionEmbedding', { vocabularySize: 5, sequenceLength: 3, embeddingDim: 2 }, 'tpe');
    const ids = tf.tensor2d([[1, 1, 4]], [1, 3], 'int32');
    layer.apply(ids);
    const words = tf.tensor2d([0, 0, 1, 1, 2, 2, 3, 3, 4, 4], [5, 2]);
    const positions = tf.tensor2d([10, 20, 30, 40, 50, 60], [3, 2]);
    layer.setWeights([words, positions]);
    expect(Array.from((layer.apply(ids) as tf.Tensor).dataSync())).toEqual([11, 21, 31, 41, 54, 64]);
    layer.dispose();
  });
});
