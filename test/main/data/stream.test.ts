// Streaming: same preprocessing as in memory, record boundaries across 1 MB pieces, and flat memory
// over a large file (250,000 rows here; the 2,000,000-row measurement is test/bench/data.bench.ts).
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../app/data/csv.ts';
import { prepareTable } from '../../../app/data/prepare.ts';
import { csvChunks, fitCsvStreaming, streamCsvBatches } from '../../../main/data/stream.ts';
import { peakRss, writeNumericCsv } from './streamFixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'mw-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streaming', () => {
  it('fits the same scalers and encodes the same rows as the in-memory path', async () => {
    const path = join(dir, 'small.csv');
    const lines = ['a,b,color,y'];
    for (let i = 0; i < 3000; i++) lines.push(`${i % 97},${(i * 13) % 50}.5,${['red', 'green', 'blue'][i % 3]},${i % 2 ? 'yes' : 'no'}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const binding = { source: path, target: 'y' };
    const none = { testSplit: 0, validationSplit: 0 };
    const fit = await fitCsvStreaming(path, binding, none);
    const memory = prepareTable(parseCsv(lines.join('\n')), binding, none);
    expect(fit.counts).toMatchObject({ total: 3000, train: 3000, dropped: 0 });
    const a = fit.preprocessor.toJSON();
    const b = memory.preprocessor.toJSON();
    expect(a.features.map((f) => f.kind)).toEqual(b.features.map((f) => f.kind));
    a.features.forEach((f, i) => {
      const g = b.features[i];
      if (f.kind === 'numeric' && g.kind === 'numeric') {
        expect(f.center).toBeCloseTo(g.center, 9);
        expect(f.scale).toBeCloseTo(g.scale, 9);
      } else expect(f).toEqual(g);
    });
    const first = (await streamCsvBatches(path, binding, fit.preprocessor, 4, { ...none, split: 'all' }).next()).value!;
    expect(first.xShape).toEqual([4, 5]);
    expect(Array.from(first.x.subarray(0, 5))).toEqual(Array.from(fit.preprocessor.encodeRow({ a: '0', b: '0.5', color: 'red' })));
    expect(Array.from(first.y)).toEqual([0, 1, 0, 1]);
  });

  it('keeps quoted newlines intact across 1 MB read boundaries', async () => {
    const path = join(dir, 'quoted.csv');
    const rows = ['text,label'];
    for (let i = 0; i < 6000; i++) rows.push(`"line ${i}\n${'x'.repeat(200)}, still the same field",${i % 2}`);
    writeFileSync(path, `${rows.join('\n')}\n`);
    expect(statSync(path).size).toBeGreaterThan(1 << 20);
    let count = 0;
    for await (const chunk of csvChunks(path)) {
      for (const row of chunk) {
        expect(row).toHaveLength(2);
        count++;
      }
    }
    expect(count).toBe(6001);
  });

  it('visits the same held-out rows in every pass and keeps the splits disjoint', async () => {
    const path = join(dir, 'split.csv');
    await writeNumericCsv(path, 2000, 3);
    const opts = { testSplit: 0.2, validationSplit: 0.25, seed: 4 };
    const fit = await fitCsvStreaming(path, { source: path, target: 'label' }, opts);
    const sizes: Record<string, number> = {};
    for (const split of ['train', 'validation', 'test'] as const) {
      sizes[split] = 0;
      for await (const b of streamCsvBatches(path, { source: path, target: 'label' }, fit.preprocessor, 64, { ...opts, split })) sizes[split] += b.size;
    }
    expect(sizes).toEqual({ train: fit.counts.train, validation: fit.counts.validation, test: fit.counts.test });
    expect(sizes.train + sizes.validation + sizes.test).toBe(2000);
  });

  it('streams a 250,000 × 20 CSV (fit + one epoch) with peak RSS far below 1 GB', async () => {
    const rows = 250_000;
    const path = join(dir, 'big.csv');
    await writeNumericCsv(path, rows);
    const binding = { source: path, target: 'label' };
    const started = performance.now();
    const { result: seen, peak } = await peakRss(async () => {
      const fit = await fitCsvStreaming(path, binding);
      let n = 0;
      for await (const batch of streamCsvBatches(path, binding, fit.preprocessor, 512)) {
        expect(batch.xShape[1]).toBe(19);
        n += batch.size;
      }
      return { n, train: fit.counts.train };
    });
    rmSync(path);
    expect(seen.n).toBe(seen.train);
    expect(seen.n).toBeGreaterThan(rows * 0.55);
    process.stdout.write(`stream: ${rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB\n`);
    expect(peak).toBeLessThan(1024 * 2 ** 20);
  });
});
