// Template: a dense autoencoder that squeezes MNIST images through a 32-number code and rebuilds them.
import { defineTemplate, sequential } from './types.ts';

export const autoencoder = defineTemplate({
  id: 'autoencoder',
  title: 'Autoencoder (compress and rebuild)',
  description: 'Use it to learn a compact summary of your data without labels — for compression, denoising, or spotting unusual examples that the model rebuilds badly.',
  graph: sequential([
    { id: 'input', type: 'Input', name: 'image', params: { shape: [28, 28, 1] } },
    { id: 'flatten', type: 'Flatten', name: 'pixels' },
    { id: 'enc1', type: 'Dense', name: 'encoder_1', params: { units: 128, activation: 'relu' } },
    { id: 'code', type: 'Dense', name: 'code', params: { units: 32, activation: 'relu' } },
    { id: 'dec1', type: 'Dense', name: 'decoder_1', params: { units: 128, activation: 'relu' } },
    // Reconstruction targets are the flattened input pixels, scaled to 0..1: hence 784 sigmoid units.
    { id: 'output', type: 'Dense', name: 'reconstruction', params: { units: 784, activation: 'sigmoid' } },
  ]),
  dataset: { source: 'builtin:mnist', kind: 'images', task: 'reconstruction', image: { width: 28, height: 28, channels: 1 } },
  training: {
    optimizer: { name: 'adam', learningRate: 0.001 },
    loss: 'meanSquaredError',
    metrics: ['mae'],
    batchSize: 64,
    epochs: 10,
    validationSplit: 0.1,
    testSplit: 0.1,
  },
});
