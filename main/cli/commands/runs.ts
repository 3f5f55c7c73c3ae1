// `modelwright runs`: lists the recorded training runs, filtered and sorted, as a table or JSON, or
// exports them as CSV.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, UsageError, intFlag, parseCommandArgs, type CliCommand } from '../command.ts';
import { formatTable } from '../table.ts';
import { dbOption, dbUsage, formatDuration, formatMetric, formatTime, openHistory, orderMetrics, withHistory } from '../history.ts';
import { isRunStatus, parseSortSpec, runStatuses, type RunQuery, type RunSort, type RunSummary } from '../../../app/store/types.ts';

const usage = `Usage: modelwright runs [options]

Lists recorded training runs, newest first.

Options:
${dbUsage}
  --json           print the runs as a JSON array
  --status S       only runs with this status; several as S1,S2
                   (${runStatuses.join(', ')})
  --sort SPEC      order: a metric (best value, better first), e.g. val_accuracy or final:loss or
                   test:accuracy, optionally with :asc or :desc; or id, name, startedAt, durationMs, status
  --tag T          only runs tagged T
  --search TEXT    only runs whose name or note contains TEXT
  --did-not-learn  only completed runs whose model did not learn
  --sweep ID       only the trials of sweep ID (see "modelwright sweep")
  --project P      only runs of project P
  --dataset D      only runs on dataset D (source, name or path)
  --limit N        at most N runs (default 50; 0 for all)
  --offset N       skip the first N runs (paging)
  --export-csv FILE  write all matching runs (not only one page) as CSV to FILE`;

function tableOf(runs: RunSummary[], sort: RunSort | undefined): string {
  const sortMetric = sort?.by === 'metric' ? sort : undefined;
  const metricNames = orderMetrics([
    ...(sortMetric && sortMetric.scope !== 'test' ? [sortMetric.metric] : []),
    ...runs.flatMap((r) => Object.keys(r.best)),
  ]).slice(0, 4);
  const metricCol = (name: string) => (sortMetric?.metric === name && sortMetric.scope === 'final' ? 'final' : 'best');
  const testNames = orderMetrics([
    ...(sortMetric?.scope === 'test' ? [sortMetric.metric] : []),
    ...runs.flatMap((r) => Object.keys(r.test)),
  ]).slice(0, 2);
  const columns = [
    { header: 'ID', align: 'right' as const }, { header: 'NAME' }, { header: 'STATUS' }, { header: 'STARTED' },
    { header: 'DURATION', align: 'right' as const },
    ...metricNames.map((m) => ({ header: `${metricCol(m)} ${m}`, align: 'right' as const })),
    ...testNames.map((m) => ({ header: `test ${m}`, align: 'right' as const })),
    { header: 'TAGS' },
  ];
  const rows = runs.map((r) => [
    String(r.id), r.name, r.learned === false ? `${r.status}, did not learn` : r.status, formatTime(r.startedAt ?? r.createdAt), formatDuration(r.durationMs),
    ...metricNames.map((m) => formatMetric(metricCol(m) === 'final' ? r.final[m] : r.best[m])),
    ...testNames.map((m) => formatMetric(r.test[m])),
    r.tags.join(', '),
  ]);
  return formatTable(columns, rows);
}

export const runsCommand: CliCommand = {
  name: 'runs',
  summary: 'List recorded training runs (filter, sort, JSON, CSV export)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      ...dbOption,
      json: { type: 'boolean' },
      status: { type: 'string' },
      sort: { type: 'string' },
      tag: { type: 'string' },
      search: { type: 'string' },
      'did-not-learn': { type: 'boolean' },
      sweep: { type: 'string' },
      project: { type: 'string' },
      dataset: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      'export-csv': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`runs takes no arguments, got "${positionals[0]}"`);
    const query: RunQuery = {};
    if (values.status !== undefined) {
      const statuses = values.status.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = statuses.find((s) => !isRunStatus(s));
      if (bad !== undefined || statuses.length === 0) {
        throw new UsageError(`--status needs one of ${runStatuses.join(', ')}, got "${bad ?? values.status}"`);
      }
      query.status = statuses.filter(isRunStatus);
    }
    if (values.sort !== undefined) {
      try {
        query.sort = parseSortSpec(values.sort);
      } catch (err) {
        throw new UsageError(`--sort: ${(err as Error).message}`);
      }
    }
    if (values.tag !== undefined) query.tag = values.tag;
    if (values.search !== undefined) query.search = values.search;
    if (values['did-not-learn']) query.learned = false;
    if (values.sweep !== undefined) query.sweep = intFlag(values.sweep, '--sweep', 1);
    if (values.project !== undefined) query.project = values.project;
    if (values.dataset !== undefined) query.dataset = values.dataset;
    const limit = intFlag(values.limit, '--limit', 0) ?? 50;
    const offset = intFlag(values.offset, '--offset', 0) ?? 0;
    const csvFile = values['export-csv'];
    if (csvFile !== undefined && csvFile.trim() === '') throw new UsageError('--export-csv needs a file name');

    const store = openHistory(values.db, true);
    if (!store) {
      if (csvFile !== undefined) throw new CliError('there is no history database yet, so there are no runs to export; train a model first');
      io.stdout(values.json ? '[]\n' : 'No runs recorded yet.\n');
      return 0;
    }
    return withHistory(store, (s) => {
      if (csvFile !== undefined) {
        const csv = s.exportCsv(query);
        const count = s.listRuns({ ...query, limit: 0 }).total;
        const target = resolve(csvFile);
        try {
          writeFileSync(target, csv);
        } catch (err) {
          throw new CliError(`cannot write ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        io.stdout(`Wrote ${count} run${count === 1 ? '' : 's'} to ${target}\n`);
        return 0;
      }
      const runs = limit === 0 ? s.allRuns({ ...query, offset }).slice(offset) : s.listRuns({ ...query, limit, offset }).runs;
      if (values.json) {
        io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
        return 0;
      }
      const total = s.listRuns({ ...query, limit: 0 }).total;
      if (total === 0) {
        io.stdout(`No runs match${Object.keys(query).length ? ' these filters' : ''} in ${s.path}.\n`);
        return 0;
      }
      io.stdout(tableOf(runs, query.sort));
      if (runs.length < total) {
        const from = runs.length === 0 ? offset : offset + 1;
        io.stdout(`Showing ${from}–${offset + runs.length} of ${total} runs; use --limit and --offset for more.\n`);
      }
      return 0;
    });
  },
};
