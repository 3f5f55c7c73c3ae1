// Catalog: normalization layers (keep values in a steady range) and regularization layers (noise
// and dropout that only act during training, to keep a model from memorizing its data).
import { axisIndex, expectKnown, expectRank, formatShape, LayerProblem, product, type LayerDef, type ParamDef } from './common.ts';
import type { Shape } from '../types.ts';

const epsilonParam: ParamDef = {
  name: 'epsilon', kind: 'float', label: 'Epsilon', default: 0.001, min: 0, minExclusive: true, max: 1, advanced: true,
  help: 'A tiny number added to avoid dividing by zero.',
};
const centerParam: ParamDef = {
  name: 'center', kind: 'bool', label: 'Learn offset', default: true, advanced: true,
  help: 'Learn a value added after normalizing (beta).',
};
const scaleParam: ParamDef = {
  name: 'scale', kind: 'bool', label: 'Learn scale', default: true, advanced: true,
  help: 'Learn a factor applied after normalizing (gamma). Can be off when the next layer is linear or relu.',
};

/** Resolves a Keras axis against an input shape, with a plain message when it points outside the input. */
function resolveAxis(type: string, x: Shape, axis: number): number {
  const i = axisIndex(axis, x.length);
  if (i === null) {
    throw new LayerProblem('shape', `${type}'s axis ${axis} does not exist in its input ${formatShape(x)}`,
      `use -1 (the last dimension) or a number from 1 to ${x.length}`);
  }
  return i;
}

export const batchNormalizationLayer: LayerDef = {
  type: 'BatchNormalization',
  category: 'Normalization',
  description: 'Rescales values to a steady average and spread using statistics of each batch, which usually makes training faster and steadier.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: [],
  tfjsFactory: 'batchNormalization',
  params: [
    {
      name: 'axis', kind: 'int', label: 'Axis', default: -1, min: -6, max: 6, advanced: true,
      help: 'The dimension that holds features or channels; -1 is the last one, which is right for almost every model.',
    },
    {
      name: 'momentum', kind: 'float', label: 'Momentum', default: 0.99, min: 0, max: 1, advanced: true,
      help: 'How slowly the remembered average and spread follow new batches (closer to 1 is slower and steadier).',
    },
    epsilonParam, centerParam, scaleParam,
  ],
  checkParams(p) {
    return p.axis === 0 ? { param: 'axis', message: 'Axis 0 is the batch and cannot be normalized', fix: 'use -1 (the last dimension)' } : null;
  },
  infer(inputs, p) {
    const [x] = inputs;
    const i = resolveAxis('BatchNormalization', x, p.axis as number);
    const c = expectKnown('BatchNormalization', x, i, 'features along its axis');
    const trainable = (p.center ? c : 0) + (p.scale ? c : 0);
    return { shape: x.slice(), params: trainable + 2 * c, nonTrainable: 2 * c };
  },
};

export const layerNormalizationLayer: LayerDef = {
  type: 'LayerNormalization',
  category: 'Normalization',
  description: 'Rescales the values of each single example to a steady average and spread; common in text and sequence models.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: [],
  tfjsFactory: 'layerNormalization',
  params: [
    {
      name: 'axis', kind: 'intList', label: 'Axis', default: -1, scalarOk: true, minLength: 1, maxLength: 6, min: -6, max: 6, advanced: true,
      help: 'The dimension(s) normalized together; -1 is the last one.',
    },
    epsilonParam, centerParam, scaleParam,
  ],
  checkParams(p) {
    const axes = typeof p.axis === 'number' ? [p.axis] : (p.axis as number[]);
    return axes.includes(0) ? { param: 'axis', message: 'Axis 0 is the batch and cannot be normalized', fix: 'use -1 (the last dimension)' } : null;
  },
  infer(inputs, p) {
    const [x] = inputs;
    const axes = typeof p.axis === 'number' ? [p.axis] : (p.axis as number[]);
    const dims = axes.map((a) => expectKnown('LayerNormalization', x, resolveAxis('LayerNormalization', x, a), 'features along its axis'));
    const size = product(dims);
    return { shape: x.slice(), params: (p.center ? size : 0) + (p.scale ? size : 0) };
  },
};

const rateParam: ParamDef = {
  name: 'rate', kind: 'float', label: 'Rate', default: 0.5, required: true, min: 0, max: 1, maxExclusive: true,
  help: 'The fraction of values set to zero at each training step (0.2 to 0.5 is typical). Nothing is dropped when the model is used.',
};

export const dropoutLayer: LayerDef = {
  type: 'Dropout',
  category: 'Regularization',
  description: 'During training, randomly switches off a fraction of the values so the model cannot rely on any single one and memorizes less.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['rate'],
  tfjsFactory: 'dropout',
  params: [rateParam],
  infer(inputs) {
    return { shape: inputs[0].slice(), params: 0 };
  },
};

export const spatialDropout1dLayer: LayerDef = {
  type: 'SpatialDropout1D',
  category: 'Regularization',
  description: 'During training, switches off whole channels of a sequence at random, which suits text and signal models better than plain Dropout.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['rate'],
  tfjsFactory: 'spatialDropout1d',
  params: [rateParam],
  infer(inputs) {
    expectRank('SpatialDropout1D', inputs[0], 2);
    return { shape: inputs[0].slice(), params: 0 };
  },
};

export const gaussianNoiseLayer: LayerDef = {
  type: 'GaussianNoise',
  category: 'Regularization',
  description: 'During training, adds small random noise to the values so the model learns to tolerate imprecise data.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['stddev'],
  tfjsFactory: 'gaussianNoise',
  params: [{
    name: 'stddev', kind: 'float', label: 'Noise level', default: 0.1, required: true, min: 0, max: 1000,
    help: 'Standard deviation of the noise: how far values are typically pushed (in the same units as the data).',
  }],
  infer(inputs) {
    return { shape: inputs[0].slice(), params: 0 };
  },
};

export const normalizationLayers: LayerDef[] = [batchNormalizationLayer, layerNormalizationLayer];
export const regularizationLayers: LayerDef[] = [dropoutLayer, spatialDropout1dLayer, gaussianNoiseLayer];
