// `modelwright show RUN_ID`: everything recorded about one run: settings, data, curves summary, test
// results, evaluation and saved model; --json prints the full record.
import { UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { formatBytes } from '../../../app/format.ts';
import { formatTable } from '../table.ts';
import {
  dbOption, dbUsage, formatDuration, formatMetric, formatTime, formatValue, openHistory, orderMetrics, parseRunId, withHistory,
} from '../history.ts';
import { flattenPaths } from '../../../app/store/diff.ts';
import type { RunDetail } from '../../../app/store/types.ts';

const usage = `Usage: modelwright show RUN_ID [options]

Shows everything recorded about one run.

Options:
${dbUsage}
  --json           print the full record as JSON (curves, batch metrics, evaluation, graph)
  --epochs         also print every epoch's metrics`;

function describe(run: RunDetail, epochs: boolean): string {
  const out: string[] = [];
  const field = (label: string, value: string) => out.push(`${`${label}:`.padEnd(12)} ${value}`);
  field('Run', `${run.id}  ${run.name}`);
  field('Status', run.status + (run.learned === false ? ' — did not learn' : '') + (run.error ? ` — ${run.error}` : ''));
  if (run.learning && !run.learning.learned) {
    field('Signs', run.learning.signs.join('; '));
    if (run.learning.cause) field('Cause', run.learning.cause);
    if (run.learning.advice) field('Try this', run.learning.advice);
  }
  if (run.project) field('Project', run.project);
  field('Started', formatTime(run.startedAt));
  field('Ended', formatTime(run.endedAt));
  field('Duration', formatDuration(run.durationMs));
  field('Backend', `${run.backend}${run.seed !== null ? `, seed ${run.seed}` : ''}, Modelwright ${run.appVersion}`);
  if (run.dataset) {
    const d = run.dataset;
    const facts = [d.rows !== undefined ? `${d.rows} rows` : '', d.sizeBytes !== undefined ? formatBytes(d.sizeBytes) : '',
      d.contentHash ? `hash ${d.contentHash.slice(0, 12)}` : ''].filter(Boolean);
    field('Data', `${d.path ?? d.source}${facts.length ? ` (${facts.join(', ')})` : ''}`);
  }
  if (run.ensemble) {
    const members = run.ensemble.members.map((m) => `${m.runId === null ? 'a deleted run' : `run ${m.runId}`}${run.ensemble!.method === 'weighted' ? ` (weight ${m.weight.toFixed(3)})` : ''}`);
    field('Ensemble', `${run.ensemble.method} of ${members.join(', ')}`);
  }
  if (run.fromImportedWeights) field('Weights', 'started from imported weights (modelwright import)');
  field('Graph', `${run.graph.layers.length} layers (${run.graph.layers.map((l) => l.type).join(' → ')}), ${run.graphHash.slice(0, 12)}`);
  if (run.tags.length) field('Tags', run.tags.join(', '));
  if (run.note) field('Note', run.note);

  out.push('', 'Configuration:');
  for (const [path, value] of flattenPaths(run.config)) out.push(`  ${path} = ${formatValue(value)}`);

  const metrics = orderMetrics(Object.keys(run.final));
  if (metrics.length) {
    out.push('', 'Metrics:');
    out.push(formatTable(
      [{ header: 'METRIC' }, { header: 'FINAL', align: 'right' }, { header: 'BEST', align: 'right' }, { header: 'BEST EPOCH', align: 'right' }],
      metrics.map((m) => [m, formatMetric(run.final[m]), formatMetric(run.best[m]), run.bestEpoch[m] !== undefined ? String(run.bestEpoch[m] + 1) : '-']),
    ).trimEnd());
  }
  if (epochs && metrics.length) {
    const steps = [...new Set(metrics.flatMap((m) => run.epochMetrics[m]?.map((p) => p.step) ?? []))].sort((a, b) => a - b);
    const byMetric = new Map(metrics.map((m) => [m, new Map((run.epochMetrics[m] ?? []).map((p) => [p.step, p.value]))]));
    out.push('', 'Epochs:');
    out.push(formatTable(
      [{ header: 'EPOCH', align: 'right' }, ...metrics.map((m) => ({ header: m, align: 'right' as const }))],
      steps.map((s) => [String(s + 1), ...metrics.map((m) => formatMetric(byMetric.get(m)!.get(s)))]),
    ).trimEnd());
  }
  const tests = orderMetrics(Object.keys(run.test));
  if (tests.length) {
    out.push('', 'Test results:');
    for (const m of tests) out.push(`  ${m} = ${formatMetric(run.test[m])}`);
  }
  const evaluation = run.evaluation;
  if (evaluation?.task === 'classification' && evaluation.classes.length <= 12) {
    out.push('', 'Confusion matrix (rows: actual, columns: predicted):');
    out.push(formatTable(
      [{ header: '' }, ...evaluation.classes.map((c) => ({ header: c, align: 'right' as const }))],
      evaluation.confusion.map((row, i) => [evaluation.classes[i], ...row.map(String)]),
    ).trimEnd());
    out.push('', 'Per class:');
    out.push(formatTable(
      [{ header: 'CLASS' }, { header: 'PRECISION', align: 'right' }, { header: 'RECALL', align: 'right' }, { header: 'F1', align: 'right' }, { header: 'SUPPORT', align: 'right' }],
      evaluation.perClass.map((c) => [c.label, formatMetric(c.precision), formatMetric(c.recall), formatMetric(c.f1), String(c.support)]),
    ).trimEnd());
  } else if (evaluation?.task === 'regression') {
    out.push('', `Regression: ${evaluation.count} test values, ${evaluation.pairs.length} actual/predicted pairs kept (see --json)`);
  }
  if (run.artifacts.length) {
    out.push('', 'Saved:');
    for (const a of run.artifacts) out.push(`  ${a.kind}: ${a.path}${a.sizeBytes !== null ? ` (${formatBytes(a.sizeBytes)})` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

export const showCommand: CliCommand = {
  name: 'show',
  summary: 'Show everything recorded about one run',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...dbOption, json: { type: 'boolean' }, epochs: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'show takes one RUN_ID' : 'give a RUN_ID (see "modelwright runs" for the ids)');
    const id = parseRunId(positionals[0]);
    return withHistory(openHistory(values.db), (store) => {
      const run = store.getRun(id);
      io.stdout(values.json ? `${JSON.stringify(run, null, 2)}\n` : describe(run, Boolean(values.epochs)));
      return 0;
    });
  },
};
