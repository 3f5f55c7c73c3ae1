// loadDataset from files and built-ins: encodings, size limits, and every built-in dataset's shape.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinDatasetIds } from '../../../app/data/binding.ts';
import { generated } from '../../../main/data/generateBuiltins.ts';
import { defaultResourcesDir, listBuiltinDatasets } from '../../../main/data/builtin.ts';
import { loadDataset, readTableFile } from '../../../main/data/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'mw-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('readTableFile', () => {
  it('reads Latin-1 bytes as Windows-1252 and says so', async () => {
    const bytes = Uint8Array.from([...Buffer.from('city,temp\n'), ...Buffer.from('Montr\xe9al,3\nK\xf6ln,5\n', 'latin1')]);
    const t = await readTableFile(file('latin1.csv', bytes));
    expect(t.encoding).toBe('windows-1252');
    expect(t.rows.map((r) => r[0])).toEqual(['Montréal', 'Köln']);
    expect(t.warnings.join()).toMatch(/not UTF-8/);
  });

  it('uses tabs for .tsv files even when cells contain commas', async () => {
    const t = await readTableFile(file('a.tsv', 'text\tlabel\nhello, world\ta\nbye, now\tb\n'));
    expect(t.columns).toEqual(['text', 'label']);
    expect(t.rows[0]).toEqual(['hello, world', 'a']);
  });

  it('refuses missing, empty, binary and too-large files with advice', async () => {
    await expect(readTableFile(join(dir, 'nope.csv'))).rejects.toThrow(/does not exist/);
    await expect(readTableFile(file('empty.csv', ''))).rejects.toThrow(/empty \(0 bytes\)/);
    await expect(readTableFile(file('sheet.csv', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 1, 2])))).rejects.toThrow(/not a text file/);
    await expect(readTableFile(file('big.csv', 'a,b\n' + '1,2\n'.repeat(1000)), { maxBytes: 100 })).rejects.toThrow(/streaming/);
  });
});

describe('loadDataset from a file', () => {
  it('resolves a relative path against baseDir and prepares splits', async () => {
    file('moons.csv', generated['two-moons']());
    const d = await loadDataset({ source: 'moons.csv', target: 'label' }, { baseDir: dir, seed: 1 });
    expect(d.task).toBe('classification');
    expect(d.classes).toEqual(['0', '1']);
    expect(d.train.count + d.validation.count + d.test.count).toBe(300);
    expect(d.encoding).toBe('utf-8');
  });
});

describe('built-in datasets', () => {
  const expected: Record<string, { inputShape: number[]; outputUnits: number; task: string; total: number }> = {
    iris: { inputShape: [4], outputUnits: 3, task: 'classification', total: 150 },
    mnist: { inputShape: [28, 28, 1], outputUnits: 10, task: 'classification', total: 3000 },
    'two-moons': { inputShape: [2], outputUnits: 2, task: 'classification', total: 300 },
    intents: { inputShape: [16], outputUnits: 4, task: 'classification', total: 823 },
    sentiment: { inputShape: [16], outputUnits: 2, task: 'classification', total: 902 },
    // 5 numeric columns + garage (2) + neighborhood (4) one-hot slots.
    housing: { inputShape: [11], outputUnits: 1, task: 'regression', total: 400 },
    // 32 readings t01 … t32; normal, drift, spike, oscillation, 150 each.
    sensors: { inputShape: [32], outputUnits: 4, task: 'classification', total: 600 },
  };

  it('lists every id with its documented facts', () => {
    const list = listBuiltinDatasets();
    expect(list.map((d) => d.id)).toEqual([...builtinDatasetIds]);
    for (const d of list) {
      expect(d.rows).toBe(expected[d.id].total);
      expect(d.columns).toContain(d.defaultTarget);
      expect(d.description.length).toBeGreaterThan(20);
    }
  });

  for (const id of builtinDatasetIds) {
    it(`loads builtin:${id} with the documented shape`, async () => {
      const d = await loadDataset({ source: `builtin:${id}` });
      const want = expected[id];
      expect(d.inputShape).toEqual(want.inputShape);
      expect(d.outputUnits).toBe(want.outputUnits);
      expect(d.task).toBe(want.task);
      expect(d.rows.used).toBe(want.total);
      expect(d.train.xShape).toEqual([d.train.count, ...want.inputShape]);
      expect(d.train.x.length).toBe(d.train.count * want.inputShape.reduce((a, b) => a * b, 1));
      expect(Array.from(d.train.x.subarray(0, 1000)).every(Number.isFinite)).toBe(true);
      if (d.task === 'classification') expect(new Set(d.train.y).size).toBe(want.outputUnits);
    });
  }

  it('has at least 400 intents roughly balanced over help, info, complaint and other', async () => {
    const d = await loadDataset({ source: 'builtin:intents' });
    expect(d.classes).toEqual(['complaint', 'help', 'info', 'other']);
    const counts = [0, 0, 0, 0];
    for (const s of [d.train, d.validation, d.test]) s.y.forEach((c) => counts[c]++);
    expect(counts.reduce((a, b) => a + b)).toBeGreaterThanOrEqual(400);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(90);
  });

  it('commits exactly what the generator writes (deterministic built-ins)', () => {
    for (const [id, make] of Object.entries(generated)) {
      expect(readFileSync(join(defaultResourcesDir(), `${id}.csv`), 'utf8')).toBe(make());
    }
  });

  it('resizes MNIST when the binding asks for another size', async () => {
    const d = await loadDataset({ source: 'builtin:mnist', kind: 'images', image: { width: 14, height: 14, channels: 1 } });
    expect(d.inputShape).toEqual([14, 14, 1]);
    expect(d.train.x.length).toBe(d.train.count * 14 * 14);
  });

  it('refuses an unknown built-in with the list of known ones', async () => {
    await expect(loadDataset({ source: 'builtin:cifar' })).rejects.toThrow(/no built-in dataset "cifar".*"iris"/);
  });
});
