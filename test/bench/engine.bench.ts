// Training throughput (samples/s, batch 64) of the reference mlp and cnn on every backend that loads,
// beside a bare TF.js model.fit, plus the bare figure with tfjs's stock wasm kernels for comparison; and the
// cnn at batch 256 on wasm with every core against one thread (issue 18's target: ≥ 1.5× on 2 cores).
import { WASM_TARGETS, measureThreadScaling } from '../../main/engine/bench.ts';
import { median } from '../../app/training/tradeoffs.ts';
import { machineCores } from '../../main/engine/wasmThreads.ts';
import { runStudioEngineBench } from '../../main/trainer/engineBench.ts';
import type { BenchResult } from './run.ts';

export async function run(): Promise<BenchResult[]> {
  // webgpu runs in a child process whose output is filtered of Dawn's native warnings.
  const report = await runStudioEngineBench({ compareStockKernels: true, onProgress: (m) => process.stderr.write(`  engine: ${m}\n`) });
  const rows: BenchResult[] = [];
  for (const r of report.results) {
    const target = r.backend === 'wasm' ? `target ≥ ${WASM_TARGETS[r.model].toLocaleString('en-US')}` : undefined;
    rows.push({ name: `${r.model} ${r.backend} bare model.fit`, value: r.bareSamplesPerSec, unit: 'samples/s', note: target });
    if (r.bareSamplesPerCpuSec !== undefined) {
      rows.push({ name: `${r.model} ${r.backend} bare per CPU-second`, value: r.bareSamplesPerCpuSec, unit: 'samples/cpu-s', note: 'far less affected than wall time by other load on the machine' });
    }
    rows.push({ name: `${r.model} ${r.backend} studio`, value: r.samplesPerSec, unit: 'samples/s', note: r.note ?? 'the studio training loop (main/trainer/fitLoop.ts)' });
    rows.push({ name: `${r.model} ${r.backend} studio ÷ bare`, value: r.samplesPerSec / r.bareSamplesPerSec, unit: 'ratio', note: 'target ≥ 0.97; medians of 3 alternating pairs (bare against bare spreads about ±10% here)' });
    if (r.stockKernelsSamplesPerSec !== undefined) {
      rows.push({ name: `${r.model} ${r.backend} bare, stock tfjs kernels`, value: r.stockKernelsSamplesPerSec, unit: 'samples/s', note: 'before Modelwright kernel replacements' });
    }
  }
  for (const s of report.skipped) rows.push({ name: `${s.backend} backend`, value: NaN, unit: '', note: `skipped: ${s.reason}` });
  rows.push(...await threadScaling());
  return rows;
}

const PAIRS = 10;
const WINDOW_MS = 1500;

/**
 * cnn, batch 256, wasm: every core ÷ 1 thread, in one process as PAIRS pairs of WINDOW_MS windows in alternating order
 * (main/engine/bench.ts, measureThreadScaling): the median of the pairs' ratios, with their quartiles.
 */
async function threadScaling(): Promise<BenchResult[]> {
  const cores = machineCores();
  if (cores < 2) return [{ name: 'cnn wasm batch 256, threads', value: NaN, unit: '', note: 'skipped: this computer has one core' }];
  process.stderr.write(`  engine: cnn on wasm at batch 256, 1 and ${cores} threads in turn (${PAIRS} pairs)\n`);
  const scaling = await measureThreadScaling({ model: 'cnn', batchSize: 256, threads: cores, pairs: PAIRS, windowMs: WINDOW_MS });
  const ratios = scaling.pairs.map((p) => p.many / p.one).sort((a, b) => a - b);
  const atFraction = (q: number) => ratios[Math.round(q * (ratios.length - 1))].toFixed(2);
  const how = scaling.split === false
    ? 'the replicas did not split the batches (not faster in their first steps), so this is one thread\'s speed'
    : 'replicas of the model, each on part of every batch';
  const window = `one process, ${PAIRS} pairs of ${WINDOW_MS / 1000} s windows in alternating order`;
  return [
    { name: 'cnn wasm batch 256, 1 thread', value: median(scaling.pairs.map((p) => p.one)), unit: 'samples/s', note: `bare model.fit, median of ${PAIRS} windows (${window})` },
    { name: `cnn wasm batch 256, ${cores} threads`, value: median(scaling.pairs.map((p) => p.many)), unit: 'samples/s', note: `bare model.fit, median of ${PAIRS} windows; ${how}` },
    {
      name: `cnn wasm batch 256, ${cores} threads ÷ 1 thread`, value: scaling.ratio, unit: 'ratio',
      note: `target ≥ 1.5 on 2 cores; median of the ${PAIRS} pairs' ratios (${window}; quartiles ${atFraction(0.25)}–${atFraction(0.75)}, range ${atFraction(0)}–${atFraction(1)})`,
    },
    {
      name: `cnn wasm batch 256, ${cores} threads ÷ 1 thread, fastest windows`, value: scaling.bestRatio, unit: 'ratio',
      note: 'the fastest window of each side: the code when the machine leaves it alone (other work only slows a window down)',
    },
  ];
}
