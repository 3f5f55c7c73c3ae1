// How ensemble outputs combine: means, the vote with its tie-break, and the weight fit on validation rows.
import { describe, expect, it } from 'vitest';
import { combineOutputs, fitLoss, fitWeights, identicalMembers, identicalMembersNote, voteOutputs } from '../../../app/training/ensemble.ts';

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

describe('identical members', () => {
  it('groups the runs whose outputs are the same on every row and says what to do', () => {
    const a = f([0.8, 0.2, 0.4, 0.6]);
    const b = f([0.8, 0.2, 0.40002, 0.6000001]);
    const c = f([0.8, 0.2, 0.4, 0.601]);
    expect(identicalMembers([a, c, b], [4, 5, 6])).toEqual([[4, 6]]);
    expect(identicalMembers([a, c], [4, 5])).toEqual([]);
    expect(identicalMembers([a, b, f([0.8, 0.2, 0.4, 0.6]), c, f([0.8, 0.2, 0.4, 0.60101])], [1, 2, 3, 4, 5])).toEqual([[1, 2, 3], [4, 5]]);
    // Regression outputs in the target's units: the tolerance follows their size.
    expect(identicalMembers([f([250_000, 310_000]), f([250_010, 310_000])], [1, 2])).toEqual([[1, 2]]);
    expect(identicalMembers([f([250_000, 310_000]), f([250_100, 310_000])], [1, 2])).toEqual([]);
    expect(identicalMembersNote([])).toBeNull();
    expect(identicalMembersNote([[2, 1]])).toBe('runs #2 and #1 give the same answers on every test row (the same settings and seed train the same model), so fusing them adds nothing: train the members with different random seeds and one split seed');
    expect(identicalMembersNote([[1, 2, 3], [4, 5]])).toMatch(/^runs #1, #2 and #3; #4 and #5 give the same answers/);
  });
});
