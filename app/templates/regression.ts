// Template: a multi-layer perceptron that predicts a number from table columns (house prices).
import { defineTemplate, sequential } from './types.ts';

/**
 * Encoded inputs of the built-in `housing` set: five numbers (area, bedrooms, bathrooms, age, distance)
 * plus one-hot `garage` (no/yes) and `neighborhood` (downtown/hillside/riverside/suburbs).
 */
export const HOUSING_FEATURES = 11;

export const regression = defineTemplate({
  id: 'regression',
  title: 'Number predictor (regression)',
  description: 'Use it when you want to predict a quantity rather than a class, such as a price, a temperature or a duration, from the other columns of a table.',
  graph: sequential([
    { id: 'input', type: 'Input', name: 'features', params: { shape: [HOUSING_FEATURES] } },
    { id: 'hidden1', type: 'Dense', name: 'hidden_1', params: { units: 64, activation: 'relu' } },
    { id: 'hidden2', type: 'Dense', name: 'hidden_2', params: { units: 32, activation: 'relu' } },
    { id: 'output', type: 'Dense', name: 'price', params: { units: 1, activation: 'linear' } },
  ]),
  dataset: { source: 'builtin:housing', kind: 'table', task: 'regression', target: 'price', scaling: 'standard' },
  training: {
    optimizer: { name: 'adam', learningRate: 0.003 },
    loss: 'meanSquaredError',
    metrics: ['mae'],
    batchSize: 32,
    epochs: 40,
    earlyStopping: { enabled: true, patience: 8 },
  },
});
