import { describe, expect, it } from 'vitest';
import { evaluateClassification, evaluateRegression, evaluationSchema, rocCurve, sampleIndices, testSamples } from '../../../app/training/evaluate.ts';
import { mulberry32 } from '../../../app/data/split.ts';

describe('ROC and AUC', () => {
  it('matches the hand-computed curve of a small case', () => {
    // Sorted by score: 0.8 (pos), 0.4 (neg), 0.35 (pos), 0.1 (neg) → AUC 3/4.
    const { points, auc } = rocCurve([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
    expect(points).toEqual([[0, 0], [0, 0.5], [0.5, 0.5], [0.5, 1], [1, 1]]);
    expect(auc).toBeCloseTo(0.75, 12);
  });
  it('is 1 for a perfect classifier, 0 for an inverted one, 0.5 for a constant one', () => {
    const truth = [false, true, false, true, true];
    expect(rocCurve([0.1, 0.9, 0.2, 0.8, 0.7], truth).auc).toBe(1);
    expect(rocCurve([0.9, 0.1, 0.8, 0.2, 0.3], truth).auc).toBe(0);
    expect(rocCurve([0.5, 0.5, 0.5, 0.5, 0.5], truth).auc).toBe(0.5);
  });
  it('is about 0.5 for random scores', () => {
    const random = mulberry32(3);
    const n = 20_000;
    const scores = Array.from({ length: n }, () => random());
    const truth = Array.from({ length: n }, () => random() < 0.3);
    expect(rocCurve(scores, truth).auc).toBeGreaterThan(0.48);
    expect(rocCurve(scores, truth).auc).toBeLessThan(0.52);
  });
  it('is undefined without positives or without negatives', () => {
    expect(rocCurve([0.1, 0.2], [true, true])).toEqual({ points: [], auc: null });
  });
  it('keeps at most maxPoints points without changing the area', () => {
    const random = mulberry32(4);
    const scores = Array.from({ length: 5000 }, () => random());
    const truth = scores.map((s) => random() < s);
    const full = rocCurve(scores, truth, 1e9);
    const thin = rocCurve(scores, truth, 100);
    expect(full.points.length).toBeGreaterThan(100);
    expect(thin.points).toHaveLength(100);
    expect(thin.points[0]).toEqual([0, 0]);
    expect(thin.points[99]).toEqual([1, 1]);
    expect(thin.auc).toBe(full.auc);
  });
});

describe('evaluateClassification', () => {
  it('computes accuracy, the confusion matrix, per-class and macro precision/recall/F1', () => {
    const probabilities = [
      0.8, 0.1, 0.1, // true 0 → 0
      0.3, 0.6, 0.1, // true 0 → 1
      0.1, 0.8, 0.1, // true 1 → 1
      0.2, 0.5, 0.3, // true 1 → 1
      0.1, 0.2, 0.7, // true 2 → 2
      0.5, 0.2, 0.3, // true 2 → 0
    ];
    const e = evaluateClassification({ probabilities, width: 3, labels: [0, 0, 1, 1, 2, 2], classNames: ['a', 'b', 'c'] });
    expect(e.accuracy).toBeCloseTo(4 / 6, 12);
    expect(e.confusion).toEqual([[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
    expect(e.perClass.map((m) => m.label)).toEqual(['a', 'b', 'c']);
    expect(e.perClass.map((m) => m.precision)).toEqual([0.5, 2 / 3, 1]);
    expect(e.perClass.map((m) => m.recall)).toEqual([0.5, 1, 0.5]);
    expect(e.perClass[1].f1).toBeCloseTo(0.8, 12);
    expect(e.perClass[2].f1).toBeCloseTo(2 / 3, 12);
    expect(e.perClass.map((m) => m.support)).toEqual([2, 2, 2]);
    expect(e.macro.precision).toBeCloseTo((0.5 + 2 / 3 + 1) / 3, 12);
    expect(e.macro.recall).toBeCloseTo(2 / 3, 12);
    expect(e.macro.f1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 12);
    // One-vs-rest: one curve per class, AUC the macro average.
    expect(e.roc.map((r) => r.label)).toEqual(['a', 'b', 'c']);
    // Pairs (positive, negative) ranked right, ties counting half: a 7/8, b 7/8, c (one tie at 0.3) 7.5/8.
    expect(e.roc.map((r) => r.auc)).toEqual([0.875, 0.875, 0.9375]);
    const aucs = e.roc.map((r) => r.auc as number);
    expect(e.auc).toBeCloseTo((aucs[0] + aucs[1] + aucs[2]) / 3, 12);
  });

  it('reads a single sigmoid unit as the probability of the second class', () => {
    const e = evaluateClassification({ probabilities: [0.2, 0.7, 0.6, 0.1], width: 1, labels: [0, 1, 0, 0] });
    expect(e.classes).toEqual(['0', '1']);
    expect(e.confusion).toEqual([[2, 1], [0, 1]]);
    expect(e.accuracy).toBe(0.75);
    expect(e.roc).toHaveLength(1);
    expect(e.roc[0].auc).toBe(1);
    expect(e.auc).toBe(1);
  });

  it('scores a class that is never predicted as 0 rather than NaN', () => {
    const e = evaluateClassification({ probabilities: [0.9, 0.1, 0.8, 0.2], width: 2, labels: [0, 1] });
    expect(e.perClass[1]).toEqual({ label: '1', precision: 0, recall: 0, f1: 0, support: 1 });
    expect(e.macro.f1).toBeCloseTo((2 / 3) / 2, 12);
  });

  it('refuses predictions that do not match the labels', () => {
    expect(() => evaluateClassification({ probabilities: [0.1, 0.9], width: 2, labels: [0, 1] })).toThrow(/expected 4 predictions/);
  });
});

describe('evaluateRegression', () => {
  it('computes MSE, MAE and R² by hand', () => {
    const e = evaluateRegression({ predictions: [1, 2, 3, 5], actual: [1, 2, 3, 4] });
    expect(e.mse).toBe(0.25);
    expect(e.mae).toBe(0.25);
    expect(e.r2).toBeCloseTo(0.8, 12);
    expect(e.pairs).toEqual([[1, 1], [2, 2], [3, 3], [4, 5]]);
  });
  it('R² is undefined when every true value is the same', () => {
    expect(evaluateRegression({ predictions: [1, 2], actual: [3, 3] }).r2).toBeNull();
  });
  it('keeps an evenly spaced sample of at most maxPoints pairs', () => {
    const actual = Array.from({ length: 5000 }, (_, i) => i);
    const e = evaluateRegression({ predictions: actual, actual });
    expect(e.pairs).toHaveLength(2000);
    expect(e.pairs[0]).toEqual([0, 0]);
    expect(e.pairs[1999]).toEqual([4999, 4999]);
    expect(e.r2).toBe(1);
    expect(sampleIndices(10, 4)).toEqual([0, 3, 6, 9]);
  });
});

describe('the evaluation schema', () => {
  it('accepts what the evaluators produce, as JSON, unchanged: one shape for trainer, history and readers', () => {
    const classification = evaluateClassification({ probabilities: [0.9, 0.1, 0.2, 0.8, 0.6, 0.4], width: 2, labels: [0, 1, 1], classNames: ['no', 'yes'] });
    const withSamples = { ...classification, positiveClass: 'yes', samples: testSamples([0.9, 0.1, 0.2, 0.8], 2, [0, 1], 0, (i) => `row ${i}`) };
    const regression = evaluateRegression({ predictions: [1, 2, NaN], actual: [1, 2, 3] });
    for (const e of [classification, withSamples, regression]) {
      const json = JSON.parse(JSON.stringify(e));
      expect(evaluationSchema.parse(json)).toEqual(json);
    }
    // NaN errors of a model that predicts NaN are null in JSON, and the schema says so.
    expect(evaluationSchema.parse(JSON.parse(JSON.stringify(regression)))).toMatchObject({ mse: null, pairs: [[1, 1], [2, 2], [3, null]] });
  });

  it('refuses a malformed evaluation, naming where', () => {
    const classification = evaluateClassification({ probabilities: [0.9, 0.1], width: 2, labels: [0] });
    const bad = evaluationSchema.safeParse({ ...classification, perClass: [{ label: 'a' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['perClass', 0, 'precision']);
    expect(evaluationSchema.safeParse({ task: 'clustering', count: 1 }).success).toBe(false);
  });
});
