// The positive class of a two-class evaluation: named, choosable, with its own precision, recall and F1.
import { describe, expect, it } from 'vitest';
import { evaluateClassification, positiveScores, rocCurve, rocCurvesFor } from '../../../app/training/evaluate.ts';

describe('positive class', () => {
  it('two classes: the second is positive by default, either can be chosen; more classes have none', () => {
    // 4 rows: labels [0,0,1,1]; sigmoid outputs predict [0,1,1,1].
    const e = evaluateClassification({ probabilities: [0.1, 0.7, 0.8, 0.9], width: 1, labels: [0, 0, 1, 1], classNames: ['no', 'yes'] });
    expect(e.positiveClass).toBe('yes');
    expect(positiveScores(e)).toMatchObject({ label: 'yes', precision: 2 / 3, recall: 1, f1: 0.8 });
    expect(positiveScores(e, 'no')).toMatchObject({ label: 'no', precision: 1, recall: 0.5 });
    const three = evaluateClassification({ probabilities: [1, 0, 0, 0, 1, 0, 0, 0, 1], width: 3, labels: [0, 1, 2] });
    expect(three.positiveClass).toBeUndefined();
    expect(positiveScores(three)).toBeNull();
  });

  it('draws the ROC curve for whichever class is positive: the other class\'s curve is the one computed directly', () => {
    const p = [0.1, 0.7, 0.8, 0.9, 0.3, 0.55, 0.2, 0.65];
    const labels = [0, 0, 1, 1, 0, 1, 1, 0];
    const e = evaluateClassification({ probabilities: p, width: 1, labels, classNames: ['no', 'yes'] });
    expect(rocCurvesFor(e, 'yes')).toBe(e.roc);
    const [no] = rocCurvesFor(e, 'no');
    const direct = rocCurve(p.map((x) => 1 - x), labels.map((l) => l === 0));
    expect(no.label).toBe('no');
    expect(no.auc).toBeCloseTo(direct.auc!, 12);
    // Same curve: every directly computed point lies on the reflected one (the reflection may keep extra collinear points).
    for (const [x, y] of direct.points) expect(no.points.some(([a, b]) => Math.abs(a - x) < 1e-12 && Math.abs(b - y) < 1e-12), `(${x}, ${y})`).toBe(true);
    expect(no.points[0]).toEqual([0, 0]);
    expect(no.points.at(-1)).toEqual([1, 1]);
  });
});
