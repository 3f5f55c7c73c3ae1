// Sweep throughput: the same sweep (the two-moons template, random trials over learning rate, batch size
// and the hidden layer's units) run with 1 and then 2 trainer processes at once, through the real runner,
// supervisor and history. Trials per minute of wall time, each sweep from its first trial's start to the
// last one's end (trainer start-up included, as a user waits for it).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { binaryClassifier } from '../../app/templates/binaryClassifier.ts';
import { trainingConfigSchema } from '../../app/training/config.ts';
import { parseSpace } from '../../app/tuning/space.ts';
import { openStore } from '../../main/store/experimentStore.ts';
import { createSweep, runSweep } from '../../main/services/sweepRunner.ts';
import { TrainingSupervisor } from '../../main/trainer/supervisor.ts';
import type { BenchResult } from './run.ts';

const TRIALS = Number(process.env.MW_BENCH_SWEEP_TRIALS ?? 8);
const EPOCHS = 20;

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-bench-sweep-'));
  const store = openStore(join(dir, 'history.db'));
  try {
    const results: BenchResult[] = [];
    const rates: number[] = [];
    for (const parallel of [1, 2]) {
      const { sweepId } = createSweep(store, {
        base: {
          project: 'bench moons', graph: binaryClassifier.graph, binding: binaryClassifier.dataset!,
          config: trainingConfigSchema.parse({ ...binaryClassifier.training, backend: 'wasm' }),
        },
        space: parseSpace({ 'optimizer.learningRate': { logUniform: [0.001, 0.1] }, batchSize: { choice: [16, 32, 64] }, 'layers.hidden_1.units': { choice: [8, 16, 32] } }),
        strategy: 'random', trials: TRIALS, seed: 11, metric: 'val_loss', epochs: EPOCHS,
      });
      const load = loadavg()[0];
      const t0 = performance.now();
      const detail = await runSweep(store, sweepId, { supervisor: new TrainingSupervisor(), parallel }).done;
      const minutes = (performance.now() - t0) / 60_000;
      const done = detail.trials.filter((t) => t.status === 'completed').length;
      if (done !== TRIALS) throw new Error(`sweep with ${parallel} trainer(s): only ${done} of ${TRIALS} trials completed`);
      rates.push(done / minutes);
      results.push({ name: `${parallel} trainer${parallel === 1 ? '' : 's'} at once`, value: done / minutes, unit: 'trials/min',
        note: `${TRIALS} trials × ${EPOCHS} epochs, two-moons MLP on wasm, ${(minutes * 60).toFixed(1)} s; load average ${load.toFixed(1)} before` });
    }
    results.push({ name: 'speed-up, 2 trainers ÷ 1', value: rates[1] / rates[0], unit: '×', note: 'on a machine shared with other work the second trainer competes for the same cores' });
    return results;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
