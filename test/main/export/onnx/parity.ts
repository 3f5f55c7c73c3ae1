// Test helper: builds a graph as the studio does (TF.js, random initial weights, Glorot-normal kernels
// plus random biases and normalization statistics so nothing is trivially zero), converts it to ONNX
// and runs both on the same random inputs: ONNX Runtime against TF.js.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { analyzeGraph } from '../../../../app/graph/analyze.ts';
import { buildTfModel, registerCustomLayers } from '../../../../app/graph/buildModel.ts';
import type { Graph, LayerNode } from '../../../../app/graph/types.ts';
import { convertToOnnx, type OnnxConversion } from '../../../../main/export/onnx/convert.ts';
import { weightsByLayer } from '../../../../main/export/onnx/weights.ts';
import { mulberry32 } from '../../../../app/data/split.ts';

export const node = (id: string, type: string, params: LayerNode['params'] = {}): LayerNode => ({ id, type, name: id, params });

/** A chain of layers, each feeding the next. */
export function chain(...layers: LayerNode[]): Graph {
  return { layers, connections: layers.slice(1).map((l, i) => ({ from: layers[i].id, to: l.id, toSlot: 0 })) };
}

export interface Parity {
  conversion: OnnxConversion;
  maxAbsDiff: number;
  tfOutput: Float32Array;
  onnxOutput: Float32Array;
}

/** Replaces zero-initialised weights (biases, BN statistics) with seeded random values. */
export function perturb(model: tf.LayersModel, seed: number): void {
  const random = mulberry32(seed);
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    layer.setWeights(weights.map((w) => {
      const name = w.shape.length;
      void name;
      const values = w.dataSync().map((v) => v + (random() - 0.5) * 0.2);
      return tf.tensor(values, w.shape);
    }));
  }
  // Variances must stay positive.
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const ws = layer.weights.map((v, i) => ({ v, i, t: layer.getWeights()[i] }));
    layer.setWeights(ws.map(({ v, t }) => (v.originalName.endsWith('moving_variance') ? tf.abs(t).add(0.5) : t)));
  }
}

export async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

export function randomInput(graph: Graph, batch: number, seed: number): { data: Float32Array; shape: number[]; int: boolean; vocab: number } {
  const input = graph.layers.find((l) => l.type === 'Input')!;
  const shape = (input.params.shape as number[]).map((d) => d ?? 5);
  const int = input.params.dtype === 'int32';
  const emb = graph.layers.find((l) => l.type === 'Embedding');
  const vocab = (emb?.params.inputDim as number | undefined) ?? 10;
  const random = mulberry32(seed);
  const count = batch * shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  const width = count / batch;
  for (let i = 0; i < count; i++) {
    if (int) {
      // Token ids with padding at the end of some rows, as the tokenizer writes them.
      const row = Math.floor(i / width);
      const pos = i % width;
      data[i] = pos >= width - (row % 4) * Math.floor(width / 4) ? 0 : 1 + Math.floor(random() * (vocab - 1));
    } else {
      data[i] = (random() - 0.5) * 4;
    }
  }
  return { data, shape: [batch, ...shape], int, vocab };
}

/** Converts `graph` (with fresh random weights) and compares ONNX Runtime's output with TF.js's. */
export async function parity(graph: Graph, options: { batch?: number; seed?: number } = {}): Promise<Parity> {
  registerCustomLayers(tf);
  const analysis = analyzeGraph(graph);
  if (!analysis.valid) throw new Error(`test graph invalid: ${analysis.errors.map((e) => e.message).join('; ')}`);
  const model = buildTfModel(graph, tf);
  try {
    perturb(model, options.seed ?? 1);
    const artifacts = await artifactsOf(model);
    const conversion = convertToOnnx({
      topology: artifacts.modelTopology,
      weights: weightsByLayer(artifacts.weightSpecs as never, artifacts.weightData as ArrayBuffer),
      producerVersion: 'test',
    });
    const x = randomInput(graph, options.batch ?? 5, options.seed ?? 1);
    const tfOut = tf.tidy(() => model.predict(tf.tensor(x.data, x.shape, x.int ? 'int32' : 'float32')) as tf.Tensor);
    const tfOutput = new Float32Array(await tfOut.data());
    tfOut.dispose();
    const session = await ort.InferenceSession.create(conversion.bytes);
    try {
      const feed = new ort.Tensor(x.int ? 'int32' : 'float32', x.int ? Int32Array.from(x.data) : x.data, x.shape);
      const result = await session.run({ [conversion.input.name]: feed });
      const onnxOutput = result[conversion.output.name].data as Float32Array;
      let max = onnxOutput.length === tfOutput.length ? 0 : Infinity;
      for (let i = 0; i < tfOutput.length; i++) max = Math.max(max, Math.abs(tfOutput[i] - onnxOutput[i]) || (Number.isNaN(onnxOutput[i]) ? Infinity : 0));
      return { conversion, maxAbsDiff: max, tfOutput, onnxOutput };
    } finally {
      await session.release();
    }
  } finally {
    model.dispose();
  }
}

/** Graphs that together use every catalog layer type in its variants (shared by the ONNX and PyTorch parity tests). */
export const layerCases: [string, Graph][] = [
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
    node('rs', 'Rescaling', { scale: 0.5, offset: -0.25 }),
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
  ['Transformer: token and position embeddings (learned and sine waves), causal self-attention, cross-attention with a key', {
    layers: [
      node('in', 'Input', { shape: [8], dtype: 'int32' }),
      node('tpe', 'TokenAndPositionEmbedding', { vocabularySize: 12, sequenceLength: 8, embeddingDim: 6 }),
      node('pe', 'PositionEmbedding', { sequenceLength: 10 }),
      node('add', 'Add'),
      node('self', 'MultiHeadAttention', { numHeads: 2, keyDim: 3, useCausalMask: true }),
      node('val', 'Dense', { units: 4 }),
      node('cross', 'MultiHeadAttention', { numHeads: 3, keyDim: 2, valueDim: 5, outputShape: 7 }),
      node('sine', 'TokenAndPositionEmbedding', { vocabularySize: 12, sequenceLength: 4, embeddingDim: 7, positionEncoding: 'sinusoidal' }),
      node('sine_pe', 'PositionEmbedding', { sequenceLength: 2, positionEncoding: 'sinusoidal' }),
      node('join', 'Add'),
      node('pool', 'GlobalAveragePooling1D'),
      node('out', 'Dense', { units: 3, activation: 'softmax' }),
    ],
    connections: [
      { from: 'in', to: 'tpe', toSlot: 0 }, { from: 'tpe', to: 'pe', toSlot: 0 }, { from: 'tpe', to: 'add', toSlot: 0 }, { from: 'pe', to: 'add', toSlot: 1 },
      { from: 'add', to: 'self', toSlot: 0 }, { from: 'tpe', to: 'val', toSlot: 0 },
      { from: 'self', to: 'cross', toSlot: 0 }, { from: 'val', to: 'cross', toSlot: 1 }, { from: 'tpe', to: 'cross', toSlot: 2 },
      { from: 'in', to: 'sine', toSlot: 0 }, { from: 'sine', to: 'sine_pe', toSlot: 0 },
      { from: 'cross', to: 'join', toSlot: 0 }, { from: 'sine', to: 'join', toSlot: 1 }, { from: 'sine_pe', to: 'join', toSlot: 2 },
      { from: 'join', to: 'pool', toSlot: 0 }, { from: 'pool', to: 'out', toSlot: 0 },
    ],
  }],
  ['MultiHeadAttention over one axis of a 3-D input, without biases', chain(
    node('in', 'Input', { shape: [3, 4, 5] }),
    node('mha', 'MultiHeadAttention', { numHeads: 2, keyDim: 2, attentionAxes: [2], useBias: false, outputShape: [2, 3] }),
    node('mha2', 'MultiHeadAttention', { numHeads: 1, keyDim: 4 }),
    node('f', 'Flatten'),
    node('out', 'Dense', { units: 2 }),
  )],
];
