import { describe, expect, it } from 'vitest';
import { lineageRows } from '../../../app/store/lineageTree.ts';

const run = (id: number, parentRunId: number | null = null) => ({ id, parentRunId });
const shape = (rows: { run: { id: number }; depth: number }[]) => rows.map((r) => `${' '.repeat(r.depth)}${r.run.id}`);

describe('lineageRows', () => {
  it('puts each run under its parent, children in id order, depth first', () => {
    expect(shape(lineageRows([run(5, 1), run(1), run(2), run(3, 1), run(4, 3), run(6, 2)]))).toEqual(['1', ' 3', '  4', ' 5', '2', ' 6']);
  });

  it('shows a run whose parent is not listed (deleted, filtered out) as a root, and survives a cycle', () => {
    expect(shape(lineageRows([run(7, 99), run(8, 7)]))).toEqual(['7', ' 8']);
    expect(shape(lineageRows([run(1, 2), run(2, 1), run(3)]))).toEqual(['3']);
  });
});
