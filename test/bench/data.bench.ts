// Streaming benchmark over a generated 2,000,000-row × 20-column CSV: the reader alone (fit pass + one
// pass of batches, in this process) and a real training epoch in a trainer process, which streams the
// file because it is over 64 MB; peak RSS of each (the target is under 1 GB). The file is deleted afterwards.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitCsvStreaming, streamCsvBatches } from '../../main/data/stream.ts';
import { startTraining } from '../../main/trainer/supervisor.ts';
import type { Graph } from '../../app/graph/types.ts';
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
    await writeNumericCsv(path, rows, 19, { learnable: true });
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
    const trained = await trainOneEpoch(path);
    return [
      { name: 'stream peak RSS (fit + 1 epoch)', value: Math.round(peak / 2 ** 20), unit: 'MB', note: `${note}; target < 1024 MB` },
      { name: 'stream fit pass', value: Math.round(rows / (fitMs / 1000)), unit: 'rows/s', note },
      { name: 'stream epoch (train split, batch 64)', value: Math.round(seen / (epochMs / 1000)), unit: 'rows/s', note: `${seen.toLocaleString('en-US')} training rows` },
      { name: 'trainer peak RSS (streamed fit + 1 training epoch)', value: trained.peakRssMb, unit: 'MB', note: `${note}; trainer process on ${trained.backend}; target < 1024 MB` },
      { name: 'trainer streamed epoch', value: Math.round(trained.samplesPerSec), unit: 'samples/s', note: `${trained.trainSamples.toLocaleString('en-US')} rows, MLP 19→16→3, batch 256, ${(trained.durationMs / 1000).toFixed(0)} s in all; accuracy ${trained.accuracy}` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One epoch over every row of the file in a trainer process (no held-out rows, so the epoch is the whole file). */
async function trainOneEpoch(path: string) {
  const graph: Graph = {
    layers: [
      { id: 'in', type: 'Input', name: 'features', params: { shape: [19] } },
      { id: 'h', type: 'Dense', name: 'hidden', params: { units: 16, activation: 'relu' } },
      { id: 'out', type: 'Dense', name: 'label', params: { units: 3, activation: 'softmax' } },
    ],
    connections: [{ from: 'in', to: 'h', toSlot: 0 }, { from: 'h', to: 'out', toSlot: 0 }],
  };
  const result = await startTraining({
    model: { kind: 'graph', graph },
    data: { kind: 'binding', binding: { source: path, target: 'label' } },
    config: { epochs: 1, batchSize: 256, validationSplit: 0, testSplit: 0, metrics: ['accuracy'], optimizer: { name: 'adam', learningRate: 0.01 } },
  }).done;
  if (result.status !== 'completed') throw new Error(`the streamed training run ended ${result.status}: ${result.message}`);
  if (!result.streamed) throw new Error('the trainer did not stream the file; the measurement would be of the in-memory path');
  if (result.peakRssMb === undefined) throw new Error('the trainer did not report its peak memory');
  const accuracy = result.history.accuracy?.[0];
  return { ...result, peakRssMb: result.peakRssMb, accuracy: typeof accuracy === 'number' ? accuracy.toFixed(3) : 'n/a' };
}
