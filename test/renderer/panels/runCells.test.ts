import { describe, expect, it } from 'vitest';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { differingSettings, settingsCell } from '../../../renderer/panels/runs/runCells.ts';
import { nextSampleIndex } from '../../../renderer/panels/tryit/useTestSample.ts';

const config = (partial: object) => makeTrainingConfig(partial);

describe('the runs table\'s settings cell', () => {
  it('lists the settings that differ across the listed runs, in the settings table\'s order', () => {
    const configs = [
      config({ epochs: 10, seed: 1, optimizer: { name: 'adam', learningRate: 0.01 }, batchSize: 8 }),
      config({ epochs: 10, seed: 2, optimizer: { name: 'adam', learningRate: 0.001 }, batchSize: 8 }),
      config({ epochs: 10, seed: 2, optimizer: { name: 'adam', learningRate: 0.001 }, batchSize: 8, classWeights: { a: 2 } }),
    ];
    expect(differingSettings(configs)).toEqual(['optimizer.learningRate', 'seed', 'classWeights']);
    expect(differingSettings(configs.slice(0, 1))).toEqual([]);
    expect(differingSettings([configs[0], configs[0]])).toEqual([]);
  });

  it('puts the differing settings first, then the key settings the runs share, with an explanation each', () => {
    const cell = settingsCell({ config: config({ epochs: 10, seed: 2, optimizer: { name: 'adam', learningRate: 0.001 }, batchSize: 8 }) }, ['optimizer.learningRate', 'seed']);
    expect(cell.differing.map((p) => p.text)).toEqual(['lr 0.001', 'seed 2']);
    expect(cell.same.map((p) => p.text)).toEqual(['adam', 'batch 8', '10 epochs']);
    expect(cell.differing[0].explanation).toMatch(/^Learning rate: How big each adjustment step is/);
  });
});

describe('another test sample', () => {
  it('always picks a different row while there is more than one', () => {
    for (let current = 0; current < 5; current++) {
      for (const r of [0, 0.2, 0.5, 0.99]) {
        const next = nextSampleIndex(current, 5, () => r);
        expect(next).not.toBe(current);
        expect(next).toBeGreaterThanOrEqual(0);
        expect(next).toBeLessThan(5);
      }
    }
    expect(nextSampleIndex(0, 1)).toBe(0);
  });
});
