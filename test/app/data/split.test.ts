// Seeded splits: determinism, proportions, disjointness, and the per-row hash used when streaming.
import { describe, expect, it } from 'vitest';
import { mulberry32, shuffledIndices, splitIndices, splitOfRow } from '../../../app/data/split.ts';

describe('splits', () => {
  const items = Array.from({ length: 1000 }, (_, i) => i);

  it('gives the same split for the same seed and a different one for another seed', () => {
    const a = splitIndices(items, { validationSplit: 0.2, testSplit: 0.1, seed: 7 });
    expect(splitIndices(items, { validationSplit: 0.2, testSplit: 0.1, seed: 7 })).toEqual(a);
    expect(splitIndices(items, { validationSplit: 0.2, testSplit: 0.1, seed: 8 }).test).not.toEqual(a.test);
    expect(shuffledIndices(10, 1)).toEqual(shuffledIndices(10, 1));
    expect(mulberry32(1)()).toBe(mulberry32(1)());
  });

  it('holds out testSplit of all rows and validationSplit of the rest, disjointly', () => {
    const s = splitIndices(items, { validationSplit: 0.25, testSplit: 0.2, seed: 1 });
    expect(s.test).toHaveLength(200);
    expect(s.validation).toHaveLength(200);
    expect(s.train).toHaveLength(600);
    expect(new Set([...s.train, ...s.validation, ...s.test]).size).toBe(1000);
  });

  it('always leaves a training row', () => {
    const s = splitIndices([0], { validationSplit: 0.5, testSplit: 0.5, seed: 1 });
    expect(s.train).toEqual([0]);
  });

  it('assigns streamed rows with the requested proportions, the same way every pass', () => {
    const counts = { train: 0, validation: 0, test: 0 };
    for (let i = 0; i < 100_000; i++) counts[splitOfRow(i, { validationSplit: 0.25, testSplit: 0.2, seed: 3 })]++;
    expect(counts.test / 1e5).toBeCloseTo(0.2, 1);
    expect(counts.validation / 1e5).toBeCloseTo(0.2, 1);
    expect(splitOfRow(123, { validationSplit: 0.25, testSplit: 0.2, seed: 3 })).toBe(splitOfRow(123, { validationSplit: 0.25, testSplit: 0.2, seed: 3 }));
  });
});
