// Template: a convolutional network that reads handwritten digits (28×28 grayscale MNIST images).
import { defineTemplate, sequential } from './types.ts';

export const digitRecognizer = defineTemplate({
  id: 'digit-recognizer',
  title: 'Digit recognizer (image CNN)',
  description: 'Use it to recognise what a small picture shows — here handwritten digits 0 to 9 — with convolution layers that learn strokes and shapes wherever they appear in the image.',
  graph: sequential([
    { id: 'input', type: 'Input', name: 'image', params: { shape: [28, 28, 1] } },
    { id: 'conv1', type: 'Conv2D', name: 'conv_1', params: { filters: 16, kernelSize: 3, activation: 'relu' } },
    { id: 'pool1', type: 'MaxPooling2D', name: 'pool_1', params: { poolSize: 2 } },
    { id: 'conv2', type: 'Conv2D', name: 'conv_2', params: { filters: 32, kernelSize: 3, activation: 'relu' } },
    { id: 'pool2', type: 'MaxPooling2D', name: 'pool_2', params: { poolSize: 2 } },
    { id: 'flatten', type: 'Flatten', name: 'flatten' },
    { id: 'dropout', type: 'Dropout', name: 'dropout', params: { rate: 0.25 } },
    { id: 'hidden', type: 'Dense', name: 'hidden', params: { units: 64, activation: 'relu' } },
    { id: 'output', type: 'Dense', name: 'digit', params: { units: 10, activation: 'softmax' } },
  ]),
  dataset: { source: 'builtin:mnist', kind: 'images', task: 'classification', image: { width: 28, height: 28, channels: 1 } },
  training: {
    optimizer: { name: 'adam', learningRate: 0.001 },
    metrics: ['accuracy'],
    batchSize: 64,
    epochs: 5,
    validationSplit: 0.1,
    testSplit: 0.15,
  },
});
