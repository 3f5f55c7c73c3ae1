import { describe, expect, it } from 'vitest';
import { diffGraphs } from '../../../app/store/diff.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { architectureLines, bestIndex, settingRows } from '../../../renderer/panels/runs/compareDiff.ts';

describe('settingRows', () => {
  const a = makeTrainingConfig({ optimizer: { learningRate: 0.01 } });
  const b = makeTrainingConfig({ optimizer: { learningRate: 0.001 } });
  const c = makeTrainingConfig({ optimizer: { learningRate: 0.01 }, epochs: 20 });

  it('marks only the settings that differ, cell by cell against the first run', () => {
    const rows = settingRows([a, b, c]);
    const lr = rows.find((r) => r.path === 'optimizer.learningRate')!;
    expect(lr.differs).toBe(true);
    expect(lr.changed).toEqual([false, true, false]);
    const epochs = rows.find((r) => r.path === 'epochs')!;
    expect(epochs.changed).toEqual([false, false, true]);
    const batch = rows.find((r) => r.path === 'batchSize')!;
    expect(batch.differs).toBe(false);
    expect(batch.changed).toEqual([false, false, false]);
  });

  it('can leave out the settings all runs share', () => {
    expect(settingRows([a, b, c], true).map((r) => r.path)).toEqual(['optimizer.learningRate', 'epochs']);
    expect(settingRows([a, a], true)).toEqual([]);
  });

  it('treats a setting one run lacks as different, and key order as irrelevant', () => {
    const rows = settingRows([{ x: { p: 1, q: 2 }, arr: [1, 2] }, { arr: [1, 2], x: { q: 2, p: 1 }, extra: true }], true);
    expect(rows.map((r) => r.path)).toEqual(['extra']);
    expect(rows[0].values).toEqual([null, true]);
  });
});

describe('architectureLines', () => {
  it('describes added, removed and changed layers', () => {
    const base = {
      layers: [
        { id: 'in', type: 'Input', name: 'input', params: { shape: [4] } },
        { id: 'd1', type: 'Dense', name: 'hidden', params: { units: 16 } },
        { id: 'd2', type: 'Dense', name: 'out', params: { units: 3 } },
      ],
      connections: [{ from: 'in', to: 'd1', toSlot: 0 }, { from: 'd1', to: 'd2', toSlot: 0 }],
    };
    const other = {
      layers: [
        { id: 'in', type: 'Input', name: 'input', params: { shape: [4] } },
        { id: 'd1', type: 'Dense', name: 'hidden', params: { units: 32 } },
        { id: 'dr', type: 'Dropout', name: 'drop', params: { rate: 0.2 } },
        { id: 'd2', type: 'Dense', name: 'out', params: { units: 3 } },
      ],
      connections: [{ from: 'in', to: 'd1', toSlot: 0 }, { from: 'd1', to: 'dr', toSlot: 0 }, { from: 'dr', to: 'd2', toSlot: 0 }],
    };
    const lines = architectureLines(diffGraphs(base as never, other as never));
    expect(lines).toContainEqual({ kind: 'added', text: '+ drop (Dropout)' });
    expect(lines.find((l) => l.text.startsWith('~ hidden'))?.text).toContain('units 16 → 32');
    expect(lines.find((l) => l.text.startsWith('~ out'))?.text).toContain('inputs hidden → drop');
    expect(architectureLines(diffGraphs(base as never, base as never))).toEqual([]);
  });
});

describe('bestIndex', () => {
  it('picks the highest accuracy and the lowest loss, skipping missing values', () => {
    expect(bestIndex('accuracy', [0.8, null, 0.9, 0.85])).toBe(2);
    expect(bestIndex('val_loss', [0.3, 0.2, null])).toBe(1);
    expect(bestIndex('loss', [null, null])).toBeNull();
  });

});
