// How ensemble outputs combine: means, the vote with its tie-break, and the weight fit on validation rows.
import { describe, expect, it } from 'vitest';
import { combineOutputs, fitLoss, fitWeights, voteOutputs } from '../../../app/training/ensemble.ts';

const f = (xs: number[]) => Float32Array.from(xs);

describe('combining member outputs', () => {
  it('averages, or weighs, the outputs', () => {
    const a = f([0.8, 0.2, 0.4, 0.6]);
    const b = f([0.6, 0.4, 0.0, 1.0]);
    expect([...combineOutputs('average', [a, b], 2, [0.9, 0.1])].map((v) => +v.toFixed(6))).toEqual([0.7, 0.3, 0.2, 0.8]);
    expect([...combineOutputs('weighted', [a, b], 2, [0.75, 0.25])].map((v) => +v.toFixed(6))).toEqual([0.75, 0.25, 0.3, 0.7]);
  });

  it('votes for the class most members predict, however sure the minority is', () => {
    // Two members say class 0 weakly, one says class 1 very surely: the average picks 1, the vote 0.
    const outs = [f([0.55, 0.45]), f([0.55, 0.45]), f([0.01, 0.99])];
    const avg = combineOutputs('average', outs, 2, []);
    expect(avg[1]).toBeGreaterThan(avg[0]);
    const vote = voteOutputs(outs, 2);
    expect(vote[0]).toBeGreaterThan(vote[1]);
    expect(vote[0] + vote[1]).toBeCloseTo(1, 6);
  });

  it('breaks a tied vote by the averaged probabilities; a sigmoid votes yes at 0.5', () => {
    const tie = voteOutputs([f([0.9, 0.1]), f([0.4, 0.6])], 2);
    expect(tie[0]).toBeGreaterThan(tie[1]);
    const sigmoid = voteOutputs([f([0.5]), f([0.2]), f([0.7])], 1);
    expect(sigmoid[0]).toBeGreaterThan(0.5);
  });
});

describe('fitting weights on validation rows', () => {
  it('gives the weight to the member that is right, non-negative and summing to 1', () => {
    const y = [0, 1, 1, 0];
    const good = f([0.9, 0.1, 0.2, 0.8, 0.1, 0.9, 0.8, 0.2]);
    const bad = f([0.3, 0.7, 0.6, 0.4, 0.7, 0.3, 0.4, 0.6]);
    const w = fitWeights('classification', [bad, good], 2, y);
    expect(w[0]).toBeGreaterThanOrEqual(0);
    expect(w[0] + w[1]).toBeCloseTo(1, 12);
    expect(w[1]).toBeGreaterThan(0.95);
    expect(fitLoss('classification', combineOutputs('weighted', [bad, good], 2, w), 2, y))
      .toBeLessThan(fitLoss('classification', combineOutputs('average', [bad, good], 2, []), 2, y));
  });

  it('finds the mix of two regressions whose errors cancel, and keeps equal weights without rows', () => {
    const y = [1, 2, 3, 4];
    const low = f([0.7, 1.7, 2.7, 3.7]);
    const high = f([1.6, 2.6, 3.6, 4.6]);
    const [wLow, wHigh] = fitWeights('regression', [low, high], 1, y);
    // 0.3 too low and 0.6 too high cancel at weights 2/3 and 1/3.
    expect(wLow).toBeCloseTo(2 / 3, 2);
    expect(wHigh).toBeCloseTo(1 / 3, 2);
    expect(fitWeights('regression', [low, high], 1, [])).toEqual([0.5, 0.5]);
  });
});
