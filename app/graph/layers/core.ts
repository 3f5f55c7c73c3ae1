// Catalog: the input, fully connected, activation and embedding layers.
import {
  activationOptions,
  activationParam,
  expectKnown,
  kernelInitializerParam,
  useBiasParam,
  type LayerDef,
} from './common.ts';

export const inputLayer: LayerDef = {
  type: 'Input',
  category: 'Input',
  description: 'Where data enters the model; its shape says how many numbers one example has (e.g. [28, 28, 1] for a small grayscale image).',
  minInputs: 0,
  maxInputs: 0,
  keyParams: ['shape'],
  params: [
    {
      name: 'shape', kind: 'shape', label: 'Shape', default: [4], required: true, min: 1, minLength: 1, maxLength: 6, nullItems: true,
      help: 'Size of one example, without the batch: [features] for a table row, [steps] for a text, [height, width, channels] for an image. Leave a size empty (?) if it varies.',
    },
    {
      name: 'dtype', kind: 'enum', label: 'Number type', default: 'float32', options: ['float32', 'int32'], advanced: true,
      help: 'float32 for measurements and pixels; int32 for word or category numbers fed to an Embedding.',
    },
  ],
  infer(_inputs, p) {
    return { shape: (p.shape as (number | null)[]).slice(), params: 0 };
  },
};

export const denseLayer: LayerDef = {
  type: 'Dense',
  category: 'Core',
  description: 'A fully connected layer: every output is a learned weighted sum of all the inputs.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['units', 'activation'],
  tfjsFactory: 'dense',
  params: [
    {
      name: 'units', kind: 'int', label: 'Units', default: 32, required: true, min: 1, max: 1_000_000,
      help: 'How many numbers this layer outputs. For the last layer of a classifier, use the number of classes.',
    },
    activationParam('linear'),
    useBiasParam,
    kernelInitializerParam,
  ],
  infer(inputs, p) {
    const [x] = inputs;
    const inDim = expectKnown('Dense', x, x.length - 1, 'features (last dimension)');
    const units = p.units as number;
    return { shape: [...x.slice(0, -1), units], params: inDim * units + (p.useBias ? units : 0) };
  },
};

export const activationLayer: LayerDef = {
  type: 'Activation',
  category: 'Activation',
  description: 'Applies a fixed function, such as relu or softmax, to every value; it has nothing to learn.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['activation'],
  tfjsFactory: 'activation',
  params: [{
    name: 'activation', kind: 'enum', label: 'Function', default: 'relu', required: true, options: activationOptions,
    help: 'relu keeps positives and zeroes negatives; sigmoid squashes to 0..1; tanh to -1..1; softmax turns scores into probabilities that sum to 1; swish is also known as SiLU.',
  }],
  infer(inputs) {
    return { shape: inputs[0].slice(), params: 0 };
  },
};

export const leakyReluLayer: LayerDef = {
  type: 'LeakyReLU',
  category: 'Activation',
  description: 'Like relu, but lets a small fraction of negative values through so that no unit goes silent.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['alpha'],
  tfjsFactory: 'leakyReLU',
  params: [{
    name: 'alpha', kind: 'float', label: 'Negative slope', default: 0.3, min: 0, max: 1,
    help: 'How much of a negative value is kept (0.3 keeps 30%).',
  }],
  infer(inputs) {
    return { shape: inputs[0].slice(), params: 0 };
  },
};

export const embeddingLayer: LayerDef = {
  type: 'Embedding',
  category: 'Embedding',
  description: 'Turns word or category numbers into learned lists of numbers, so that similar words can end up with similar values.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['inputDim', 'outputDim'],
  tfjsFactory: 'embedding',
  params: [
    {
      name: 'inputDim', kind: 'int', label: 'Vocabulary size', default: 1000, required: true, min: 1, max: 10_000_000,
      help: 'How many different word (or category) numbers can come in: the largest number plus one.',
    },
    {
      name: 'outputDim', kind: 'int', label: 'Vector size', default: 16, required: true, min: 1, max: 100_000,
      help: 'How many numbers describe each word. 8 to 300 is typical.',
    },
    {
      name: 'maskZero', kind: 'bool', label: 'Ignore padding (0)', default: false, advanced: true,
      help: 'Treat the number 0 as padding that recurrent layers after this one skip.',
    },
  ],
  infer(inputs, p) {
    const inputDim = p.inputDim as number;
    const outputDim = p.outputDim as number;
    return { shape: [...inputs[0], outputDim], params: inputDim * outputDim };
  },
};

/** Keras's Rescaling: a fixed affine map, e.g. pixels 0..255 to 0..1, or a fused ensemble's weights (docs/ensembles.md). */
export const rescalingLayer: LayerDef = {
  type: 'Rescaling',
  category: 'Core',
  description: 'Multiplies every value by a fixed number and adds another, e.g. to turn pixels 0..255 into 0..1; it has nothing to learn.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['scale', 'offset'],
  tfjsFactory: 'rescaling',
  params: [
    {
      name: 'scale', kind: 'float', label: 'Multiply by', default: 1, required: true,
      help: 'Every value is multiplied by this number (1/255 turns pixels 0..255 into 0..1).',
    },
    {
      name: 'offset', kind: 'float', label: 'Then add', default: 0,
      help: 'Added after multiplying (-1 with a scale of 1/127.5 maps 0..255 to -1..1).',
    },
  ],
  infer(inputs) {
    return { shape: inputs[0].slice(), params: 0 };
  },
};

export const coreLayers: LayerDef[] = [inputLayer, denseLayer, activationLayer, leakyReluLayer, rescalingLayer, embeddingLayer];
