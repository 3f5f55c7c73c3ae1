// Catalog: convolution layers, which slide small learned filters over sequences and images.
import {
  activationParam,
  deconvLength,
  expectKnown,
  expectRank,
  kernelInitializerParam,
  paddingParam,
  product,
  tuple,
  useBiasParam,
  windowOutput,
  type LayerDef,
  type ParamDef,
  type ResolvedParams,
} from './common.ts';

const filtersParam: ParamDef = {
  name: 'filters', kind: 'int', label: 'Filters', default: 32, required: true, min: 1, max: 100_000,
  help: 'How many different patterns the layer learns to detect; each gives one output channel.',
};

function kernelSizeParam(rank: number): ParamDef {
  return {
    name: 'kernelSize', kind: 'intList', label: 'Kernel size', default: 3, required: true, length: rank, scalarOk: true, min: 1, max: 1000,
    help: rank === 1 ? 'How many steps each filter looks at at once.' : 'Height and width of the window each filter looks at, e.g. 3 for 3×3.',
  };
}

function stridesParam(rank: number): ParamDef {
  return {
    name: 'strides', kind: 'intList', label: 'Strides', default: 1, length: rank, scalarOk: true, min: 1, max: 1000,
    help: 'How far the window moves each step. 2 halves the output size.',
  };
}

function dilationParam(rank: number): ParamDef {
  return {
    name: 'dilationRate', kind: 'intList', label: 'Dilation', default: 1, length: rank, scalarOk: true, min: 1, max: 1000, advanced: true,
    help: 'Spreads the window out, skipping values in between, to see further without more weights. Cannot be combined with strides above 1.',
  };
}

const depthMultiplierParam: ParamDef = {
  name: 'depthMultiplier', kind: 'int', label: 'Depth multiplier', default: 1, min: 1, max: 1000, advanced: true,
  help: 'How many filters are applied to each input channel separately.',
};

/** TF.js convolutions refuse strides and dilation above 1 together (tf.conv2d asserts it at run time). */
function stridesWithDilation(p: ResolvedParams, rank: number) {
  if (p.dilationRate === undefined) return null;
  const s = tuple(p.strides, rank);
  const d = tuple(p.dilationRate, rank);
  if (s.some((v) => v > 1) && d.some((v) => v > 1)) {
    return { param: 'dilationRate', message: 'Dilation above 1 cannot be combined with strides above 1', fix: 'set either strides or dilation to 1' };
  }
  return null;
}

function convLayer(rank: 1 | 2): LayerDef {
  const type = `Conv${rank}D`;
  return {
    type,
    category: 'Convolution',
    description: rank === 1
      ? 'Slides small learned filters along a sequence (text, sound, sensor readings) to detect local patterns.'
      : 'Slides small learned filters over an image to detect local patterns such as edges, textures and shapes.',
    minInputs: 1,
    maxInputs: 1,
    keyParams: ['filters', 'kernelSize', 'activation'],
    tfjsFactory: rank === 1 ? 'conv1d' : 'conv2d',
    params: [filtersParam, kernelSizeParam(rank), stridesParam(rank), paddingParam, dilationParam(rank), activationParam('linear'), useBiasParam, kernelInitializerParam],
    checkParams: (p) => stridesWithDilation(p, rank),
    infer(inputs, p) {
      const [x] = inputs;
      expectRank(type, x, rank + 1);
      const channels = expectKnown(type, x, rank, 'channels (last dimension)');
      const k = tuple(p.kernelSize, rank);
      const spatial = windowOutput(type, x, x.slice(0, rank), k, tuple(p.strides, rank), p.padding as string, tuple(p.dilationRate, rank), 'kernel');
      const filters = p.filters as number;
      return { shape: [...spatial, filters], params: product(k) * channels * filters + (p.useBias ? filters : 0) };
    },
  };
}

export const conv1dLayer = convLayer(1);
export const conv2dLayer = convLayer(2);

export const separableConv2dLayer: LayerDef = {
  type: 'SeparableConv2D',
  category: 'Convolution',
  description: 'A lighter Conv2D: filters each channel on its own first, then mixes channels, using far fewer weights.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['filters', 'kernelSize', 'activation'],
  tfjsFactory: 'separableConv2d',
  params: [filtersParam, kernelSizeParam(2), stridesParam(2), paddingParam, dilationParam(2), depthMultiplierParam, activationParam('linear'), useBiasParam],
  checkParams: (p) => stridesWithDilation(p, 2),
  infer(inputs, p) {
    const [x] = inputs;
    expectRank('SeparableConv2D', x, 3);
    const channels = expectKnown('SeparableConv2D', x, 2, 'channels (last dimension)');
    const k = tuple(p.kernelSize, 2);
    const spatial = windowOutput('SeparableConv2D', x, x.slice(0, 2), k, tuple(p.strides, 2), p.padding as string, tuple(p.dilationRate, 2), 'kernel');
    const filters = p.filters as number;
    const dm = p.depthMultiplier as number;
    return { shape: [...spatial, filters], params: product(k) * channels * dm + channels * dm * filters + (p.useBias ? filters : 0) };
  },
};

export const conv2dTransposeLayer: LayerDef = {
  type: 'Conv2DTranspose',
  category: 'Convolution',
  description: 'The reverse of a Conv2D: grows an image while learning how to fill in detail, as in image generators and autoencoders.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['filters', 'kernelSize', 'strides'],
  tfjsFactory: 'conv2dTranspose',
  params: [filtersParam, kernelSizeParam(2), stridesParam(2), paddingParam, activationParam('linear'), useBiasParam, kernelInitializerParam],
  infer(inputs, p) {
    const [x] = inputs;
    expectRank('Conv2DTranspose', x, 3);
    const channels = expectKnown('Conv2DTranspose', x, 2, 'channels (last dimension)');
    const k = tuple(p.kernelSize, 2);
    const s = tuple(p.strides, 2);
    const pad = p.padding as string;
    const filters = p.filters as number;
    return {
      shape: [deconvLength(x[0], s[0], k[0], pad), deconvLength(x[1], s[1], k[1], pad), filters],
      params: product(k) * channels * filters + (p.useBias ? filters : 0),
    };
  },
};

// No dilationRate: TF.js's DepthwiseConv2D computes its output shape without it, so a dilated one
// would report a shape different from what it produces.
export const depthwiseConv2dLayer: LayerDef = {
  type: 'DepthwiseConv2D',
  category: 'Convolution',
  description: 'Filters each image channel on its own, without mixing channels; a cheap way to find patterns per channel.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['kernelSize', 'depthMultiplier'],
  tfjsFactory: 'depthwiseConv2d',
  params: [kernelSizeParam(2), stridesParam(2), paddingParam, depthMultiplierParam, activationParam('linear'), useBiasParam],
  infer(inputs, p) {
    const [x] = inputs;
    expectRank('DepthwiseConv2D', x, 3);
    const channels = expectKnown('DepthwiseConv2D', x, 2, 'channels (last dimension)');
    const k = tuple(p.kernelSize, 2);
    const spatial = windowOutput('DepthwiseConv2D', x, x.slice(0, 2), k, tuple(p.strides, 2), p.padding as string, [1, 1], 'kernel');
    const out = channels * (p.depthMultiplier as number);
    return { shape: [...spatial, out], params: product(k) * out + (p.useBias ? out : 0) };
  },
};

export const convLayers: LayerDef[] = [conv1dLayer, conv2dLayer, separableConv2dLayer, conv2dTransposeLayer, depthwiseConv2dLayer];
