// Importing Python Keras files (Keras 2 and Keras 3 `model.to_json()`, written here by hand in each
// version's exact format), what gets warned about, and clear errors for malformed input.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { exportKerasModel } from '../../../app/keras/export.ts';
import { importKerasModel, KerasImportError } from '../../../app/keras/import.ts';
import { summarize, tf, useCpu } from './tfjsModels.ts';

beforeAll(useCpu);

// ---- Keras 2 (tf.keras 2.13–2.15: `module`/`registered_name` on objects, nested-list inbound_nodes) ----

const k2init = (className: string, config: object = { seed: null }) =>
  ({ module: 'keras.initializers', class_name: className, config, registered_name: null });

function k2Dense(name: string, units: number, activation: string, extra: object = {}) {
  return {
    module: 'keras.layers', class_name: 'Dense', registered_name: null,
    config: {
      name, trainable: true, dtype: 'float32', units, activation, use_bias: true,
      kernel_initializer: k2init('GlorotUniform'), bias_initializer: k2init('Zeros', {}),
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
      ...extra,
    },
  };
}

const keras2SequentialMlp = {
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    layers: [
      { module: 'keras.layers', class_name: 'InputLayer', registered_name: null,
        config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'dense_input' } },
      k2Dense('dense', 16, 'relu'),
      { module: 'keras.layers', class_name: 'Dropout', registered_name: null,
        config: { name: 'dropout', trainable: true, dtype: 'float32', rate: 0.2, noise_shape: null, seed: null } },
      k2Dense('dense_1', 3, 'softmax'),
    ],
  },
  keras_version: '2.15.0',
  backend: 'tensorflow',
};

/** Keras 2.2–2.3 style: no module fields, no InputLayer (the first layer carries batch_input_shape). */
const keras2SequentialCnn = {
  class_name: 'Sequential',
  config: {
    name: 'digits',
    layers: [
      { class_name: 'Conv2D', config: {
        name: 'conv2d', trainable: true, batch_input_shape: [null, 28, 28, 1], dtype: 'float32', filters: 8,
        kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1],
        groups: 1, activation: 'relu', use_bias: true,
        kernel_initializer: { class_name: 'HeNormal', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } }, bias_regularizer: null, activity_regularizer: null,
        kernel_constraint: null, bias_constraint: null } },
      { class_name: 'MaxPooling2D', config: {
        name: 'max_pooling2d', trainable: true, dtype: 'float32', pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' } },
      { class_name: 'Conv2D', config: {
        name: 'conv2d_1', trainable: true, dtype: 'float32', filters: 16, kernel_size: [3, 3], strides: [2, 2], padding: 'same',
        data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: false,
        kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } },
      { class_name: 'Flatten', config: { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' } },
      k2Dense('dense', 10, 'softmax'),
    ],
  },
  keras_version: '2.3.1',
  backend: 'tensorflow',
};

const keras2FunctionalConcat = {
  class_name: 'Functional',
  config: {
    name: 'model',
    layers: [
      { class_name: 'InputLayer', name: 'numbers', inbound_nodes: [],
        config: { batch_input_shape: [null, 8], dtype: 'float32', sparse: false, ragged: false, name: 'numbers' } },
      { class_name: 'InputLayer', name: 'flags', inbound_nodes: [],
        config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'flags' } },
      { ...k2Dense('dense_a', 6, 'tanh'), name: 'dense_a', inbound_nodes: [[['numbers', 0, 0, {}]]] },
      { ...k2Dense('dense_b', 2, 'relu'), name: 'dense_b', inbound_nodes: [[['flags', 0, 0, {}]]] },
      { class_name: 'Concatenate', name: 'concatenate', inbound_nodes: [[['dense_a', 0, 0, {}], ['dense_b', 0, 0, {}]]],
        config: { name: 'concatenate', trainable: true, dtype: 'float32', axis: -1 } },
      { ...k2Dense('out', 1, 'sigmoid'), name: 'out', inbound_nodes: [[['concatenate', 0, 0, {}]]] },
    ],
    input_layers: [['numbers', 0, 0], ['flags', 0, 0]],
    output_layers: [['out', 0, 0]],
  },
  keras_version: '2.11.0',
  backend: 'tensorflow',
};

// ---- Keras 3 (`module`/`registered_name`, DTypePolicy objects, build_config, args/keras_history nodes) ----

const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const k3init = (className: string, config: object = { seed: null }) =>
  ({ module: 'keras.initializers', class_name: className, config, registered_name: null });
const k3tensor = (shape: (number | null)[], from: string) =>
  ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [from, 0, 0] } });
const k3node = (...args: unknown[]) => [{ args, kwargs: {} }];

function k3Layer(className: string, name: string, config: object, inputShape: unknown, inbound?: unknown) {
  return {
    module: 'keras.layers', class_name: className, registered_name: null,
    config: { name, trainable: true, dtype: policy, ...config },
    build_config: { input_shape: inputShape },
    ...(inbound === undefined ? {} : { name, inbound_nodes: inbound }),
  };
}

function k3Dense(name: string, units: number, activation: string, inputShape: unknown, inbound?: unknown) {
  return k3Layer('Dense', name, {
    units, activation, use_bias: true, kernel_initializer: k3init('GlorotUniform'), bias_initializer: k3init('Zeros', {}),
    kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null,
  }, inputShape, inbound);
}

const k3Input = (name: string, batchShape: (number | null)[], functional: boolean) => ({
  module: 'keras.layers', class_name: 'InputLayer', registered_name: null,
  config: { batch_shape: batchShape, dtype: 'float32', sparse: false, name },
  ...(functional ? { name, inbound_nodes: [] } : {}),
});

const keras3SequentialMlp = {
  module: 'keras', class_name: 'Sequential', registered_name: null,
  config: {
    name: 'sequential', trainable: true, dtype: policy,
    layers: [
      k3Input('input_layer', [null, 4], false),
      k3Dense('dense', 16, 'relu', [null, 4]),
      k3Layer('LeakyReLU', 'leaky_re_lu', { negative_slope: 0.2 }, [null, 16]),
      k3Layer('Dropout', 'dropout', { rate: 0.2, seed: null, noise_shape: null }, [null, 16]),
      k3Dense('dense_1', 3, 'softmax', [null, 16]),
    ],
    build_input_shape: [null, 4],
  },
  build_config: { input_shape: [null, 4] },
  compile_config: { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] },
};

const keras3FunctionalConcat = {
  module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
  config: {
    name: 'functional', trainable: true,
    layers: [
      k3Input('numbers', [null, 8], true),
      k3Input('flags', [null, 4], true),
      k3Dense('dense_a', 6, 'tanh', [null, 8], k3node(k3tensor([null, 8], 'numbers'))),
      k3Dense('dense_b', 2, 'relu', [null, 4], k3node(k3tensor([null, 4], 'flags'))),
      k3Layer('Concatenate', 'concatenate', { axis: -1 }, [[null, 6], [null, 2]],
        k3node([k3tensor([null, 6], 'dense_a'), k3tensor([null, 2], 'dense_b')])),
      k3Dense('out', 1, 'sigmoid', [null, 8], k3node(k3tensor([null, 8], 'concatenate'))),
    ],
    input_layers: [['numbers', 0, 0], ['flags', 0, 0]],
    output_layers: [['out', 0, 0]],
  },
  build_config: { input_shape: null },
};

const k3conv = (name: string, filters: number, inputShape: unknown, from: string, extra: object = {}) =>
  k3Layer('Conv2D', name, {
    filters, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1],
    groups: 1, activation: 'relu', use_bias: true, kernel_initializer: k3init('HeUniform'), bias_initializer: k3init('Zeros', {}),
    kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null, ...extra,
  }, inputShape, k3node(k3tensor(inputShape as number[], from)));

/** Keras 3 writes a single input/output as a bare [name, 0, 0] rather than a list of them. */
const keras3FunctionalCnn = {
  module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
  config: {
    name: 'cnn', trainable: true,
    layers: [
      k3Input('image', [null, 32, 32, 3], true),
      k3conv('conv2d', 8, [null, 32, 32, 3], 'image'),
      k3Layer('BatchNormalization', 'batch_normalization', {
        axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, beta_initializer: k3init('Zeros', {}),
        gamma_initializer: k3init('Ones', {}), moving_mean_initializer: k3init('Zeros', {}), moving_variance_initializer: k3init('Ones', {}),
        beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null, synchronized: false,
      }, [null, 32, 32, 8], k3node(k3tensor([null, 32, 32, 8], 'conv2d'))),
      k3Layer('MaxPooling2D', 'max_pooling2d', { pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' },
        [null, 32, 32, 8], k3node(k3tensor([null, 32, 32, 8], 'batch_normalization'))),
      k3conv('conv2d_1', 16, [null, 16, 16, 8], 'max_pooling2d'),
      k3Layer('GlobalAveragePooling2D', 'global_average_pooling2d', { data_format: 'channels_last', keepdims: false },
        [null, 16, 16, 16], k3node(k3tensor([null, 16, 16, 16], 'conv2d_1'))),
      k3Dense('predictions', 5, 'softmax', [null, 16], k3node(k3tensor([null, 16], 'global_average_pooling2d'))),
    ],
    input_layers: ['image', 0, 0],
    output_layers: ['predictions', 0, 0],
  },
};

// ---- helpers ---------------------------------------------------------------------------------------

function byName(graph: Graph, name: string) {
  const layer = graph.layers.find((l) => l.name === name);
  if (!layer) throw new Error(`no layer ${name}`);
  return layer;
}

/** The analysis of `graph` matches what TF.js builds from `topology`, layer by layer. */
async function expectAnalysisMatchesTfjs(graph: Graph, topology: object): Promise<void> {
  const analysis = analyzeGraph(graph);
  expect(analysis.errors).toEqual([]);
  const model = await tf.models.modelFromJSON(topology as never);
  try {
    for (const s of summarize(model)) {
      const layer = byName(graph, s.name);
      expect(layer.type).toBe(s.className);
      expect(analysis.layers[layer.id], s.name).toMatchObject({ outputShape: s.outputShape, params: s.params });
    }
    expect(analysis.totalParams).toBe(model.countParams());
  } finally {
    model.dispose();
  }
}

const fixtures: [string, object][] = [
  ['Keras 2 Sequential MLP', keras2SequentialMlp],
  ['Keras 2 Sequential CNN without InputLayer', keras2SequentialCnn],
  ['Keras 2 functional model with Concatenate', keras2FunctionalConcat],
  ['Keras 3 Sequential MLP', keras3SequentialMlp],
  ['Keras 3 functional model with Concatenate', keras3FunctionalConcat],
  ['Keras 3 functional CNN', keras3FunctionalCnn],
];

describe('importing Python Keras JSON', () => {
  for (const [title, fixture] of fixtures) {
    it(`${title}: its export loads in TF.js and agrees with shape inference`, async () => {
      const { graph } = importKerasModel(JSON.stringify(fixture));
      await expectAnalysisMatchesTfjs(graph, exportKerasModel(graph));
    });
  }

  it('reads Keras 2 files that TF.js itself can load the same way', async () => {
    // TF.js reads Keras 2 topologies directly: an independent check of what the importer made of them.
    for (const fixture of [keras2SequentialMlp, keras2SequentialCnn, keras2FunctionalConcat]) {
      const { graph } = importKerasModel(fixture);
      await expectAnalysisMatchesTfjs(graph, fixture);
    }
  });

  it('Keras 2 Sequential MLP: layers, parameters and connections', () => {
    const { graph, warnings } = importKerasModel(keras2SequentialMlp);
    expect(graph.layers.map((l) => [l.name, l.type])).toEqual([
      ['dense_input', 'Input'], ['dense', 'Dense'], ['dropout', 'Dropout'], ['dense_1', 'Dense']]);
    expect(byName(graph, 'dense_input').params).toEqual({ shape: [4], dtype: 'float32' });
    expect(byName(graph, 'dense').params).toEqual({ units: 16, activation: 'relu', useBias: true, kernelInitializer: 'glorotUniform' });
    expect(byName(graph, 'dropout').params).toEqual({ rate: 0.2 });
    expect(graph.connections).toEqual([
      { from: 'dense_input', to: 'dense', toSlot: 0 }, { from: 'dense', to: 'dropout', toSlot: 0 }, { from: 'dropout', to: 'dense_1', toSlot: 0 }]);
    expect(warnings).toEqual([]);
  });

  it('Keras 2 CNN: synthesizes the Input from batch_input_shape and warns about the regularizer only', () => {
    const { graph, warnings } = importKerasModel(keras2SequentialCnn);
    expect(graph.layers[0]).toMatchObject({ type: 'Input', name: 'conv2d_input', params: { shape: [28, 28, 1] } });
    expect(byName(graph, 'conv2d').params).toMatchObject({ filters: 8, kernelSize: [3, 3], kernelInitializer: 'heNormal', activation: 'relu' });
    expect(byName(graph, 'conv2d_1').params).toMatchObject({ strides: [2, 2], padding: 'same', useBias: false });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/"conv2d".*kernel_regularizer.*dropped.*regularizers/);
  });

  it('Keras 2 and Keras 3 functional Concatenate models import to the same graph', () => {
    const k2 = importKerasModel(keras2FunctionalConcat);
    const k3 = importKerasModel(keras3FunctionalConcat);
    expect(k3.graph).toEqual(k2.graph);
    expect(k2.graph.connections.filter((c) => c.to === 'concatenate')).toEqual([
      { from: 'dense_a', to: 'concatenate', toSlot: 0 }, { from: 'dense_b', to: 'concatenate', toSlot: 1 }]);
    expect(analyzeGraph(k2.graph).inputs).toEqual(['numbers', 'flags']);
    expect(k2.warnings).toEqual([]);
    expect(k3.warnings).toEqual([]);
  });

  it('Keras 3 Sequential: reads DTypePolicy dtypes, renames negative_slope to alpha, and warns that training settings are not imported', () => {
    const { graph, warnings } = importKerasModel(keras3SequentialMlp);
    expect(graph.layers.map((l) => l.type)).toEqual(['Input', 'Dense', 'LeakyReLU', 'Dropout', 'Dense']);
    expect(byName(graph, 'leaky_re_lu').params).toEqual({ alpha: 0.2 });
    expect(warnings).toEqual([expect.stringMatching(/training settings .* not imported/)]);
  });

  it('Keras 3 CNN: single bare input/output entries, BatchNormalization extras at their defaults stay silent', () => {
    const { graph, warnings } = importKerasModel(keras3FunctionalCnn);
    expect(graph.layers.map((l) => l.type)).toEqual(
      ['Input', 'Conv2D', 'BatchNormalization', 'MaxPooling2D', 'Conv2D', 'GlobalAveragePooling2D', 'Dense']);
    expect(byName(graph, 'conv2d').params.kernelInitializer).toBe('heUniform');
    expect(warnings).toEqual([]);
  });

  it('keeps a frozen layer frozen (trainable = false), and export writes it back', () => {
    const fixture = structuredClone(keras3FunctionalCnn) as typeof keras3FunctionalCnn;
    (fixture.config.layers as { config: Record<string, unknown> }[])[1].config.trainable = false;
    const { graph, warnings } = importKerasModel(fixture);
    expect(warnings).toEqual([]);
    expect(byName(graph, 'conv2d').trainable).toBe(false);
    expect(graph.layers.filter((l) => l.trainable === false).map((l) => l.name)).toEqual(['conv2d']);
    const exported = exportKerasModel(graph) as { config: { layers: { name: string; config: { trainable?: boolean } }[] } };
    const trainable = Object.fromEntries(exported.config.layers.filter((l) => l.name !== 'input_layer').map((l) => [l.name, l.config.trainable]));
    expect(trainable.conv2d).toBe(false);
    expect(Object.entries(trainable).filter(([, t]) => t === false).map(([n]) => n)).toEqual(['conv2d']);
  });

  it('warns about settings TF.js cannot honour: GRU reset_after, data_format, custom initializer settings', () => {
    const fixture = structuredClone(keras3FunctionalCnn) as typeof keras3FunctionalCnn;
    const layers = fixture.config.layers as { config: Record<string, unknown> }[];
    layers[1].config.trainable = false;
    layers[1].config.kernel_initializer = k3init('RandomNormal', { mean: 0, stddev: 0.5, seed: 3 });
    layers[3].config.data_format = 'channels_first';
    const { warnings } = importKerasModel(fixture);
    expect(warnings).toEqual([
      expect.stringMatching(/"conv2d".*RandomNormal settings stddev=0\.5/),
      expect.stringMatching(/"max_pooling2d".*data_format = "channelsFirst".*channels_last/),
    ]);

    const gru = {
      class_name: 'Sequential',
      config: { name: 's', layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 10, 3], dtype: 'float32', name: 'in' } },
        { class_name: 'GRU', config: { name: 'gru', units: 4, activation: 'tanh', recurrent_activation: 'sigmoid', reset_after: true,
          return_sequences: false, use_bias: true } },
      ] },
    };
    const imported = importKerasModel(gru);
    expect(imported.graph.layers[1].params).toMatchObject({ units: 4, recurrentActivation: 'sigmoid' });
    expect(imported.warnings).toEqual([expect.stringMatching(/"gru".*reset_after = true.*parameter count differs/)]);
  });

  it('keeps a layer of unknown type (so validation reports it) and warns', () => {
    const fixture = structuredClone(keras2SequentialMlp);
    (fixture.config.layers as unknown[]).splice(2, 0, { class_name: 'MyCustomNorm', config: { name: 'custom', trainable: true, dtype: 'float32', gain: 2 } });
    const { graph, warnings } = importKerasModel(fixture);
    expect(byName(graph, 'custom')).toMatchObject({ type: 'MyCustomNorm', params: { gain: 2 } });
    expect(warnings).toEqual([expect.stringMatching(/"custom" \(MyCustomNorm\) has a type Modelwright does not know/)]);
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(false);
    expect(analysis.errors.map((e) => [e.kind, e.layerName])).toContainEqual(['unknown-type', 'custom']);
    expect(() => exportKerasModel(graph)).toThrow(/Cannot export the model until its problems are fixed: custom:/);
  });
});

describe('malformed input gives a clear error', () => {
  const layers = keras2FunctionalConcat.config.layers;
  const withLayers = (ls: unknown[], extra: object = {}) =>
    ({ ...keras2FunctionalConcat, config: { ...keras2FunctionalConcat.config, layers: ls, ...extra } });
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{"class_name": "Sequential", ', /Cannot read the model file: .*(end|truncated|unexpected)/i],
    ['empty text', '', /Cannot read the model file: .*empty/i],
    ['binary bytes', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), /Cannot read the model file: .*binary/i],
    ['__proto__ key', '{"class_name": "Sequential", "__proto__": {"x": 1}}', /Cannot read the model file: .*__proto__/],
    ['a list', [1, 2], /expected a JSON object .* but got a list/],
    ['no class_name', { foo: 1, config: {} }, /no "class_name".*keys are: foo, config/],
    ['a layer instead of a model', { class_name: 'Dense', config: { units: 3 } }, /class "Dense": only Sequential and functional/],
    ['a TF.js graph model', { format: 'graph-model', modelTopology: { node: [] } }, /graph model .* cannot be imported/],
    ['model.json without topology', { modelTopology: null, weightsManifest: [] }, /"modelTopology" is missing/],
    ['Sequential without layers', { class_name: 'Sequential', config: { name: 's' } }, /Sequential model: its "config" has no "layers" list/],
    ['Sequential without an input shape', { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 2 } }] } },
      /does not say what shape its input has .* "d"/],
    ['layer without class_name', withLayers([{ config: {} }]), /config\.layers\[0\] has no "class_name"/],
    ['layer without config', withLayers([{ class_name: 'Dense', name: 'd' }]), /config\.layers\[0\] \(Dense\) has no "config" object/],
    ['duplicate names', withLayers([layers[0], layers[0]]), /two layers are named "numbers"/],
    ['input from a missing layer', withLayers([layers[0], { ...layers[2], inbound_nodes: [[['ghost', 0, 0, {}]]] }]),
      /"dense_a" takes its input from "ghost", which is not a layer/],
    ['shared layer', withLayers([layers[0], { ...layers[2], inbound_nodes: [[['numbers', 0, 0, {}]], [['numbers', 0, 0, {}]]] }]),
      /"dense_a" is called 2 times \(a shared layer\)/],
    ['multi-output tensor', withLayers([layers[0], { ...layers[2], inbound_nodes: [[['numbers', 0, 1, {}]]] }]),
      /uses output #2 of "numbers"; Modelwright layers have a single output/],
    ['bad input shape', withLayers([{ ...layers[0], config: { ...layers[0].config, batch_input_shape: [null, 'eight'] } }]),
      /numbers\.batch_input_shape contains "eight"; every size must be a whole number/],
    ['missing output_layers', withLayers(layers, { output_layers: undefined }), /no "output_layers" list/],
    ['output that is not a layer', withLayers(layers, { output_layers: [['nope', 0, 0]] }), /output_layers names "nope"/],
    ['input that is not an InputLayer', withLayers(layers, { input_layers: [['dense_a', 0, 0]] }), /input "dense_a" is a Dense, not an InputLayer/],
    ['wrapper without a layer', { class_name: 'Sequential', config: { layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 3, 2], name: 'i' } },
      { class_name: 'Bidirectional', config: { name: 'bi', layer: 'lstm' } }] } }, /"bi" \(Bidirectional\) should wrap a layer/],
  ];
  for (const [title, input, message] of cases) {
    it(title, () => {
      let error: unknown;
      try {
        importKerasModel(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KerasImportError);
      expect((error as Error).message).toMatch(message);
    });
  }
});
