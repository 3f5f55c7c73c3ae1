// Template: a small residual CNN — two blocks whose input skips ahead and is added back (Add merges),
// the idea behind ResNet, on MNIST digits.
import { defineTemplate, functional } from './types.ts';

const conv = (filters: number, activation: string) => ({ filters, kernelSize: 3, padding: 'same', activation });

export const residualCnn = defineTemplate({
  id: 'residual-cnn',
  title: 'Residual CNN (skip connections)',
  description: 'Use it when a plain stack of convolutions stops improving as you make it deeper: each block adds its input back to its output, which keeps deeper image models easy to train.',
  graph: functional([
    { id: 'input', type: 'Input', name: 'image', params: { shape: [28, 28, 1] } },
    { id: 'stem', type: 'Conv2D', name: 'stem', params: conv(16, 'relu') },
    { id: 'b1conv1', type: 'Conv2D', name: 'block1_conv1', params: conv(16, 'relu') },
    { id: 'b1conv2', type: 'Conv2D', name: 'block1_conv2', params: conv(16, 'linear') },
    { id: 'b1add', type: 'Add', name: 'block1_add', inputs: ['stem', 'b1conv2'] },
    { id: 'b1relu', type: 'Activation', name: 'block1_relu', params: { activation: 'relu' } },
    { id: 'pool', type: 'MaxPooling2D', name: 'pool', params: { poolSize: 2 } },
    { id: 'widen', type: 'Conv2D', name: 'widen', params: conv(32, 'relu') },
    { id: 'b2conv1', type: 'Conv2D', name: 'block2_conv1', params: conv(32, 'relu') },
    { id: 'b2conv2', type: 'Conv2D', name: 'block2_conv2', params: conv(32, 'linear') },
    { id: 'b2add', type: 'Add', name: 'block2_add', inputs: ['widen', 'b2conv2'] },
    { id: 'b2relu', type: 'Activation', name: 'block2_relu', params: { activation: 'relu' } },
    { id: 'gap', type: 'GlobalAveragePooling2D', name: 'average' },
    { id: 'output', type: 'Dense', name: 'digit', params: { units: 10, activation: 'softmax' } },
  ]),
  dataset: { source: 'builtin:mnist', kind: 'images', task: 'classification', image: { width: 28, height: 28, channels: 1 } },
  training: {
    optimizer: { name: 'adam', learningRate: 0.002 },
    metrics: ['accuracy'],
    batchSize: 64,
    epochs: 5,
    validationSplit: 0.1,
    testSplit: 0.15,
  },
});
