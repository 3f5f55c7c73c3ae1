// The batch-by-batch evaluation of a streamed test split: identical to the whole-array evaluation while
// every row fits in its sample, exact counts and errors beyond it, with curves from a bounded sample.
import { describe, expect, it } from 'vitest';
import { EvaluationAccumulator } from '../../../app/training/accumulate.ts';
import { evaluateClassification, evaluateRegression, type ClassificationEvaluation, type RegressionEvaluation } from '../../../app/training/evaluate.ts';
import { mulberry32 } from '../../../app/data/split.ts';

/** Noisy 3-class softmax outputs that are right about 80 % of the time. */
function classification(rows: number, seed = 3) {
  const random = mulberry32(seed);
  const probabilities = new Float32Array(rows * 3);
  const labels = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const label = Math.floor(random() * 3);
    labels[i] = label;
    const raw = [random(), random(), random()];
    raw[label] += random() < 0.8 ? 1 : 0;
    const sum = raw[0] + raw[1] + raw[2];
    for (let c = 0; c < 3; c++) probabilities[i * 3 + c] = raw[c] / sum;
  }
  return { probabilities, labels };
}

function feed(acc: EvaluationAccumulator, outputs: Float32Array, width: number, truth: Float32Array, batch: number): void {
  for (let start = 0; start < truth.length; start += batch) {
    const end = Math.min(truth.length, start + batch);
    acc.add(outputs.subarray(start * width, end * width), width, truth.subarray(start, end));
  }
}

describe('EvaluationAccumulator', () => {
  it('equals evaluateClassification over all rows while they fit in the sample', () => {
    const { probabilities, labels } = classification(3000);
    const acc = new EvaluationAccumulator({ task: 'classification', classNames: ['a', 'b', 'c'], maxRows: 5000 });
    feed(acc, probabilities, 3, labels, 128);
    expect(acc.finish()).toEqual(evaluateClassification({ probabilities, width: 3, labels, classNames: ['a', 'b', 'c'] }));
  });

  it('keeps counts, accuracy and the confusion matrix exact beyond the sample, and AUC close', () => {
    const { probabilities, labels } = classification(50_000);
    const full = evaluateClassification({ probabilities, width: 3, labels, classNames: ['a', 'b', 'c'] });
    const acc = new EvaluationAccumulator({ task: 'classification', classNames: ['a', 'b', 'c'], maxRows: 5000, seed: 9 });
    feed(acc, probabilities, 3, labels, 1000);
    const got = acc.finish() as ClassificationEvaluation;
    expect(got.count).toBe(50_000);
    expect(got.confusion).toEqual(full.confusion);
    expect(got.accuracy).toBe(full.accuracy);
    expect(got.perClass).toEqual(full.perClass);
    expect(got.macro).toEqual(full.macro);
    expect(Math.abs(got.auc! - full.auc!)).toBeLessThan(0.02);
    expect(got.roc).toHaveLength(3);
  });

  it('regression: exact MSE, MAE and R² over every value, pairs from the sample', () => {
    const random = mulberry32(5);
    const n = 40_000;
    const actual = Float32Array.from({ length: n }, () => random() * 100);
    const predictions = actual.map((v) => v + (random() - 0.5) * 10);
    const full = evaluateRegression({ predictions, actual });
    const acc = new EvaluationAccumulator({ task: 'regression', maxRows: 3000 });
    feed(acc, predictions, 1, actual, 512);
    const got = acc.finish() as RegressionEvaluation;
    expect(got.count).toBe(n);
    expect(got.mse!).toBeCloseTo(full.mse!, 6);
    expect(got.mae!).toBeCloseTo(full.mae!, 6);
    expect(got.r2!).toBeCloseTo(full.r2!, 6);
    expect(got.pairs.length).toBeLessThanOrEqual(2000);
    for (const [a, p] of got.pairs) expect(Math.abs(a! - p!)).toBeLessThanOrEqual(5.0001);

    const small = new EvaluationAccumulator({ task: 'regression' });
    feed(small, predictions.subarray(0, 500), 1, actual.subarray(0, 500), 64);
    expect(small.finish()).toEqual(evaluateRegression({ predictions: predictions.subarray(0, 500), actual: actual.subarray(0, 500) }));
  });

  it('refuses batches of another width and class indices outside the classes', () => {
    const acc = new EvaluationAccumulator({ task: 'classification', classNames: ['a', 'b'] });
    acc.add([0.2, 0.8], 2, [1]);
    expect(() => acc.add([0.5], 1, [0])).toThrow(/same output width/);
    expect(() => acc.add([0.5, 0.5], 2, [4])).toThrow(/outside the 2 classes/);
  });
});
