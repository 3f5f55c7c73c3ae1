// Streaming benchmark: one fit pass and one training epoch over a generated 2,000,000-row × 20-column
// CSV, reporting throughput and peak RSS (the target is under 1 GB). The file is deleted afterwards.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitCsvStreaming, streamCsvBatches } from '../../main/data/stream.ts';
import { peakRss, writeNumericCsv } from '../main/data/streamFixture.ts';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export async function run(rows = Number(process.env.MW_BENCH_STREAM_ROWS ?? 2_000_000)): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-bench-data-'));
  const path = join(dir, 'big.csv');
  try {
    await writeNumericCsv(path, rows);
    const mb = statSync(path).size / 2 ** 20;
    const binding = { source: path, target: 'label' };
    const t0 = performance.now();
    let fitMs = 0;
    const { result: seen, peak } = await peakRss(async () => {
      const fit = await fitCsvStreaming(path, binding);
      fitMs = performance.now() - t0;
      let n = 0;
      for await (const batch of streamCsvBatches(path, binding, fit.preprocessor, 64)) n += batch.size;
      return n;
    });
    const epochMs = performance.now() - t0 - fitMs;
    const note = `${rows.toLocaleString('en-US')} rows × 20 columns, ${mb.toFixed(0)} MB`;
    return [
      { name: 'stream peak RSS (fit + 1 epoch)', value: Math.round(peak / 2 ** 20), unit: 'MB', note: `${note}; target < 1024 MB` },
      { name: 'stream fit pass', value: Math.round(rows / (fitMs / 1000)), unit: 'rows/s', note },
      { name: 'stream epoch (train split, batch 64)', value: Math.round(seen / (epochMs / 1000)), unit: 'rows/s', note: `${seen.toLocaleString('en-US')} training rows` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
