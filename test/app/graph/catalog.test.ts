// The catalog itself: complete and self-consistent, defaults that pass its own checks, and the
// plain-language messages of validateParam that the inspector shows.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { getLayerDef, layerCatalog, layerCategories, resolveParams, validateParam } from '../../../app/graph/catalog.ts';
import { catalogMarkdown } from '../../../app/graph/catalogDoc.ts';

const required = [
  'Input', 'Dense', 'Activation', 'LeakyReLU', 'Dropout', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Conv1D', 'Conv2D',
  'SeparableConv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'UpSampling2D', 'ZeroPadding2D',
  'Cropping2D', 'BatchNormalization', 'LayerNormalization', 'Embedding', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional',
  'TimeDistributed', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Concatenate', 'GaussianNoise', 'SpatialDropout1D',
];

describe('layer catalog', () => {
  it('has every layer the product promises, once', () => {
    const types = layerCatalog.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    expect(required.filter((t) => !getLayerDef(t))).toEqual([]);
  });

  it('offers the activations users ask for', () => {
    const options = getLayerDef('Activation')!.params[0].options;
    for (const a of ['relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'swish', 'linear']) expect(options).toContain(a);
  });

  it.each(layerCatalog.map((d) => [d.type, d] as const))('%s is self-consistent', (_type, def) => {
    expect(layerCategories).toContain(def.category);
    expect(def.description).toMatch(/^[A-Z].*\.$/);
    expect(def.description).not.toMatch(/[.!?]\s+[A-Z]/);
    expect(def.minInputs).toBeLessThanOrEqual(def.maxInputs);
    for (const key of def.keyParams) expect(def.params.map((p) => p.name)).toContain(key);
    for (const p of def.params) {
      expect(p.label.length).toBeGreaterThan(0);
      expect(p.help).toMatch(/\.$/);
      expect(validateParam(def, p.name, p.default), `default of ${def.type}.${p.name}`).toBeNull();
      if (p.kind === 'enum' || p.kind === 'layer') expect(p.options?.length).toBeGreaterThan(0);
    }
    if (def.tfjsFactory) expect(typeof (tf.layers as unknown as Record<string, unknown>)[def.tfjsFactory]).toBe('function');
    else expect(['Input', 'Subtract', 'MultiHeadAttention', 'PositionEmbedding', 'TokenAndPositionEmbedding']).toContain(def.type);
  });

  it('fills defaults and drops parameters it does not know', () => {
    expect(resolveParams({ type: 'Dense', params: { units: 8, madeUp: 1 } })).toEqual({ units: 8, activation: 'linear', useBias: true, kernelInitializer: 'glorotNormal' });
    expect(resolveParams({ type: 'MaxPooling2D', params: {} })).toEqual({ poolSize: 2, strides: null, padding: 'valid' });
  });
});

describe('validateParam messages', () => {
  const dense = getLayerDef('Dense')!;
  const conv = getLayerDef('Conv2D')!;

  it.each([
    [dense, 'units', 2.5, 'Units must be a whole number from 1 to 1000000, but is 2.5'],
    [dense, 'units', '8', 'Units must be a whole number from 1 to 1000000, but is "8"'],
    [dense, 'units', null, 'Units needs a value'],
    [dense, 'activation', 'sigmoidal', 'Activation must be one of linear, relu, relu6, sigmoid, hardSigmoid, tanh, softmax, elu, selu, softplus, softsign, swish, mish, gelu, but is "sigmoidal"'],
    [dense, 'useBias', 'yes', 'Use bias must be on or off (true or false), but is "yes"'],
    [dense, 'nonsense', 1, 'Dense has no setting named "nonsense"'],
    [getLayerDef('Dropout')!, 'rate', 1, 'Rate must be a number that is at least 0 and below 1, but is 1'],
    [conv, 'kernelSize', [3, 3, 3], 'Kernel size must be a whole number or a list of 2 whole numbers from 1 to 1000, but is [3,3,3]'],
    [conv, 'kernelSize', 0, 'Kernel size must be a whole number from 1 to 1000, but is 0'],
    [getLayerDef('Input')!, 'shape', [28, 0], 'Shape must be a list of 1 to 6 whole numbers of at least 1 (or empty for "varies"), but is [28,0]'],
    [getLayerDef('Reshape')!, 'targetShape', [-1, -1], 'Target shape may contain -1 only once, but is [-1,-1]'],
    [getLayerDef('ZeroPadding2D')!, 'padding', [[1, 2], [3]], 'Border must be a whole number from 0 to 10000, a pair [rows, columns], or [[top, bottom], [left, right]], but is [[1,2],[3]]'],
    [getLayerDef('Bidirectional')!, 'layer', { type: 'Dense', params: {} }, 'Recurrent layer must be one of LSTM, GRU, SimpleRNN, but is "Dense"'],
  ] as const)('%#: %s.%s = %j', (def, name, value, message) => {
    expect(validateParam(def, name, value)).toBe(message);
  });

  it('accepts good values, including Keras "int or tuple" and automatic (null) strides', () => {
    expect(validateParam(conv, 'kernelSize', 5)).toBeNull();
    expect(validateParam(conv, 'kernelSize', [5, 3])).toBeNull();
    expect(validateParam(getLayerDef('MaxPooling2D')!, 'strides', null)).toBeNull();
    expect(validateParam(getLayerDef('Input')!, 'shape', [null, 8])).toBeNull();
    expect(validateParam(getLayerDef('Cropping2D')!, 'cropping', [[0, 1], [2, 3]])).toBeNull();
    expect(validateParam(getLayerDef('Bidirectional')!, 'layer', { type: 'GRU', params: { units: 4, returnSequences: true } })).toBeNull();
  });
});

describe('docs/layers.md', () => {
  it('contains the layer reference generated from the current catalog', () => {
    const doc = readFileSync(new URL('../../../docs/layers.md', import.meta.url), 'utf8');
    const section = /<!-- catalog:start -->\n([\s\S]*)<!-- catalog:end -->/.exec(doc)?.[1];
    // Out of date? Regenerate with the command shown in docs/layers.md above the reference.
    expect(section).toBe(catalogMarkdown());
  });
});
