// The raw test rows Try it shows are the very rows training holds out: for a table and a text dataset,
// encoding loadTableSplit's test rows gives loadDataset's test split exactly.
import { describe, expect, it } from 'vitest';
import { loadDataset, loadTableSplit } from '../../../main/data/load.ts';

describe('raw test rows', () => {
  for (const source of ['builtin:iris', 'builtin:intents']) {
    it(`${source}: the raw test rows encode to the trainer's test split`, async () => {
      const options = { validationSplit: 0.25, testSplit: 0.3, seed: 7 };
      const prepared = await loadDataset({ source }, options);
      const split = (await loadTableSplit({ source }, options))!;
      const rows = split.split.test.map((i) => split.rows[i]);
      expect(rows).toHaveLength(prepared.test.count);
      const size = prepared.inputShape.reduce((a, b) => a * b, 1);
      rows.forEach((cells, n) => {
        const row = Object.fromEntries(split.columns.map((c, i) => [c, cells[i]]));
        expect(Array.from(prepared.preprocessor.encodeRow(row))).toEqual(Array.from(prepared.test.x.subarray(n * size, (n + 1) * size)));
      });
    });
  }

  it('has no raw rows for image data', async () => {
    expect(await loadTableSplit({ source: 'builtin:mnist' })).toBeNull();
  });
});
