// Training throughput (samples/s, batch 64) of the reference mlp and cnn on every backend that loads,
// beside a bare TF.js model.fit, plus the bare figure with tfjs's stock wasm kernels for comparison.
import { WASM_TARGETS } from '../../main/engine/bench.ts';
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
  return rows;
}
