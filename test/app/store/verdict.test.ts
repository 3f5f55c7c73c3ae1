import { describe, expect, it } from 'vitest';
import { compareVerdict, standardError, type VerdictRun } from '../../../app/store/verdict.ts';
import type { Evaluation } from '../../../app/training/evaluate.ts';

const classified = (accuracy: number, count: number): Evaluation => ({
  task: 'classification', count, accuracy, classes: ['a', 'b'], perClass: [], macro: { precision: 0, recall: 0, f1: 0 }, confusion: [], roc: [], auc: null,
});
const run = (id: number, name: string, accuracy: number, count: number): VerdictRun => ({ id, name, test: { accuracy, loss: 0.3 }, evaluation: classified(accuracy, count) });

describe('which run is better on the held-out metric', () => {
  it('calls a small accuracy difference on a small test split run-to-run noise', () => {
    // By hand: p = 30/32 and 29/32 (one added success and failure each), 2·sqrt(p1(1−p1)/30 + p2(1−p2)/30) = 0.138.
    const v = compareVerdict([run(4, 'Table classifier on iris', 29 / 30, 30), run(5, 'lr 0.02', 28 / 30, 30)])!;
    expect(v).toMatchObject({ metric: 'accuracy', better: { id: 4 }, other: { id: 5 }, withinNoise: true });
    expect(v.difference).toBeCloseTo(1 / 30, 10);
    expect(v.sentence).toBe('“Table classifier on iris” (#4) is better on test accuracy: 96.7% against 93.3% for “lr 0.02” (#5), 3.3 points higher'
      + ' — within run-to-run noise: with 30 test rows, differences under 13.8 points can come from chance alone.');
  });

  it('calls the same difference real on a large test split', () => {
    const v = compareVerdict([run(1, 'a', 0.90, 5000), run(2, 'b', 0.93, 5000)])!;
    expect(v).toMatchObject({ better: { id: 2 }, withinNoise: false });
    expect(v.sentence).toMatch(/^“b” \(#2\) is better on test accuracy: 93\.0% against 90\.0% for “a” \(#1\), 3\.0 points higher — more than run-to-run noise \(±1\.1 points with 5000 test rows\)\.$/);
  });

  it('measures noise as two standard errors of the difference', () => {
    // p = (0.9·100 + 1) / 102; se = sqrt(p(1 − p)/100).
    const p = 91 / 102;
    expect(standardError('accuracy', 0.9, classified(0.9, 100))).toBeCloseTo(Math.sqrt((p * (1 - p)) / 100), 12);
    const v = compareVerdict([run(1, 'a', 0.9, 100), run(2, 'b', 0.9 + 1e-9, 100)])!;
    expect(v.noise).toBeCloseTo(2 * Math.sqrt(2) * Math.sqrt((p * (1 - p)) / 100), 6);
    // A perfect score still has some uncertainty.
    expect(standardError('accuracy', 1, classified(1, 30))).toBeGreaterThan(0);
  });

  it('with more than two runs, names the best and the runner-up', () => {
    const v = compareVerdict([run(1, 'a', 0.5, 1000), run(2, 'b', 0.8, 1000), run(3, 'c', 0.7, 1000)])!;
    expect(v.sentence).toMatch(/^“b” \(#2\) is best on test accuracy: 80\.0%, 10\.0 points higher than the next best, “c” \(#3\) at 70\.0% — more than run-to-run noise/);
  });

  it('judges regression on the mean absolute error, with its noise from the per-row errors', () => {
    const pairs = (offset: number): [number, number][] => Array.from({ length: 200 }, (_, i) => [i, i + offset + (i % 2 ? 0.5 : -0.5)]);
    const reg = (id: number, mae: number, offset: number): VerdictRun => ({
      id, name: `r${id}`, test: { mae, r2: 0.9 }, evaluation: { task: 'regression', count: 200, mse: 1, mae, r2: 0.9, pairs: pairs(offset) },
    });
    const v = compareVerdict([reg(1, 3.1, 3), reg(2, 1.05, 1)])!;
    expect(v).toMatchObject({ metric: 'mae', better: { id: 2 }, withinNoise: false });
    expect(v.sentence).toMatch(/^“r2” \(#2\) is better on test mean absolute error: 1\.05 against 3\.1 for “r1” \(#1\), 2\.05 lower — more than run-to-run noise/);
  });

  it('says when noise cannot be judged, when runs tie, and gives no verdict without two test scores', () => {
    const auc = (id: number, value: number): VerdictRun => ({ id, name: `x${id}`, test: { auc: value }, evaluation: null });
    expect(compareVerdict([auc(1, 0.7), auc(2, 0.8)])!.sentence).toMatch(/cannot be judged for this metric\.$/);
    expect(compareVerdict([run(1, 'a', 0.9, 30), run(2, 'b', 0.9, 30)])!.sentence).toBe('“a” (#1) and “b” (#2) score the same test accuracy: 90.0%.');
    expect(compareVerdict([run(1, 'a', 0.9, 30), { id: 2, name: 'failed', test: {}, evaluation: null }])).toBeNull();
  });
});
