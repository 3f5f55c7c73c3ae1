// Experiment store benchmark: a history of 10,000 runs × 100 epochs × 4 metrics (4 million metric rows),
// generated in a temp folder through the public recording API, then the queries the UI needs timed on it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../../main/store/experimentStore.ts';
import { makeTrainingConfig } from '../../app/training/config.ts';
import type { Graph } from '../../app/graph/types.ts';
import type { BenchResult } from './run.ts';

const RUNS = Number(process.env.STORE_BENCH_RUNS ?? 10_000);
const EPOCHS = 100;
const METRICS = ['loss', 'accuracy', 'val_loss', 'val_accuracy'];

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn: () => unknown, repeats: number): number {
  fn(); // warm the statement cache and the page cache, as a UI that is already open would have
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Deterministic pseudo-random numbers so every bench run builds the same history. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function graphFor(units: number): Graph {
  return {
    layers: [
      { id: 'i', type: 'Input', name: 'input', params: { shape: [16] } },
      { id: 'h', type: 'Dense', name: 'hidden', params: { units, activation: 'relu' } },
      { id: 'o', type: 'Dense', name: 'output', params: { units: 3, activation: 'softmax' } },
    ],
    connections: [{ from: 'i', to: 'h', toSlot: 0 }, { from: 'h', to: 'o', toSlot: 0 }],
  };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-store-bench-'));
  const path = join(dir, 'history.db');
  const results: BenchResult[] = [];
  try {
    const store = openStore(path);
    const random = lcg(7);
    const graphs = [16, 32, 64, 128].map(graphFor);
    const statuses = ['completed', 'completed', 'completed', 'stopped', 'diverged'] as const;
    let createMs = 0;
    let ingestMs = 0;
    for (let r = 0; r < RUNS; r++) {
      let start = performance.now();
      const id = store.createRun({
        name: `run ${r}`,
        project: `project ${r % 20}`,
        graph: graphs[r % graphs.length],
        config: makeTrainingConfig({ optimizer: { learningRate: 0.0001 * (1 + (r % 50)) }, batchSize: 16 << (r % 4), epochs: EPOCHS, seed: r }),
        dataset: { source: `data/set${r % 5}.csv`, name: `set${r % 5}.csv`, rows: 1000 + (r % 5) * 100 },
        backend: 'wasm',
        tags: r % 10 === 0 ? ['baseline'] : [],
      });
      createMs += performance.now() - start;
      const ceiling = 0.5 + 0.5 * random();
      const rows = [];
      for (let e = 0; e < EPOCHS; e++) {
        const progress = 1 - Math.exp(-e / 20);
        const noise = (random() - 0.5) * 0.02;
        rows.push(
          { epoch: e, name: 'loss', value: 1.1 - progress * ceiling + noise },
          { epoch: e, name: 'accuracy', value: 0.33 + progress * (ceiling - 0.33) + noise },
          { epoch: e, name: 'val_loss', value: 1.15 - progress * ceiling * 0.95 - noise },
          { epoch: e, name: 'val_accuracy', value: 0.33 + progress * (ceiling - 0.35) - noise },
        );
      }
      start = performance.now();
      store.appendEpochMetricRows(id, rows);
      ingestMs += performance.now() - start;
      store.finishRun(id, statuses[r % statuses.length], { durationMs: 1000 + r, testMetrics: { accuracy: ceiling - 0.05, loss: 1 - ceiling } });
    }
    const metricRows = RUNS * EPOCHS * METRICS.length;
    results.push({ name: 'ingest, one transaction per run', value: metricRows / (ingestMs / 1000), unit: 'rows/s',
      note: `${metricRows.toLocaleString('en-US')} epoch metric rows (target ≥ 100,000)` });
    results.push({ name: 'createRun (durable)', value: createMs / RUNS, unit: 'ms' });

    // The trainer's real pattern: one transaction per epoch with 4 metrics.
    const live = store.createRun({ graph: graphs[0], config: makeTrainingConfig(), backend: 'wasm' });
    let start = performance.now();
    const liveEpochs = 2000;
    for (let e = 0; e < liveEpochs; e++) store.appendEpochMetrics(live, e, { loss: 1 / (e + 1), accuracy: e / liveEpochs, val_loss: 1 / (e + 2), val_accuracy: e / (liveEpochs + 1) });
    const perEpochMs = (performance.now() - start) / liveEpochs;
    results.push({ name: 'appendEpochMetrics (4 metrics)', value: perEpochMs, unit: 'ms', note: `${Math.round(4000 / perEpochMs).toLocaleString('en-US')} rows/s in one-epoch transactions` });

    start = performance.now();
    for (let b = 0; b < 100_000; b += 100) {
      store.appendBatchMetrics(live, Array.from({ length: 100 }, (_, i) => ({ step: b + i, values: { loss: 1 / (b + i + 1), accuracy: (b + i) / 100_000 } })));
    }
    store.flush();
    results.push({ name: 'batch metrics, 200,000 points', value: performance.now() - start, unit: 'ms', note: 'buffered, downsampled to ≤ 2,000 per series' });
    store.finishRun(live, 'completed');
    store.close();

    // Fresh open, as the app or CLI would: checks, migrations, interrupted-run sweep.
    start = performance.now();
    const reader = openStore(path);
    results.push({ name: 'open (checks + sweep)', value: performance.now() - start, unit: 'ms' });

    const page = reader.listRuns({ sort: { by: 'metric', metric: 'val_accuracy', scope: 'best' }, limit: 50 });
    if (page.runs.length !== 50 || page.total !== RUNS + 1) throw new Error(`page query returned ${page.runs.length} of ${page.total}`);
    for (let i = 1; i < page.runs.length; i++) {
      if ((page.runs[i].best.val_accuracy ?? -1) > (page.runs[i - 1].best.val_accuracy ?? -1)) throw new Error('page is not sorted by best val_accuracy');
    }
    results.push({ name: 'page of 50 by best val_accuracy', value: time(() => reader.listRuns({ sort: { by: 'metric', metric: 'val_accuracy' }, limit: 50 }), 30),
      unit: 'ms', note: `${(RUNS + 1).toLocaleString('en-US')} runs, with total count (target < 50 ms)` });
    results.push({ name: 'page 3 (offset 100), filtered', value: time(() => reader.listRuns({ project: 'project 3', status: 'completed', sort: { by: 'metric', metric: 'val_loss', scope: 'final' }, limit: 50, offset: 100 }), 30),
      unit: 'ms', note: 'project + status filter, final val_loss' });
    results.push({ name: 'search names and notes', value: time(() => reader.listRuns({ search: 'run 99', limit: 50 }), 30), unit: 'ms' });

    // The five best of the generated runs (100 epochs each); the long live run is timed on its own below.
    const ids = page.runs.filter((r) => r.id !== live).slice(0, 5).map((r) => r.id);
    const comparison = reader.compareRuns(ids);
    if (comparison.series.length !== METRICS.length || comparison.series[0].epochs.length !== EPOCHS) throw new Error('comparison is incomplete');
    results.push({ name: 'compare 5 runs', value: time(() => reader.compareRuns(ids), 30), unit: 'ms',
      note: 'aligned curves, config, data and graph diffs, test metrics (target < 50 ms)' });
    results.push({ name: 'one run in full', value: time(() => reader.getRun(ids[0]), 30), unit: 'ms', note: `${EPOCHS} epochs` });
    results.push({ name: 'one long run in full', value: time(() => reader.getRun(live), 30), unit: 'ms', note: `${liveEpochs.toLocaleString('en-US')} epochs + 2 × 2,000 batch points` });
    results.push({ name: 'leaderboard top 10 by test accuracy', value: time(() => reader.leaderboard('accuracy', { scope: 'test', limit: 10 }), 30), unit: 'ms' });
    start = performance.now();
    const csv = reader.exportCsv();
    results.push({ name: 'CSV export of all runs', value: performance.now() - start, unit: 'ms', note: `${(csv.length / 2 ** 20).toFixed(1)} MB` });
    reader.close();

    const bytes = statSync(path).size;
    results.push({ name: 'database size per run', value: bytes / (RUNS + 1) / 1024, unit: 'KiB',
      note: `${(bytes / 2 ** 20).toFixed(0)} MiB for ${(RUNS + 1).toLocaleString('en-US')} runs (${EPOCHS} epochs × ${METRICS.length} metrics each)` });
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
