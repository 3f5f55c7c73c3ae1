// `modelwright bench`: training throughput of the reference models on every backend that loads,
// beside a bare TF.js model.fit of the same model in the same run (the engine half of `npm run bench`).
import { UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { formatTable } from '../table.ts';
import { BACKEND_LADDER, type BackendName } from '../../engine/backends.ts';
import { REFERENCE_MODELS, type ReferenceModelName } from '../../engine/bench.ts';
import { runStudioEngineBench } from '../../trainer/engineBench.ts';
import { machineCores } from '../../engine/cores.ts';
import { threadsFlag } from '../threadsFlag.ts';

const usage = `Usage: modelwright bench [--backend B]... [--model M]... [--batch-size N] [--threads N]... [--json]

Measures training throughput (samples/s, warm-up excluded) of two reference models on every backend
that loads: the studio's own training loop and a bare TF.js model.fit script of the same model, in
the same run, so their ratio is fair on a busy machine.
  mlp  Input 784 → Dense 256 relu → Dense 128 relu → Dense 10 softmax, Adam
  cnn  Input 28×28×1 → Conv2D 16 3×3 relu → MaxPooling 2 → Conv2D 32 3×3 relu → MaxPooling 2 →
       Flatten → Dense 64 relu → Dense 10 softmax, Adam

Options:
  --backend B      ${BACKEND_LADDER.join(', ')} (repeatable; default: all that load)
  --model M        ${REFERENCE_MODELS.join(', ')} (repeatable; default: both)
  --batch-size N   default 64
  --threads N      cores wasm computes with, 1 to ${machineCores()} on this computer (repeatable: each count is
                   measured; default 1). More than 1 runs as training does: that many replicas of the
                   model, each on part of every batch ("split": true), unless splitting was not faster
                   in the first steps ("split": false: the batches stayed on one thread).
                   tensorflow and webgpu thread by themselves and are measured once (threads null)
  --json           print {"results": [{"model","backend","batchSize","threads","split",
                   "samplesPerSec","bareSamplesPerSec","bareSamplesPerCpuSec"}], "skipped": [...]}`;

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'Measure training throughput per backend, studio loop beside a bare TF.js model.fit',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      backend: { type: 'string', multiple: true },
      model: { type: 'string', multiple: true },
      'batch-size': { type: 'string' },
      threads: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const backends = (values.backend ?? []).map((b) => {
      if (!BACKEND_LADDER.includes(b as BackendName)) throw new UsageError(`--backend must be one of ${BACKEND_LADDER.join(', ')}, got "${b}"`);
      return b as BackendName;
    });
    const models = (values.model ?? []).map((m) => {
      if (!REFERENCE_MODELS.includes(m as ReferenceModelName)) throw new UsageError(`--model must be one of ${REFERENCE_MODELS.join(', ')}, got "${m}"`);
      return m as ReferenceModelName;
    });
    const batchText = values['batch-size'];
    const batchSize = batchText === undefined ? 64 : Number(batchText);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 4096) throw new UsageError(`--batch-size needs a whole number from 1 to 4096, got "${batchText}"`);

    const threads = (values.threads ?? []).map((t) => threadsFlag(t)!);
    // webgpu is measured in a child process: Dawn's native warnings are filtered out of its output there.
    const report = await runStudioEngineBench({
      backends: backends.length ? backends : undefined,
      models: models.length ? models : undefined,
      batchSize,
      threads: threads.length ? threads : undefined,
      onProgress: (m) => io.stderr(`measuring ${m}...\n`),
      forward: (text) => io.stderr(text),
    });
    if (values.json) {
      const results = report.results.map((r) => ({
        model: r.model, backend: r.backend, batchSize: r.batchSize, threads: r.threads, ...(r.split !== undefined ? { split: r.split } : {}),
        samplesPerSec: Math.round(r.samplesPerSec), bareSamplesPerSec: Math.round(r.bareSamplesPerSec),
        ...(r.bareSamplesPerCpuSec !== undefined ? { bareSamplesPerCpuSec: Math.round(r.bareSamplesPerCpuSec) } : {}),
      }));
      io.stdout(`${JSON.stringify({ results, skipped: report.skipped })}\n`);
      return 0;
    }
    const rows = report.results.map((r) => [
      r.model, r.backend, r.threads === null ? '-' : String(r.threads), String(r.batchSize), Math.round(r.samplesPerSec).toLocaleString('en-US'),
      Math.round(r.bareSamplesPerSec).toLocaleString('en-US'), (r.samplesPerSec / r.bareSamplesPerSec).toFixed(3),
    ]);
    const right = (header: string) => ({ header, align: 'right' as const });
    io.stdout(`${formatTable([{ header: 'model' }, { header: 'backend' }, right('threads'), right('batch'), right('studio samples/s'), right('bare samples/s'), right('studio ÷ bare')], rows)}\n`);
    for (const s of report.skipped) io.stdout(`${s.backend}: not measured (${s.reason})\n`);
    return 0;
  },
};
