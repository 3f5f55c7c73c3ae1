// Round trip through real TF.js models: model.toJSON() → importKerasModel → exportKerasModel →
// tf.models.modelFromJSON gives the same layers, shapes and weight counts, and analyzeGraph agrees with TF.js.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { buildTfModel, createTfLayer, registerCustomLayers } from '../../../app/graph/buildModel.ts';
import { layerCatalog } from '../../../app/graph/catalog.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { exportKerasModel } from '../../../app/keras/export.ts';
import { importKerasModel } from '../../../app/keras/import.ts';
import { inputShapes, summarize, tf, useCpu } from './tfjsModels.ts';

const L = tf.layers;
type SymbolicTensor = ReturnType<typeof tf.input>;
const apply = (layer: { apply(x: unknown): unknown }, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor => layer.apply(x) as SymbolicTensor;

/** Real models, between them using every catalog layer type (Subtract is Modelwright's own TF.js class). */
const builders: Record<string, () => tf.LayersModel> = {
  'Sequential MLP with activations and regularization layers': () => {
    const m = tf.sequential({ name: 'mlp' });
    m.add(L.dense({ units: 16, inputShape: [8], activation: 'relu', kernelInitializer: 'heNormal' }));
    m.add(L.dropout({ rate: 0.25 }));
    m.add(L.dense({ units: 12, useBias: false }));
    m.add(L.leakyReLU({ alpha: 0.1 }));
    m.add(L.gaussianNoise({ stddev: 0.2 }));
    m.add(L.rescaling({ scale: 0.5, offset: -1 }));
    m.add(L.dense({ units: 6, activation: 'selu', kernelInitializer: 'leCunNormal' }));
    m.add(L.activation({ activation: 'softmax' }));
    return m;
  },
  'CNN with every 2D convolution, pooling and reshaping layer': () => {
    const x = tf.input({ shape: [28, 28, 1], name: 'image' });
    let y = apply(L.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }), x);
    y = apply(L.batchNormalization({ momentum: 0.9, epsilon: 0.01 }), y);
    y = apply(L.maxPooling2d({ poolSize: 2 }), y);
    y = apply(L.separableConv2d({ filters: 12, kernelSize: [3, 5], padding: 'same' }), y);
    y = apply(L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2 }), y);
    y = apply(L.averagePooling2d({ poolSize: [2, 2], strides: [1, 1] }), y);
    y = apply(L.zeroPadding2d({ padding: [[1, 2], [0, 1]] }), y);
    y = apply(L.cropping2D({ cropping: [[1, 0], [0, 1]] }), y);
    y = apply(L.upSampling2d({ size: [2, 3], interpolation: 'bilinear' }), y);
    y = apply(L.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, activation: 'tanh' }), y);
    y = apply(L.conv2d({ filters: 6, kernelSize: 3, dilationRate: 2 }), y);
    const a = apply(L.globalMaxPooling2d({}), y);
    const b = apply(L.globalAveragePooling2d({}), y);
    const c = apply(L.flatten({}), apply(L.maxPooling2d({ poolSize: 4 }), y));
    const merged = apply(L.concatenate({}), [a, b, c]);
    return tf.model({ inputs: x, outputs: apply(L.dense({ units: 10, activation: 'softmax' }), merged), name: 'cnn' });
  },
  'text model: embedding, 1D convolution and pooling, recurrent layers and wrappers': () => {
    const x = tf.input({ shape: [20], name: 'tokens' });
    let y = apply(L.embedding({ inputDim: 500, outputDim: 16, maskZero: false }), x);
    y = apply(L.conv1d({ filters: 12, kernelSize: 3, activation: 'relu', strides: 1 }), y);
    y = apply(L.spatialDropout1d({ rate: 0.2 }), y);
    y = apply(L.maxPooling1d({ poolSize: 2 }), y);
    y = apply(L.averagePooling1d({ poolSize: 3, strides: 1, padding: 'same' }), y);
    y = apply(L.bidirectional({ layer: L.lstm({ units: 8, returnSequences: true }) as never, mergeMode: 'sum' }), y);
    y = apply(L.timeDistributed({ layer: L.dense({ units: 5, activation: 'relu' }) }), y);
    y = apply(L.gru({ units: 6, returnSequences: true, recurrentActivation: 'sigmoid' }), y);
    y = apply(L.layerNormalization({ epsilon: 1e-5 }), y);
    const seqMax = apply(L.globalMaxPooling1d({}), y);
    const seqAvg = apply(L.globalAveragePooling1d({}), y);
    const rnn = apply(L.simpleRNN({ units: 4, goBackwards: true }), y);
    const both = apply(L.concatenate({ axis: -1 }), [seqMax, seqAvg, rnn]);
    const lstmOut = apply(L.lstm({ units: 3, unitForgetBias: true }), apply(L.repeatVector({ n: 4 }), both));
    return tf.model({ inputs: x, outputs: lstmOut, name: 'text' });
  },
  'functional model with two inputs, elementwise merges, reshape and permute': () => {
    const a = tf.input({ shape: [12], name: 'left' });
    const b = tf.input({ shape: [12], name: 'right' });
    const da = apply(L.dense({ units: 12, activation: 'relu', name: 'da' }), a);
    const db = apply(L.dense({ units: 12, activation: 'sigmoid', name: 'db' }), b);
    const sum = apply(L.add({}), [da, db]);
    const prod = apply(L.multiply({}), [da, db, sum]);
    const avg = apply(L.average({}), [prod, a]);
    const diff = apply(createTfLayer(tf, 'Subtract', {}, 'diff'), [avg, db]);
    const max = apply(L.maximum({}), [diff, b]);
    const r = apply(L.reshape({ targetShape: [3, 4] }), max);
    const p = apply(L.permute({ dims: [2, 1] }), r);
    const out1 = apply(L.flatten({}), p);
    const out2 = apply(L.dense({ units: 2, name: 'second_output' }), sum);
    return tf.model({ inputs: [a, b], outputs: [out1, out2], name: 'merges' });
  },
  'Transformer: token and position embeddings, self-attention with a causal mask, cross-attention with a key': () => {
    const tokens = tf.input({ shape: [10], name: 'tokens' });
    const context = tf.input({ shape: [6, 5], name: 'context' });
    const keys = tf.input({ shape: [6, 7], name: 'keys' });
    const own = (type: string, params: Record<string, unknown>, name: string) => createTfLayer(tf, type, params as never, name);
    const words = apply(own('TokenAndPositionEmbedding', { vocabularySize: 100, sequenceLength: 10, embeddingDim: 8 }, 'embed'), tokens);
    const positions = apply(own('PositionEmbedding', { sequenceLength: 12 }, 'positions'), words);
    const x = apply(L.add({ name: 'with_positions' }), [words, positions]);
    const self = apply(own('MultiHeadAttention', { numHeads: 2, keyDim: 4, useCausalMask: true }, 'self_attention'), x);
    const cross = apply(own('MultiHeadAttention', { numHeads: 3, keyDim: 2, valueDim: 5, outputShape: 6, dropout: 0.1 }, 'cross_attention'), [self, context, keys]);
    const sine = apply(own('TokenAndPositionEmbedding', { vocabularySize: 50, sequenceLength: 4, embeddingDim: 6, positionEncoding: 'sinusoidal' }, 'sine_embed'), tokens);
    const sineWaves = apply(own('PositionEmbedding', { sequenceLength: 3, positionEncoding: 'sinusoidal' }, 'sine_positions'), sine);
    const sineSum = apply(L.add({ name: 'sine_sum' }), [sine, sineWaves]);
    const pooled = apply(L.concatenate({ name: 'pooled' }), [apply(L.globalAveragePooling1d({ name: 'avg' }), cross), apply(L.globalMaxPooling1d({ name: 'max' }), sineSum)]);
    return tf.model({ inputs: [tokens, context, keys], outputs: apply(L.dense({ units: 3, activation: 'softmax', name: 'out' }), pooled), name: 'transformer' });
  },
};

const types = new Set<string>();
let usedInputLayer = false;

beforeAll(async () => {
  await useCpu();
  registerCustomLayers(tf);
});

afterAll(() => {
  // Every catalog type must appear in some round trip, or this suite is not testing what it claims.
  const missing = layerCatalog.map((d) => d.type).filter((t) => (t === 'Input' ? !usedInputLayer : !types.has(t)));
  expect(missing).toEqual([]);
});

function collectTypes(graph: Graph): void {
  for (const l of graph.layers) {
    if (l.type === 'Input') usedInputLayer = true;
    types.add(l.type);
    const inner = l.params.layer;
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) types.add(inner.type);
  }
}

describe('TF.js model → import → export → TF.js', () => {
  for (const [title, build] of Object.entries(builders)) {
    it(title, async () => {
      const original = build();
      try {
        const json = original.toJSON(null, false) as object;
        const imported = importKerasModel(json);
        expect(imported.warnings).toEqual([]);
        collectTypes(imported.graph);

        // Shape inference agrees with TF.js, layer by layer.
        const analysis = analyzeGraph(imported.graph);
        expect(analysis.errors).toEqual([]);
        const byName = new Map(imported.graph.layers.map((l) => [l.name, l]));
        for (const s of summarize(original)) {
          const layer = byName.get(s.name);
          expect(layer, `layer ${s.name} imported`).toBeDefined();
          expect(layer!.type).toBe(s.className);
          expect(analysis.layers[layer!.id], s.name).toMatchObject({ outputShape: s.outputShape, params: s.params });
        }
        expect(analysis.totalParams).toBe(original.countParams());
        const built = buildTfModel(imported.graph, tf);
        try {
          expect(summarize(built)).toEqual(summarize(original));
        } finally {
          built.dispose();
        }

        // The export loads in TF.js as the same model.
        const exported = exportKerasModel(imported.graph, { name: 'roundtrip', target: 'tfjs' });
        const reloaded = await tf.models.modelFromJSON(exported as never);
        try {
          expect(summarize(reloaded)).toEqual(summarize(original));
          expect(inputShapes(reloaded)).toEqual(inputShapes(original));
          expect(reloaded.outputs.map((t) => t.shape)).toEqual(original.outputs.map((t) => t.shape));
          expect(reloaded.countParams()).toBe(original.countParams());
          // A second round trip is a fixed point: nothing drifts.
          const again = importKerasModel(reloaded.toJSON(null, false) as object);
          expect(again.warnings).toEqual([]);
          expect(exportKerasModel(again.graph, { name: 'roundtrip', target: 'tfjs' })).toEqual(exported);
        } finally {
          reloaded.dispose();
        }
      } finally {
        original.dispose();
      }
    });
  }

  it('writes MultiHeadAttention calls as Python Keras does (value and key as keyword tensors) and reads them back, Keras 3 form too', () => {
    const model = builders['Transformer: token and position embeddings, self-attention with a causal mask, cross-attention with a key']();
    try {
      const { graph } = importKerasModel(model.toJSON(null, false) as object);
      const keras = exportKerasModel(graph, { name: 'transformer' });
      const layer = (name: string) => keras.config.layers.find((l) => l.name === name)!;
      expect(layer('self_attention').inbound_nodes).toEqual([[['with_positions', 0, 0, { value: ['with_positions', 0, 0], use_causal_mask: true }]]]);
      expect(layer('self_attention').config).not.toHaveProperty('use_causal_mask');
      expect(layer('self_attention').config).toMatchObject({ num_heads: 2, key_dim: 4, value_dim: null, use_bias: true, output_shape: null });
      expect(layer('cross_attention').inbound_nodes).toEqual([[['self_attention', 0, 0, { value: ['context', 0, 0], key: ['keys', 0, 0] }]]]);
      expect(layer('positions').config).toMatchObject({ sequence_length: 12, position_encoding: 'learned' });
      expect(layer('sine_positions').config).toMatchObject({ sequence_length: 3, position_encoding: 'sinusoidal' });
      const back = importKerasModel(keras);
      expect(back.warnings).toEqual([]);
      // Export writes layers in build order: compare as sets.
      const sorted = (g: Graph) => ({
        layers: [...g.layers].sort((a, b) => a.name.localeCompare(b.name)),
        connections: [...g.connections].sort((a, b) => `${a.to}/${a.toSlot}`.localeCompare(`${b.to}/${b.toSlot}`)),
      });
      expect(sorted(back.graph)).toEqual(sorted(graph));

      // Keras 3 writes the call's tensors as args (query, value) and kwargs (key, use_causal_mask).
      const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 6, 5], dtype: 'float32', keras_history: [name, 0, 0] } });
      const keras3 = structuredClone(keras) as unknown as { config: { layers: { name: string; inbound_nodes: unknown }[] } };
      keras3.config.layers.find((l) => l.name === 'self_attention')!.inbound_nodes = [{ args: [tensor('with_positions')], kwargs: { value: tensor('with_positions'), use_causal_mask: true } }];
      keras3.config.layers.find((l) => l.name === 'cross_attention')!.inbound_nodes = [{ args: [tensor('self_attention'), tensor('context')], kwargs: { key: tensor('keys') } }];
      const fromKeras3 = importKerasModel(keras3);
      expect(fromKeras3.warnings).toEqual([]);
      expect(sorted(fromKeras3.graph)).toEqual(sorted(graph));
    } finally {
      model.dispose();
    }
  });

  it('accepts the same model as a JSON string and as a TF.js model.json with weightsManifest', async () => {
    const model = builders['Sequential MLP with activations and regularization layers']();
    try {
      const topology = model.toJSON(null, false) as object;
      const asString = importKerasModel(JSON.stringify(topology));
      const modelJson = { format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null,
        modelTopology: topology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] };
      const fromModelJson = importKerasModel(JSON.stringify(modelJson));
      expect(fromModelJson.graph).toEqual(asString.graph);
      expect(fromModelJson.warnings).toEqual([]);
      expect(asString.graph.layers[0]).toMatchObject({ type: 'Input', params: { shape: [8] } });
    } finally {
      model.dispose();
    }
  });

  it('lays out the imported graph without overlaps, inputs above what they feed', async () => {
    const model = builders['functional model with two inputs, elementwise merges, reshape and permute']();
    try {
      const { graph, layout } = importKerasModel(model.toJSON(null, false) as object);
      expect(Object.keys(layout).sort()).toEqual(graph.layers.map((l) => l.id).sort());
      for (const c of graph.connections) expect(layout[c.to].y).toBeGreaterThan(layout[c.from].y);
    } finally {
      model.dispose();
    }
  });
});
