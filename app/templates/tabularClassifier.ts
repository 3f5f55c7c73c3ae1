// Template: a multi-layer perceptron that sorts table rows into classes (Iris flowers).
import { defineTemplate, sequential } from './types.ts';

export const tabularClassifier = defineTemplate({
  id: 'tabular-classifier',
  title: 'Table classifier',
  description: 'Use it when each row of a table (numbers or categories) belongs to one of a few classes and you want to predict which one — here, the species of an iris flower from its measurements.',
  graph: sequential([
    { id: 'input', type: 'Input', name: 'measurements', params: { shape: [4] } },
    { id: 'hidden1', type: 'Dense', name: 'hidden_1', params: { units: 16, activation: 'relu' } },
    { id: 'hidden2', type: 'Dense', name: 'hidden_2', params: { units: 16, activation: 'relu' } },
    { id: 'output', type: 'Dense', name: 'species', params: { units: 3, activation: 'softmax' } },
  ]),
  dataset: { source: 'builtin:iris', kind: 'table', task: 'classification', target: 'species', scaling: 'standard' },
  training: {
    optimizer: { name: 'adam', learningRate: 0.01 },
    metrics: ['accuracy'],
    batchSize: 16,
    epochs: 60,
    validationSplit: 0.2,
    testSplit: 0.2,
    // 150 flowers are learned in a dozen epochs; after that the validation loss climbs (overfitting),
    // so stop there and keep the best epoch's weights.
    earlyStopping: { enabled: true, monitor: 'val_loss', patience: 8, restoreBestWeights: true },
  },
});
