// Setting importance on made-up trials where the answer is known: a setting that decides the score
// matters a lot (with the right lean), one that does not matters little.
import { describe, expect, it } from 'vitest';
import { rankCorrelation, settingImportance, varianceShare } from '../../../app/tuning/importance.ts';

describe('settingImportance', () => {
  // The loss falls as the learning rate rises; the batch size alternates and does not matter.
  const trials = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3].map((lr, i) => ({
    settings: { 'optimizer.learningRate': lr, batchSize: i % 2 ? 16 : 32, 'optimizer.name': 'adam' },
    score: 1 - Math.log10(lr / 0.001) / 3 + (i % 3) * 0.001,
  }));

  it('ranks the setting that decides the score first, says which way it leans, and the others matter little', () => {
    const result = settingImportance(trials, ['batchSize', 'optimizer.learningRate', 'optimizer.name'], 'min', 'validation loss');
    expect(result.map((r) => r.path)).toEqual(['optimizer.learningRate', 'batchSize', 'optimizer.name']);
    expect(result[0].share).toBeGreaterThan(0.8);
    expect(result[0].lean).toBe('higher');
    expect(result[0].text).toMatch(/^Matters a lot: \d+% of the differences in validation loss between trials go with this setting; higher values did better\.$/);
    expect(result[1].share).toBeLessThan(0.2);
    expect(result[1].text).toMatch(/^Matters little/);
    expect(result[2]).toMatchObject({ share: 0, text: 'Every trial used the same value, so its effect cannot be seen.' });
    // For a metric where higher is better, the same numbers lean the other way.
    expect(settingImportance(trials, ['optimizer.learningRate'], 'max', 'accuracy')[0].lean).toBe('lower');
  });

  it('waits for three scored trials', () => {
    const [r] = settingImportance([{ settings: { a: 1 }, score: 1 }, { settings: { a: 2 }, score: null }], ['a'], 'min', 'loss');
    expect(r).toMatchObject({ share: 0, lean: null, text: 'Not enough finished trials to tell yet (3 are needed).' });
  });

  it('computes the rank correlation and the variance share by the book', () => {
    expect(rankCorrelation([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(rankCorrelation([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(rankCorrelation([1, 1, 1], [1, 2, 3])).toBe(0);
    expect(varianceShare(['a', 'a', 'b', 'b'], [1, 1, 3, 3])).toBeCloseTo(1);
    expect(varianceShare(['a', 'b', 'a', 'b'], [1, 1, 3, 3])).toBeCloseTo(0);
  });
});
