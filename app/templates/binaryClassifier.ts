// Template: a small network that separates two classes from two numbers (the two-moons example).
import { defineTemplate, sequential } from './types.ts';

export const binaryClassifier = defineTemplate({
  id: 'binary-classifier',
  title: 'Yes/no classifier (two features)',
  description: 'Use it to learn a yes/no answer from two measurements and to see how a network bends its decision boundary — here, which of two interleaved half-moons a point belongs to.',
  graph: sequential([
    { id: 'input', type: 'Input', name: 'point', params: { shape: [2] } },
    { id: 'hidden1', type: 'Dense', name: 'hidden_1', params: { units: 16, activation: 'relu' } },
    { id: 'hidden2', type: 'Dense', name: 'hidden_2', params: { units: 16, activation: 'relu' } },
    { id: 'output', type: 'Dense', name: 'is_upper_moon', params: { units: 1, activation: 'sigmoid' } },
  ]),
  dataset: {
    source: 'builtin:two-moons',
    kind: 'table',
    task: 'classification',
    target: 'label',
    columns: [
      { name: 'x', role: 'feature', type: 'numeric' },
      { name: 'y', role: 'feature', type: 'numeric' },
    ],
  },
  training: {
    optimizer: { name: 'adam', learningRate: 0.01 },
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
    batchSize: 32,
    epochs: 40,
  },
});
