// The positive class of a two-class evaluation: named, choosable, with its own precision, recall and F1.
import { describe, expect, it } from 'vitest';
import { evaluateClassification, positiveScores } from '../../../app/training/evaluate.ts';

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
});
