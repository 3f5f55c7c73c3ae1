// `modelwright tradeoffs RUN_ID`: a trained run beside its variants — float16 and uint8 quantizations, pruned
// children, ensembles it is in — with test metric, size on disk and latency per sample (docs/compression.md).
import { formatBytes } from '../../../app/format.ts';
import type { TradeoffReport } from '../../../app/training/tradeoffs.ts';
import { CliError, UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { dbOption, dbUsage, formatMetric, openHistory, parseRunId, toCliError } from '../history.ts';
import { formatTable } from '../table.ts';
import { computeTradeoffs } from '../../export/tradeoffs.ts';
import { ExportError } from '../../export/runModel.ts';
import { ModelFolderError } from '../../model/modelFolder.ts';

const usage = `Usage: modelwright tradeoffs RUN_ID [--json] [options]

Measures a trained run and its variants on the run's own test rows: the original (float32), its float16 and
uint8 quantizations (as "export --quantize" writes them), its pruned children ("modelwright prune") and the
ensembles it is a member of. Columns: the test metric, the size of model.json and weights raw and gzipped,
and the median time to predict one sample (batch of 1) on this machine.

Options:
  --json           print the report as one JSON object (runId, metric, samples, latency, rows, notes)
${dbUsage}`;

export function tradeoffTable(report: TradeoffReport): string {
  const rows = report.rows.map((r) => [
    r.label, String(r.runId), formatMetric(r.metric), formatBytes(r.sizeRaw), formatBytes(r.sizeGzip),
    r.latencyMs === null ? '-' : `${r.latencyMs.toFixed(2)} ms`, r.quantization === 'none' ? `export --run ${r.runId}` : `export --run ${r.runId} --quantize ${r.quantization}`,
  ]);
  return formatTable([
    { header: 'variant' }, { header: 'run', align: 'right' }, { header: `test ${report.metric.name}`, align: 'right' },
    { header: 'size', align: 'right' }, { header: 'gzipped', align: 'right' }, { header: 'latency/sample', align: 'right' }, { header: 'to export' },
  ], rows);
}

export const tradeoffsCommand: CliCommand = {
  name: 'tradeoffs',
  summary: 'Compare a run with its quantized, pruned and fused variants: metric, size, latency',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...dbOption, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the RUN_ID of a trained run' : `give one RUN_ID, got ${positionals.length}`);
    const runId = parseRunId(positionals[0]);
    const store = openHistory(values.db);
    try {
      const report = await computeTradeoffs({ store, runId });
      if (values.json) {
        io.stdout(`${JSON.stringify(report)}\n`);
        return 0;
      }
      io.stdout(`Run ${report.runId} "${report.runName}" and its variants, on ${report.samples} test rows (${report.source === 'test-split' ? 'its test split' : 'random inputs: no metric'}); latency: median of ${report.latency.repetitions} × ${report.latency.samples} single-sample predictions on ${report.latency.backend}\n\n`);
      io.stdout(tradeoffTable(report));
      for (const r of report.rows) if (r.note) io.stdout(`note (${r.label}): ${r.note}\n`);
      for (const n of report.notes) io.stdout(`note: ${n}\n`);
      return 0;
    } catch (err) {
      if (err instanceof ExportError || err instanceof ModelFolderError) throw new CliError(err.message, 2);
      throw toCliError(err);
    } finally {
      store.close();
    }
  },
};
