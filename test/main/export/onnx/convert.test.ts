// The ONNX converter, layer by layer: each graph is built in TF.js with random weights, converted, run in
// ONNX Runtime (onnxruntime-node) on the same random inputs, and must agree with TF.js within 1e-4 —
// every catalog layer type, channels-last convolutions, recurrent layers with TF.js's hard-sigmoid
// gates, ignored padding, branches; and a clear refusal for what cannot be expressed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { layerCatalog } from '../../../../app/graph/catalog.ts';
import type { Graph } from '../../../../app/graph/types.ts';
import { templates } from '../../../../app/templates/index.ts';
import { OnnxExportError } from '../../../../main/export/onnx/builder.ts';
import { onnxLayerTypes } from '../../../../main/export/onnx/convert.ts';
import { pythonWith } from '../../../app/codegen/fixtures.ts';
import { chain, node, parity } from './parity.ts';

const scratch = mkdtempSync(join(tmpdir(), 'mw-onnx-'));
const written: string[] = [];
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function checkedParity(title: string, graph: Graph, batch?: number) {
  const result = await parity(graph, { batch });
  const file = join(scratch, `${written.length}.onnx`);
  writeFileSync(file, result.conversion.bytes);
  written.push(file);
  return result;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => tf.disposeVariables());

const TOL = 1e-4;

const cases: [string, Graph][] = [
  ['Dense with every activation', chain(
    node('in', 'Input', { shape: [6] }),
    ...['relu', 'relu6', 'sigmoid', 'hardSigmoid', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'linear'].map((a, i) => node(`d${i}`, 'Dense', { units: 6, activation: a })),
    node('out', 'Dense', { units: 3, activation: 'softmax' }),
  )],
  ['Conv2D valid/same, strides, dilation, pooling, Flatten', chain(
    node('in', 'Input', { shape: [12, 10, 3] }),
    node('c1', 'Conv2D', { filters: 4, kernelSize: [3, 2], activation: 'relu' }),
    node('c2', 'Conv2D', { filters: 5, kernelSize: 3, strides: 2, padding: 'same' }),
    node('c3', 'Conv2D', { filters: 3, kernelSize: 2, dilationRate: 2, padding: 'same', useBias: false }),
    node('mp', 'MaxPooling2D', { poolSize: 2, padding: 'same' }),
    node('ap', 'AveragePooling2D', { poolSize: [2, 1], strides: 1, padding: 'same' }),
    node('f', 'Flatten'),
    node('out', 'Dense', { units: 2 }),
  )],
  ['Depthwise, separable and transposed convolutions, upsampling, padding, cropping', chain(
    node('in', 'Input', { shape: [9, 8, 2] }),
    node('dw', 'DepthwiseConv2D', { kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
    node('sep', 'SeparableConv2D', { filters: 4, kernelSize: 3, strides: 2, activation: 'relu' }),
    node('tr', 'Conv2DTranspose', { filters: 3, kernelSize: 3, strides: 2, padding: 'same' }),
    node('tr2', 'Conv2DTranspose', { filters: 2, kernelSize: 2, strides: 3 }),
    node('up', 'UpSampling2D', { size: [2, 1] }),
    node('upb', 'UpSampling2D', { size: [1, 2], interpolation: 'bilinear' }),
    node('zp', 'ZeroPadding2D', { padding: [[1, 0], [2, 1]] }),
    node('cr', 'Cropping2D', { cropping: [[0, 2], [1, 0]] }),
    node('gmp', 'GlobalMaxPooling2D'),
  )],
  ['Conv1D, 1-D pooling, normalization, reshaping', chain(
    node('in', 'Input', { shape: [10, 3] }),
    node('c', 'Conv1D', { filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh' }),
    node('bn', 'BatchNormalization'),
    node('ln', 'LayerNormalization'),
    node('mp', 'MaxPooling1D', { poolSize: 2 }),
    node('ap', 'AveragePooling1D', { poolSize: 2, strides: 1, padding: 'same' }),
    node('p', 'Permute', { dims: [2, 1] }),
    node('r', 'Reshape', { targetShape: [-1, 2] }),
    node('gap', 'GlobalAveragePooling1D'),
    node('rv', 'RepeatVector', { n: 3 }),
    node('td', 'TimeDistributed', { layer: { type: 'Dense', params: { units: 2, activation: 'relu' } } }),
    node('gmp', 'GlobalMaxPooling1D'),
    node('lr', 'LeakyReLU', { alpha: 0.2 }),
    node('act', 'Activation', { activation: 'softmax' }),
  )],
  ['Dropout, SpatialDropout1D and GaussianNoise are identities at inference', chain(
    node('in', 'Input', { shape: [5, 4] }),
    node('sd', 'SpatialDropout1D', { rate: 0.3 }),
    node('gn', 'GaussianNoise', { stddev: 0.5 }),
    node('f', 'Flatten'),
    node('d', 'Dropout', { rate: 0.4 }),
    node('out', 'Dense', { units: 2, activation: 'sigmoid' }),
  )],
  ['LSTM, GRU and SimpleRNN (sequences, backwards, TF.js gate activations)', chain(
    node('in', 'Input', { shape: [7, 3] }),
    node('lstm', 'LSTM', { units: 5, returnSequences: true }),
    node('gru', 'GRU', { units: 4, returnSequences: true, goBackwards: true }),
    node('rnn', 'SimpleRNN', { units: 3, returnSequences: true, activation: 'relu' }),
    node('lstm2', 'LSTM', { units: 4, goBackwards: true, recurrentActivation: 'sigmoid' }),
  )],
  ['Bidirectional in every merge mode', {
    layers: [
      node('in', 'Input', { shape: [6, 3] }),
      node('cat', 'Bidirectional', { layer: { type: 'LSTM', params: { units: 4, returnSequences: true } } }),
      node('sum', 'Bidirectional', { layer: { type: 'GRU', params: { units: 3, returnSequences: true } }, mergeMode: 'sum' }),
      node('mul', 'Bidirectional', { layer: { type: 'SimpleRNN', params: { units: 3 } }, mergeMode: 'mul' }),
      node('ave', 'Bidirectional', { layer: { type: 'LSTM', params: { units: 3 } }, mergeMode: 'ave' }),
      node('join', 'Concatenate'),
    ],
    connections: [
      { from: 'in', to: 'cat', toSlot: 0 }, { from: 'cat', to: 'sum', toSlot: 0 },
      { from: 'sum', to: 'mul', toSlot: 0 }, { from: 'sum', to: 'ave', toSlot: 0 },
      { from: 'mul', to: 'join', toSlot: 0 }, { from: 'ave', to: 'join', toSlot: 1 },
    ],
  }],
  ['Embedding that ignores padding, into LSTM and Bidirectional GRU', {
    layers: [
      node('in', 'Input', { shape: [8], dtype: 'int32' }),
      node('emb', 'Embedding', { inputDim: 30, outputDim: 6, maskZero: true }),
      node('lstm', 'LSTM', { units: 5 }),
      node('bi', 'Bidirectional', { layer: { type: 'GRU', params: { units: 3 } } }),
      node('back', 'LSTM', { units: 4, goBackwards: true }),
      node('join', 'Concatenate'),
    ],
    connections: [
      { from: 'in', to: 'emb', toSlot: 0 }, { from: 'emb', to: 'lstm', toSlot: 0 }, { from: 'emb', to: 'bi', toSlot: 0 },
      { from: 'emb', to: 'back', toSlot: 0 }, { from: 'lstm', to: 'join', toSlot: 0 }, { from: 'bi', to: 'join', toSlot: 1 }, { from: 'back', to: 'join', toSlot: 2 },
    ],
  }],
  ['a branching model: every merge layer', {
    layers: [
      node('in', 'Input', { shape: [5] }),
      node('a', 'Dense', { units: 4, activation: 'relu' }),
      node('b', 'Dense', { units: 4, activation: 'tanh' }),
      node('c', 'Dense', { units: 4 }),
      node('add', 'Add'), node('sub', 'Subtract'), node('mul', 'Multiply'), node('avg', 'Average'), node('max', 'Maximum'),
      node('cat', 'Concatenate'),
      node('out', 'Dense', { units: 3, activation: 'softmax' }),
    ],
    connections: [
      { from: 'in', to: 'a', toSlot: 0 }, { from: 'in', to: 'b', toSlot: 0 }, { from: 'in', to: 'c', toSlot: 0 },
      { from: 'a', to: 'add', toSlot: 0 }, { from: 'b', to: 'add', toSlot: 1 }, { from: 'c', to: 'add', toSlot: 2 },
      { from: 'a', to: 'sub', toSlot: 0 }, { from: 'c', to: 'sub', toSlot: 1 },
      { from: 'b', to: 'mul', toSlot: 0 }, { from: 'c', to: 'mul', toSlot: 1 },
      { from: 'a', to: 'avg', toSlot: 0 }, { from: 'b', to: 'avg', toSlot: 1 },
      { from: 'b', to: 'max', toSlot: 0 }, { from: 'c', to: 'max', toSlot: 1 },
      { from: 'add', to: 'cat', toSlot: 0 }, { from: 'sub', to: 'cat', toSlot: 1 }, { from: 'mul', to: 'cat', toSlot: 2 },
      { from: 'avg', to: 'cat', toSlot: 3 }, { from: 'max', to: 'cat', toSlot: 4 },
      { from: 'cat', to: 'out', toSlot: 0 },
    ],
  }],
];

describe('ONNX conversion agrees with TF.js in ONNX Runtime', () => {
  for (const [title, graph] of cases) {
    it(title, async () => {
      const result = await checkedParity(title, graph);
      expect(result.tfOutput.length).toBeGreaterThan(0);
      expect(result.maxAbsDiff).toBeLessThan(TOL);
    });
  }

  for (const template of templates) {
    it(`template ${template.id}`, async () => {
      const result = await checkedParity(template.id, template.graph, 4);
      expect(result.maxAbsDiff).toBeLessThan(TOL);
    });
  }

  it('covers every catalog layer type (Input is the graph input)', () => {
    const exercised = new Set([...cases.flatMap(([, g]) => g.layers.map((l) => l.type)), ...templates.flatMap((t) => t.graph.layers.map((l) => l.type))]);
    const catalog = layerCatalog.map((d) => d.type).filter((t) => t !== 'Input');
    expect(catalog.filter((t) => !onnxLayerTypes.includes(t))).toEqual([]);
    expect(catalog.filter((t) => !exercised.has(t))).toEqual([]);
  });
});

const onnxPython = pythonWith(['onnx']);
if (!onnxPython) console.warn('[onnx] Debian\'s ONNX checker skipped: no python3 with the onnx module (apt-get install python3-onnx)');

describe.skipIf(!onnxPython)('Debian\'s python3-onnx', () => {
  it('accepts every converted model (onnx.checker with full shape inference; IR 8, opset 17)', () => {
    expect(written.length).toBe(cases.length + templates.length);
    const r = spawnSync(onnxPython!, [new URL('./checkOnnx.py', import.meta.url).pathname, ...written], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; error?: string; ir?: number; opset?: number });
    expect(results.filter((x) => !x.ok)).toEqual([]);
    expect(results.every((x) => x.ir === 8 && x.opset === 17)).toBe(true);
  });
});

describe('refusals', () => {
  it('refuses every-step output of a sequence whose padding is ignored, saying what to change', async () => {
    const graph = chain(
      node('in', 'Input', { shape: [6], dtype: 'int32' }),
      node('emb', 'Embedding', { inputDim: 10, outputDim: 3, maskZero: true }),
      node('seq', 'LSTM', { units: 2, returnSequences: true }),
      node('f', 'Flatten'),
    );
    const err = await parity(graph).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxExportError);
    expect((err as Error).message).toMatch(/layer "seq" \(LSTM\) cannot be exported to ONNX: .*turn "Output every step" off/);
  });

  it('refuses a recurrent activation ONNX lacks', async () => {
    const graph = chain(node('in', 'Input', { shape: [4, 2] }), node('r', 'SimpleRNN', { units: 2, activation: 'gelu' }));
    await expect(parity(graph)).rejects.toThrow(/layer "r" \(SimpleRNN\) cannot be exported to ONNX: ONNX recurrent operators have no "gelu" activation/);
  });
});
