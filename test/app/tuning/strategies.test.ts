// Grid, random and halving plans: seeded, within the space, the grid's levels as documented.
import { describe, expect, it } from 'vitest';
import { parseSpace } from '../../../app/tuning/space.ts';
import { fullGrid, gridValues, planTrials } from '../../../app/tuning/strategies.ts';
import { HalvingLadder, halvingRungs } from '../../../app/tuning/halving.ts';
import { bestOf, noBestYet, rankableMetrics, trialScore, unrecordedMetric } from '../../../app/tuning/ranking.ts';

const space = parseSpace({
  'optimizer.learningRate': { logUniform: [0.0001, 0.1] },
  batchSize: { choice: [16, 32, 64] },
  'layers.hidden_1.units': { int: [8, 64] },
  'layers.drop.rate': { uniform: [0, 0.5] },
});

describe('planTrials', () => {
  it('random: the same seed gives the same trials, another seed others, every value inside its range', () => {
    const a = planTrials(space, 'random', 20, 7).trials;
    expect(planTrials(space, 'random', 20, 7).trials).toEqual(a);
    expect(planTrials(space, 'random', 20, 8).trials).not.toEqual(a);
    expect(new Set(a.map((t) => JSON.stringify(t))).size).toBe(20);
    for (const t of a) {
      expect(t['optimizer.learningRate']).toBeGreaterThanOrEqual(0.0001);
      expect(t['optimizer.learningRate']).toBeLessThanOrEqual(0.1);
      expect([16, 32, 64]).toContain(t.batchSize);
      expect(Number.isInteger(t['layers.hidden_1.units'])).toBe(true);
      expect(t['layers.hidden_1.units']).toBeGreaterThanOrEqual(8);
      expect(t['layers.hidden_1.units']).toBeLessThanOrEqual(64);
      expect(t['layers.drop.rate']).toBeGreaterThanOrEqual(0);
      expect(t['layers.drop.rate']).toBeLessThanOrEqual(0.5);
    }
  });

  it('random: log-uniform samples spread over the powers of ten', () => {
    const lrs = planTrials(parseSpace({ lr: { logUniform: [0.0001, 0.1] } }), 'random', 300, 1).trials.map((t) => t.lr as number);
    const decades = [0, 0, 0];
    for (const lr of lrs) decades[Math.min(2, Math.floor(Math.log10(lr / 0.0001)))]++;
    for (const n of decades) expect(n).toBeGreaterThan(70);
  });

  it('grid: both ends and the middle of each range, every combination when there is room', () => {
    expect(gridValues({ kind: 'logUniform', low: 0.0001, high: 0.01 })).toEqual([0.0001, 0.001, 0.01]);
    expect(gridValues({ kind: 'uniform', low: 0, high: 0.5 })).toEqual([0, 0.25, 0.5]);
    expect(gridValues({ kind: 'int', low: 1, high: 4 })).toEqual([1, 2, 3, 4]);
    expect(gridValues({ kind: 'int', low: 8, high: 64 })).toEqual([8, 36, 64]);
    expect(fullGrid(space)).toHaveLength(81);
    const all = planTrials(space, 'grid', 100, 1);
    expect(all.trials).toHaveLength(81);
    expect(all.note).toMatch(/81 combinations/);
    const some = planTrials(space, 'grid', 10, 1);
    expect(some.trials).toHaveLength(10);
    expect(planTrials(space, 'grid', 10, 1).trials).toEqual(some.trials);
    const grid = fullGrid(space).map((t) => JSON.stringify(t));
    const positions = some.trials.map((t) => grid.indexOf(JSON.stringify(t)));
    expect(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]))).toBe(true);
  });
});

describe('successive halving', () => {
  it('judges at a third and a ninth of the epochs, never before epoch 2', () => {
    expect(halvingRungs(40)).toEqual([4, 13]);
    expect(halvingRungs(60)).toEqual([2, 6, 20]);
    expect(halvingRungs(10)).toEqual([3]);
    expect(halvingRungs(5)).toEqual([]);
  });

  it('keeps the best third at a rung (the first arrival always goes on) and stops the rest', () => {
    const ladder = new HalvingLadder([4], 'min');
    expect(ladder.decide(4, 0.5)).toBe(true); // alone: nothing to compare with
    expect(ladder.decide(4, 0.9)).toBe(false); // keeps 1 of 2
    expect(ladder.decide(4, 0.4)).toBe(true); // the best so far
    expect(ladder.decide(4, 0.45)).toBe(false); // keeps 1 of 4: 0.4 is better
    expect(ladder.decide(4, null)).toBe(false); // not measured: worst
    expect(ladder.decide(3, 99)).toBe(true); // not a rung
    const max = new HalvingLadder([2], 'max');
    expect(max.decide(2, 0.8)).toBe(true);
    expect(max.decide(2, 0.9)).toBe(true);
    expect(max.decide(2, 0.1)).toBe(false);
  });
});

describe('ranking', () => {
  it('scores a trial at the epoch whose weights it kept and picks the best by direction', () => {
    const history = { val_loss: [0.9, 0.3, 0.5], val_acc: [0.5, 0.9, 0.8] };
    expect(trialScore('val_loss', history, 3, null)).toBe(0.5);
    expect(trialScore('val_loss', history, 3, 1)).toBe(0.3);
    expect(trialScore('val_accuracy', history, 3, null)).toBe(0.8);
    expect(trialScore('val_loss', history, 0, null)).toBeNull();
    const items = [{ id: 1, score: 0.5 }, { id: 2, score: null }, { id: 3, score: 0.2 }, { id: 4, score: 0.2 }];
    expect(bestOf(items, 'min')?.id).toBe(3);
    expect(bestOf(items, 'max')?.id).toBe(1);
    expect(bestOf([{ score: null }], 'min')).toBeNull();
  });
});

describe('rankableMetrics', () => {
  it('offers what the trials record: the loss, then accuracy for classes or the mean absolute error for numbers', () => {
    expect(rankableMetrics('classification', [])).toEqual(['val_loss', 'val_accuracy']);
    expect(rankableMetrics('regression', [])).toEqual(['val_loss', 'val_mae']);
    // The project's own metrics replace the task's default, as they do in training.
    expect(rankableMetrics('regression', ['mse', 'mae'])).toEqual(['val_loss', 'val_mse', 'val_mae']);
    // Before the data is read, either may come.
    expect(rankableMetrics(null, [])).toEqual(['val_loss', 'val_accuracy', 'val_mae']);
  });
});

describe('unrecordedMetric', () => {
  it('says why no trial can be ranked on a metric the epochs never record, and nothing otherwise', () => {
    const regression = { loss: [0.5, 0.4], mae: [3, 2], val_loss: [0.6, 0.5], val_mae: [4, 3] };
    expect(unrecordedMetric('val_accuracy', regression)).toBe("the trials' epochs do not record val_accuracy (they record loss, mae, val_loss, val_mae): rank the trials on one of those, such as val_loss");
    expect(unrecordedMetric('val_mae', regression)).toBeNull();
    // acc and accuracy are the same metric; a trial that recorded nothing (failed at once) proves nothing.
    expect(unrecordedMetric('val_accuracy', { loss: [0.7], val_loss: [0.7], val_acc: [0.5] })).toBeNull();
    expect(unrecordedMetric('val_accuracy', {})).toBeNull();
  });
});

describe('noBestYet', () => {
  it('says no trial finished only while none has ended, else that those that ended have no score', () => {
    expect(noBestYet([{ status: 'running' }, { status: 'pending' }], 'validation accuracy')).toBe('No trial has finished yet.');
    expect(noBestYet([], 'validation loss')).toBe('No trial has finished yet.');
    expect(noBestYet([{ status: 'completed' }, { status: 'pending' }], 'validation accuracy'))
      .toBe("No trial has a validation accuracy to rank by yet (the one trial that ended has none: see each trial's status and run).");
    expect(noBestYet([{ status: 'failed' }, { status: 'stopped' }, { status: 'running' }], 'validation loss')).toMatch(/^No trial has a validation loss to rank by yet \(the 2 trials that ended/);
  });
});
