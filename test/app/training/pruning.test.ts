import { describe, expect, it } from 'vitest';
import { isMaskUpdateStep, prunedCount, pruneSpecSchema, scheduledSparsity, sparsityProblem } from '../../../app/training/pruning.ts';

describe('pruning schedule', () => {
  const spec = pruneSpecSchema.parse({ sparsity: 0.8 });

  it('rises from 0 to the target by 70% of the steps, monotonically, and stays there', () => {
    const total = 100;
    const values = Array.from({ length: total }, (_, s) => scheduledSparsity(spec, s, total));
    expect(values[0]).toBeGreaterThan(0);
    expect(values[0]).toBeLessThan(0.1);
    for (let s = 1; s < total; s++) expect(values[s]).toBeGreaterThanOrEqual(values[s - 1]);
    expect(values[69]).toBeCloseTo(0.8, 10);
    expect(values[99]).toBe(0.8);
    // Fast at first: half the target well before half the ramp.
    expect(values[17]).toBeGreaterThan(0.4);
  });

  it('updates masks every `frequency` steps during the ramp and once at its end', () => {
    const updates = Array.from({ length: 100 }, (_, s) => s).filter((s) => isMaskUpdateStep(spec, s, 100));
    expect(updates).toEqual([0, 9, 19, 29, 39, 49, 59, 69, 70]);
  });

  it('prunes whole weights rounded up, so a kernel is never below its target', () => {
    expect(prunedCount(144, 0.8)).toBe(116);
    expect(prunedCount(10, 0.8)).toBe(8);
  });

  it('accepts a sparsity strictly between 0 and 1 only', () => {
    expect(sparsityProblem(0.5)).toBeNull();
    for (const bad of [0, 1, -0.1, 1.5, Number.NaN, '0.5']) expect(sparsityProblem(bad)).toMatch(/between 0 and 1/);
    expect(() => pruneSpecSchema.parse({ sparsity: 1 })).toThrow();
  });
});
