// The Keras ⇄ TF.js spelling converters agree with TF.js's own serialization, and every catalog choice
// survives a trip through Keras spelling.
import { beforeAll, describe, expect, it } from 'vitest';
import { activationOptions, initializerOptions } from '../../../app/graph/layers/common.ts';
import {
  activationFromKeras,
  activationToKeras,
  camelToSnake,
  initializerFromKeras,
  initializerToKeras,
  kerasConfigToParams,
  paramsToKerasConfig,
  snakeToCamel,
} from '../../../app/keras/caseConvert.ts';
import { tf, useCpu } from './tfjsModels.ts';

beforeAll(useCpu);

describe('snake_case ⇄ camelCase', () => {
  it('converts Keras keys both ways', () => {
    const pairs = [['kernel_size', 'kernelSize'], ['return_sequences', 'returnSequences'], ['units', 'units'],
      ['moving_variance_initializer', 'movingVarianceInitializer'], ['input_dim', 'inputDim'], ['use_bias', 'useBias']];
    for (const [snake, camel] of pairs) {
      expect(snakeToCamel(snake)).toBe(camel);
      expect(camelToSnake(camel)).toBe(snake);
    }
  });
});

describe('initializers', () => {
  it('writes each catalog initializer exactly as TF.js serializes it', () => {
    const factories = tf.initializers as unknown as Record<string, (a: object) => { getClassName(): string; getConfig(): Record<string, unknown> }>;
    for (const id of initializerOptions) {
      const init = factories[id]({});
      const ours = initializerToKeras(id);
      expect(ours.class_name, id).toBe(init.getClassName());
      // TF.js's config, spelled as Keras does (fanAvg → fan_avg).
      const theirs = Object.fromEntries(Object.entries(init.getConfig()).map(([k, v]) => [k, typeof v === 'string' ? camelToSnake(v) : v]));
      expect({ ...ours.config, seed: null }, id).toEqual({ ...theirs, seed: null });
    }
  });

  it('reads back every catalog initializer, in TF.js and in Keras spelling', () => {
    for (const id of initializerOptions) {
      expect(initializerFromKeras(initializerToKeras(id))).toEqual({ value: id });
    }
    expect(initializerFromKeras({ class_name: 'GlorotUniform', config: { seed: null } })).toEqual({ value: 'glorotUniform' });
    expect(initializerFromKeras({ class_name: 'LecunNormal', config: { seed: 1 } })).toEqual({ value: 'leCunNormal' });
    expect(initializerFromKeras('he_uniform')).toEqual({ value: 'heUniform' });
    expect(initializerFromKeras({ class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' } }))
      .toEqual({ value: 'heNormal' });
  });

  it('warns when settings are lost', () => {
    expect(initializerFromKeras({ class_name: 'RandomUniform', config: { minval: -1, maxval: 1 } }).warning).toMatch(/minval=-1, maxval=1/);
    expect(initializerFromKeras({ class_name: 'VarianceScaling', config: { scale: 3, mode: 'fan_out' } }).warning).toMatch(/scale 3/);
    expect(initializerFromKeras({ class_name: 'Constant', config: { value: 0.5 } }).warning).toMatch(/Constant\(0\.5\)/);
    expect(initializerFromKeras({ class_name: 'Constant', config: { value: 1 } })).toEqual({ value: 'ones' });
    expect(() => initializerToKeras('bogus')).toThrow(/not a TF.js initializer name/);
  });
});

describe('activations', () => {
  it('every catalog activation survives Keras spelling, and TF.js knows the Keras spelling', () => {
    for (const id of activationOptions) {
      expect(activationFromKeras(activationToKeras(id))).toEqual({ value: id });
      // TF.js loads activations from their Keras spelling through the same camelCase rule.
      expect(() => tf.layers.activation({ activation: snakeToCamel(activationToKeras(id)) as never })).not.toThrow();
    }
  });

  it('maps Keras-only names and flags unsupported ones', () => {
    expect(activationFromKeras('silu')).toEqual({ value: 'swish' });
    expect(activationFromKeras({ module: 'builtins', class_name: 'function', config: 'relu', registered_name: 'function' })).toEqual({ value: 'relu' });
    expect(activationFromKeras('leaky_relu')).toEqual({ value: 'leakyRelu', warning: 'activation "leaky_relu" does not exist in TF.js' });
  });
});

describe('whole configs', () => {
  it('round-trips a config and keeps names untouched', () => {
    const config = { name: 'my_conv', kernel_size: [3, 3], data_format: 'channels_last', activation: 'hard_sigmoid', kernel_initializer: initializerToKeras('heNormal') };
    const { params, notes } = kerasConfigToParams(config);
    expect(params).toEqual({ name: 'my_conv', kernelSize: [3, 3], dataFormat: 'channelsLast', activation: 'hardSigmoid', kernelInitializer: 'heNormal' });
    expect(notes).toEqual({});
    expect(paramsToKerasConfig(params)).toEqual(config);
  });
});
