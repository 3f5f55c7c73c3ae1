// Tiny datasets and Keras model topologies for trainer tests: small enough to train in a second on the cpu backend.
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../../app/data/split.ts';
import type { TrainingJobInput } from '../../../app/training/protocol.ts';

/** `classes` Gaussian blobs in 2-D, centres on a circle: linearly separable enough to reach high accuracy. */
export function blobs(rows: number, classes = 3, seed = 1): { x: number[]; y: number[] } {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    const angle = (2 * Math.PI * c) / classes;
    x.push(2 * Math.cos(angle) + 0.4 * gauss(), 2 * Math.sin(angle) + 0.4 * gauss());
    y.push(c);
  }
  return { x, y };
}

/** y = 3·x0 − 2·x1 + 1 plus a little noise. */
export function linear(rows: number, seed = 2): { x: number[]; y: number[] } {
  const random = mulberry32(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    const a = random() * 2 - 1;
    const b = random() * 2 - 1;
    x.push(a, b);
    y.push(3 * a - 2 * b + 1 + (random() - 0.5) * 0.05);
  }
  return { x, y };
}

/** Keras JSON of Input(2) → Dense(hidden, relu) → Dense(units, activation), as `model.toJSON()` gives it. */
export function mlpTopology(units: number, activation: string, hidden = 16, extra: 'dropout' | null = null): unknown {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [2], units: hidden, activation: 'relu' }));
  if (extra === 'dropout') model.add(tf.layers.dropout({ rate: 0.2 }));
  model.add(tf.layers.dense({ units, activation: activation as 'softmax' }));
  const json = model.toJSON(null, false);
  model.dispose();
  return json;
}

export function blobsJob(overrides: Partial<TrainingJobInput> & { config?: Record<string, unknown> } = {}, rows = 150): TrainingJobInput {
  const { x, y } = blobs(rows);
  return {
    model: { kind: 'keras', topology: mlpTopology(3, 'softmax') },
    data: { kind: 'arrays', task: 'classification', featureShape: [2], classNames: ['red', 'green', 'blue'], train: { x, y } },
    outputDir: null,
    ...overrides,
    config: { backend: 'cpu', epochs: 10, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.05 }, ...overrides.config },
  } as TrainingJobInput;
}
