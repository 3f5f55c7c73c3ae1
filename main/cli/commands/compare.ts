// `modelwright compare RUN_ID RUN_ID...`: 2–10 runs side by side: metrics, test results, and only the
// settings, data and layers that differ.
import { UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { formatTable } from '../table.ts';
import { dbOption, dbUsage, formatDuration, formatMetric, formatValue, openHistory, orderMetrics, parseRunId, withHistory } from '../history.ts';
import type { RunComparison } from '../../../app/store/types.ts';
import { comparisonWithVerdict } from '../../services/runs.ts';

const usage = `Usage: modelwright compare RUN_ID RUN_ID... [options]

Compares 2 to 10 runs: final and best metrics, test results, and what differs in configuration, data
and graph (layers are matched by name; each graph is compared with the first run's).

Options:
${dbUsage}
  --json           print the comparison as JSON (with every metric curve aligned by epoch)`;

/** Epochs run i recorded: one past the last epoch with any metric value. */
function epochsRecorded(c: RunComparison, i: number): number {
  let epochs = 0;
  for (const s of c.series) {
    s.values[i].forEach((v, j) => { if (v !== null) epochs = Math.max(epochs, s.epochs[j] + 1); });
  }
  return epochs;
}

function describe(c: RunComparison): string {
  const out: string[] = [];
  const runCols = c.runs.map((r) => ({ header: `#${r.id}`, align: 'right' as const }));
  out.push(formatTable(
    [{ header: '' }, ...runCols],
    [
      ['name', ...c.runs.map((r) => r.name)],
      ['status', ...c.runs.map((r) => r.status)],
      ['duration', ...c.runs.map((r) => formatDuration(r.durationMs))],
      ['epochs', ...c.runs.map((_, i) => String(epochsRecorded(c, i)))],
    ],
  ).trimEnd());
  const metrics = orderMetrics(c.series.map((s) => s.metric));
  if (metrics.length) {
    out.push('', 'Metrics:');
    const rows: string[][] = [];
    for (const m of metrics) {
      rows.push([`best ${m}`, ...c.runs.map((r) => formatMetric(r.best[m]))]);
      rows.push([`final ${m}`, ...c.runs.map((r) => formatMetric(r.final[m]))]);
    }
    out.push(formatTable([{ header: 'METRIC' }, ...runCols], rows).trimEnd());
  }
  if (c.testMetrics.length) {
    out.push('', 'Test results:');
    out.push(formatTable([{ header: 'METRIC' }, ...runCols], c.testMetrics.map((t) => [t.metric, ...t.values.map(formatMetric)])).trimEnd());
  }
  if (c.verdict) out.push('', c.verdict.sentence);
  out.push('', 'Configuration differences:');
  if (c.configDiff.length) out.push(formatTable([{ header: 'SETTING' }, ...runCols], c.configDiff.map((d) => [d.path, ...d.values.map(formatValue)])).trimEnd());
  else out.push('  none: every run used the same settings');
  if (c.datasetDiff.length) {
    out.push('', 'Data differences:');
    out.push(formatTable([{ header: 'DATA' }, ...runCols], c.datasetDiff.map((d) => [d.path, ...d.values.map(formatValue)])).trimEnd());
  }
  out.push('', 'Graph differences:');
  let any = false;
  c.graphDiffs.forEach((g, i) => {
    if (i === 0 || g.identical) return;
    any = true;
    out.push(`  #${c.runs[i].id} compared with #${c.runs[0].id}:`);
    for (const l of g.added) out.push(`    + ${l.name} (${l.type})`);
    for (const l of g.removed) out.push(`    - ${l.name} (${l.type})`);
    for (const ch of g.changed) {
      const parts = [
        ...(ch.type ? [`type ${ch.type.before} → ${ch.type.after}`] : []),
        ...ch.params.map((p) => `${p.key} ${formatValue(p.before)} → ${formatValue(p.after)}`),
        ...(ch.inputs ? [`inputs ${ch.inputs.before.join(', ') || '(none)'} → ${ch.inputs.after.join(', ') || '(none)'}`] : []),
      ];
      out.push(`    ~ ${ch.name}: ${parts.join('; ')}`);
    }
  });
  if (!any) out.push('  none: every run trained the same graph');
  return `${out.join('\n')}\n`;
}

export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'Compare 2–10 runs: metrics, test results, settings, data and graph differences',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...dbOption, json: { type: 'boolean' } });
    if (positionals.length < 2 || positionals.length > 10) {
      throw new UsageError(`compare takes 2 to 10 RUN_IDs, got ${positionals.length}`);
    }
    const ids = positionals.map((p) => parseRunId(p));
    return withHistory(openHistory(values.db), (store) => {
      const comparison = comparisonWithVerdict(store, ids);
      io.stdout(values.json ? `${JSON.stringify(comparison, null, 2)}\n` : describe(comparison));
      return 0;
    });
  },
};
