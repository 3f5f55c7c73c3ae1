// The history as CSV, one row per run, for spreadsheets.
import Papa from 'papaparse';
import type { RunQuery, RunSummary } from '../../app/store/types.ts';
import type { StoreConnection } from './storeConnection.ts';
import { allRuns } from './queries.ts';

/** Runs matching the filters as CSV (RFC 4180 quoting; cells starting with = + - @ are escaped for spreadsheets). */
export function exportCsv(conn: StoreConnection, query: RunQuery = {}): string {
  const runs = allRuns(conn, query);
  const metricsOf = (pick: (r: RunSummary) => Record<string, unknown>) => [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
  const finals = metricsOf((r) => r.final);
  const bests = metricsOf((r) => r.best);
  const tests = metricsOf((r) => r.test);
  const fields = ['id', 'name', 'project', 'status', 'learned', 'startedAt', 'endedAt', 'durationMs', 'backend', 'seed', 'dataset', 'tags', 'note', 'error',
    ...finals.map((m) => `final.${m}`), ...bests.map((m) => `best.${m}`), ...tests.map((m) => `test.${m}`), 'config'];
  const data = runs.map((r) => [
    r.id, r.name, r.project ?? '', r.status, r.learned === null ? '' : String(r.learned), r.startedAt ?? '', r.endedAt ?? '', r.durationMs ?? '', r.backend, r.seed ?? '',
    r.dataset?.name ?? r.dataset?.source ?? '', r.tags.join(';'), r.note, r.error ?? '',
    ...finals.map((m) => r.final[m] ?? ''), ...bests.map((m) => r.best[m] ?? ''), ...tests.map((m) => r.test[m] ?? ''),
    JSON.stringify(r.config),
  ]);
  return Papa.unparse({ fields, data }, { escapeFormulae: true, newline: '\r\n' }) + '\r\n';
}
