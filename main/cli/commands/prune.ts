// `modelwright prune --run RUN_ID --sparsity F`: magnitude pruning of a trained run's Dense and convolution
// kernels with a short fine-tune, recorded as a child run of the original (docs/compression.md).
import { UsageError, intFlag, parseCommandArgs, type CliCommand } from '../command.ts';
import { dbUsage, formatMetric, openHistory, parseRunId, toCliError } from '../history.ts';
import { sparsityProblem } from '../../../app/training/pruning.ts';
import { planPrune } from '../../trainer/prunePlan.ts';
import { testSummary } from '../../trainer/recording.ts';
import { modelFolderSize } from '../../model/modelSize.ts';
import { closeStore, summaryText, trainAndReport } from './train.ts';

const usage = `Usage: modelwright prune --run RUN_ID --sparsity F [--epochs N] [--db PATH] [--json]

Prunes a trained run: the smallest weights of every Dense and convolution kernel (not the biases) are set
to exactly zero, rising to the target sparsity on a gradual schedule while the model is fine-tuned from the
run's own weights on the same data, split and settings. The result is a new run, a child of RUN_ID,
with its own test metrics and saved model (see docs/compression.md).

Options:
  --run RUN_ID     the trained run to prune
  --sparsity F     fraction of each kernel's weights that end exactly zero, between 0 and 1 (e.g. 0.8)
  --epochs N       fine-tune epochs (default: half the run's epochs, at least 1; 0 prunes without fine-tuning)
${dbUsage}
  --json           print {"runId", "parentRunId", "sparsity", "test", "layers", "size"} at the end

Exit codes: 0 the pruned run completed, 1 it failed, 2 bad usage or unreadable input.`;

const options = {
  run: { type: 'string' },
  sparsity: { type: 'string' },
  epochs: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}

export const pruneCommand: CliCommand = {
  name: 'prune',
  summary: 'Prune a trained run\'s kernels to a sparsity with a short fine-tune, as a child run',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options);
    if (positionals.length > 0) throw new UsageError(`prune takes no positional arguments (got "${positionals[0]}"); give --run RUN_ID`);
    if (values.run === undefined) throw new UsageError('give the run to prune with --run RUN_ID');
    if (values.sparsity === undefined) throw new UsageError('give the target sparsity with --sparsity F (e.g. 0.8 for 80% zeros)');
    const parentRunId = parseRunId(values.run);
    const sparsity = Number(values.sparsity);
    const problem = sparsityProblem(values.sparsity.trim() === '' ? NaN : sparsity);
    if (problem) throw new UsageError(`--sparsity: ${problem}`);
    const epochs = intFlag(values.epochs, '--epochs', 0);

    const store = openHistory(values.db);
    let plan;
    try {
      plan = planPrune(store, parentRunId, { sparsity, epochs });
    } catch (err) {
      closeStore(store);
      throw toCliError(err);
    }
    const parentTest = store.getRun(parentRunId).test;
    io.stderr(`pruning run ${parentRunId} to ${sparsity} sparsity over ${plan.config.epochs} fine-tune epoch${plan.config.epochs === 1 ? '' : 's'} (from ${plan.derived!.weightsFrom})\n`);
    return trainAndReport(store, { origin: 'cli', ...plan }, { json: values.json, strict: false }, io, async ({ runId, name, result }) => {
      const size = result.modelDir ? await modelFolderSize(result.modelDir).catch(() => null) : null;
      const layers = result.pruned ?? [];
      if (values.json) {
        io.stdout(`${JSON.stringify({
          runId, parentRunId, sparsity, test: testSummary(result),
          status: result.status, name,
          layers: layers.map((l) => ({ ...l, sparsity: l.weights > 0 ? l.zeros / l.weights : 0 })),
          size, modelDir: result.modelDir,
        })}\n`);
        return;
      }
      io.stdout(summaryText(result, runId, name));
      for (const l of layers) io.stdout(`pruned ${l.layer} (${l.className} kernel): ${l.zeros} of ${l.weights} weights are zero (${formatMetric(l.weights > 0 ? l.zeros / l.weights : 0)})\n`);
      const metric = 'accuracy' in parentTest ? 'accuracy' : 'mae' in parentTest ? 'mae' : null;
      const childTest = testSummary(result);
      if (metric && childTest) io.stdout(`test ${metric}: ${formatMetric(childTest[metric])} pruned, ${formatMetric(parentTest[metric])} for run ${parentRunId}\n`);
      if (size) io.stdout(`size on disk: ${formatBytes(size.raw)} raw, ${formatBytes(size.gzip)} gzipped\n`);
    });
  },
};
