// The history queries: runs filtered, sorted (by a field or by a metric through its index) and paged,
// the leaderboard, and everything recorded about one run.
import {
  metricDirection, runStatuses,
  type ArtifactInfo, type DatasetInfo, type LeaderboardEntry, type MetricPoint, type MetricScope, type RunDetail,
  type RunKind, type RunPage, type RunQuery, type RunSort, type RunStatus, type RunSummary,
} from '../../app/store/types.ts';
import type { LearningCheck } from '../../app/training/learning.ts';
import { evaluationSchema, type Evaluation } from '../../app/training/evaluate.ts';
import { StoreError } from './errors.ts';
import { checkRunId, iso, type StoreConnection } from './storeConnection.ts';

const defaultPageSize = 50;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

interface RunRow {
  id: number; name: string; project_name: string | null; status: RunStatus; error: string | null; note: string;
  created_at: number; started_at: number | null; ended_at: number | null; updated_at: number; duration_ms: number | null;
  backend: string; seed: number | null; app_version: string; graph_hash: string; config_json: string;
  dataset_binding_json: string | null; writer_pid: number | null; writer_host: string | null; writer_token: string | null;
  ds_source: string | null; ds_name: string | null; ds_path: string | null; ds_size: number | null; ds_hash: string | null;
  ds_rows: number | null; ds_columns: string | null; ds_roles: string | null;
  learned: number | null; learning_json: string | null; sweep_id: number | null; sweep_trial: number | null;
  kind: RunKind; parent_run_id: number | null; from_imported: number;
}

const runSelect = `
  SELECT r.id, r.name, p.name AS project_name, r.status, r.error, r.note, r.created_at, r.started_at, r.ended_at,
         r.updated_at, r.duration_ms, r.backend, r.seed, r.app_version, g.hash AS graph_hash, r.config_json,
         r.dataset_binding_json, r.writer_pid, r.writer_host, r.writer_token,
         d.source AS ds_source, d.name AS ds_name, d.path AS ds_path, d.size_bytes AS ds_size, d.content_hash AS ds_hash,
         d.row_count AS ds_rows, d.columns_json AS ds_columns, d.roles_json AS ds_roles, r.learned, r.learning_json,
         r.sweep_id, r.sweep_trial, r.kind, r.parent_run_id,
         CASE WHEN json_valid(r.derivation_json) THEN json_extract(r.derivation_json, '$.importedWeights') IS NOT NULL ELSE 0 END AS from_imported
  FROM runs r
  JOIN graph_versions g ON g.id = r.graph_version_id
  LEFT JOIN projects p ON p.id = r.project_id
  LEFT JOIN datasets d ON d.id = r.dataset_id`;

/** Names of all metrics ever recorded (for sort menus). */
export function metricNames(conn: StoreConnection): string[] {
  return conn.read(() => (conn.stmt('SELECT name FROM metric_names ORDER BY name').all() as { name: string }[]).map((r) => r.name));
}

function whereClause(query: RunQuery): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (query.project !== undefined) {
    clauses.push('r.project_id = (SELECT id FROM projects WHERE name = ?)');
    params.push(query.project);
  }
  if (query.dataset !== undefined) {
    clauses.push('r.dataset_id IN (SELECT id FROM datasets WHERE source = ? OR name = ? OR path = ?)');
    params.push(query.dataset, query.dataset, query.dataset);
  }
  if (query.status !== undefined) {
    const statuses = Array.isArray(query.status) ? query.status : [query.status];
    for (const s of statuses) {
      if (!(runStatuses as readonly string[]).includes(s)) throw new StoreError('invalid', `"${s}" is not a run status; use one of ${runStatuses.join(', ')}`);
    }
    clauses.push(`r.status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  }
  if (query.tag !== undefined) {
    clauses.push('EXISTS (SELECT 1 FROM run_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.run_id = r.id AND t.name = ?)');
    params.push(query.tag.trim());
  }
  if (query.sweep !== undefined) {
    clauses.push('r.sweep_id = ?');
    params.push(query.sweep);
  }
  if (query.lineage === true) {
    clauses.push('(r.parent_run_id IS NOT NULL OR EXISTS (SELECT 1 FROM runs c WHERE c.parent_run_id = r.id))');
  }
  if (query.learned !== undefined) {
    if (typeof query.learned !== 'boolean') throw new StoreError('invalid', `learned is true or false, got ${JSON.stringify(query.learned)}`);
    clauses.push('r.learned = ?');
    params.push(query.learned ? 1 : 0);
  }
  if (query.search !== undefined && query.search.trim() !== '') {
    const pattern = `%${escapeLike(query.search.trim())}%`;
    clauses.push("(r.name LIKE ? ESCAPE '\\' OR r.note LIKE ? ESCAPE '\\')");
    params.push(pattern, pattern);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** ORDER BY for a sort on a run field; ties (and the default) newest first by id, which the primary key serves. */
function fieldOrder(sort: Exclude<RunSort, { by: 'metric' }>): string {
  const defaults: Record<string, 'asc' | 'desc'> = { id: 'desc', name: 'asc', startedAt: 'desc', durationMs: 'desc', status: 'asc' };
  if (!(sort.by in defaults)) throw new StoreError('invalid', `runs cannot be sorted by "${String(sort.by)}"`);
  const dir = (sort.direction ?? defaults[sort.by]) === 'asc' ? 'ASC' : 'DESC';
  switch (sort.by) {
    case 'id': return `ORDER BY r.id ${dir}`;
    // SQLite sorts NULL lowest, so DESC already puts never-started runs last and can walk the runs_started index.
    case 'startedAt': return dir === 'DESC' ? 'ORDER BY r.started_at DESC, r.id DESC' : 'ORDER BY (r.started_at IS NULL), r.started_at ASC, r.id DESC';
    case 'name': return `ORDER BY r.name COLLATE NOCASE ${dir}, r.id DESC`;
    case 'durationMs': return `ORDER BY (r.duration_ms IS NULL), r.duration_ms ${dir}, r.id DESC`;
    default: return `ORDER BY r.status ${dir}, r.id DESC`;
  }
}

/**
 * Walking the metric index in order visits about (offset + limit) × runs / matching rows before the page
 * is full; sorting the matching runs costs about `matching`. Walk when that is cheaper.
 */
function walkIsCheaper(conn: StoreConnection, limit: number, offset: number, matching: number | undefined): boolean {
  if (limit === -1 || matching === undefined) return false;
  const { n } = conn.stmt('SELECT COUNT(*) AS n FROM runs').get() as { n: number };
  return (offset + limit) * n < matching * matching;
}

/**
 * Runs sorted by a metric, those lacking it last (newest first), in two parts: the runs that have the
 * metric read in order from the (metric, value) index, so a page costs O(page), not O(runs); then the rest.
 */
function idsByMetric(conn: StoreConnection, sort: Extract<RunSort, { by: 'metric' }>, query: RunQuery, limit: number, offset: number, matching?: number): number[] {
  const where = whereClause(query);
  const filter = where.sql ? `AND ${where.sql.slice('WHERE '.length)}` : '';
  const scope: MetricScope = sort.scope ?? 'best';
  const dir = (sort.direction ?? (metricDirection(sort.metric) === 'max' ? 'desc' : 'asc')) === 'asc' ? 'ASC' : 'DESC';
  const table = scope === 'test' ? 'test_metrics' : 'run_metric_summary';
  const column = scope === 'test' ? 'value' : scope === 'final' ? 'final_value' : 'best_value';
  const metric = conn.knownMetricId(sort.metric);
  if (where.sql && metric !== undefined && !walkIsCheaper(conn, limit, offset, matching)) {
    // A selective filter: start from the runs that pass it (found through their own indexes) and sort those.
    return (conn.stmt(`SELECT r.id FROM runs r LEFT JOIN ${table} x ON x.run_id = r.id AND x.metric_id = ? ${where.sql}
      ORDER BY (x.${column} IS NULL), x.${column} ${dir}, r.id DESC LIMIT ? OFFSET ?`)
      .all(metric, ...where.params, limit, offset) as { id: number }[]).map((r) => r.id);
  }
  let ids: number[] = [];
  let restOffset = offset;
  if (metric !== undefined) {
    const has = `FROM ${table} x JOIN runs r ON r.id = x.run_id WHERE x.metric_id = ? AND x.${column} IS NOT NULL ${filter}`;
    if (limit !== 0) {
      ids = (conn.stmt(`SELECT x.run_id AS id ${has} ORDER BY x.${column} ${dir}, x.run_id DESC LIMIT ? OFFSET ?`)
        .all(metric, ...where.params, limit, offset) as { id: number }[]).map((r) => r.id);
    }
    if (ids.length > 0) restOffset = 0;
    else if (offset > 0) restOffset = Math.max(0, offset - (conn.stmt(`SELECT COUNT(*) AS n ${has}`).get(metric, ...where.params) as { n: number }).n);
  }
  if (limit !== -1 && ids.length >= limit) return ids;
  const lacking = metric === undefined ? '' :
    `AND NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.run_id = r.id AND x.metric_id = ${metric} AND x.${column} IS NOT NULL)`;
  const rest = conn.stmt(`SELECT r.id FROM runs r WHERE 1 ${lacking} ${filter} ORDER BY r.id DESC LIMIT ? OFFSET ?`)
    .all(...where.params, limit === -1 ? -1 : limit - ids.length, restOffset) as { id: number }[];
  return ids.concat(rest.map((r) => r.id));
}

/** One page of runs matching the filters, sorted; `total` counts all matches. */
export function listRuns(conn: StoreConnection, query: RunQuery = {}): RunPage {
  const limit = query.limit ?? defaultPageSize;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw new StoreError('invalid', `limit must be a whole number ≥ 0, got ${limit}`);
  if (!Number.isInteger(offset) || offset < 0) throw new StoreError('invalid', `offset must be a whole number ≥ 0, got ${offset}`);
  return conn.read(() => {
    const where = whereClause(query);
    const { total } = conn.stmt(`SELECT COUNT(*) AS total FROM runs r ${where.sql}`).get(...where.params) as { total: number };
    const ids = limit === 0 ? [] : matchingIds(conn, query, limit, offset, total);
    return { runs: summaries(conn, ids), total, limit, offset };
  });
}

/** Every run matching the filters (no paging), sorted. */
export function allRuns(conn: StoreConnection, query: RunQuery = {}): RunSummary[] {
  return conn.read(() => summaries(conn, matchingIds(conn, query, -1, 0)));
}

/** `matching` (the number of runs passing the filters), when known, lets a metric sort pick its plan. */
function matchingIds(conn: StoreConnection, query: RunQuery, limit: number, offset: number, matching?: number): number[] {
  const sort = query.sort ?? { by: 'id' };
  if (sort.by === 'metric') return idsByMetric(conn, sort, query, limit, offset, matching);
  const where = whereClause(query);
  const rows = conn.stmt(`SELECT r.id FROM runs r ${where.sql} ${fieldOrder(sort)} LIMIT ? OFFSET ?`)
    .all(...where.params, limit, offset) as { id: number }[];
  return rows.map((r) => r.id);
}

/** Best runs by a metric (runs without it are left out), better first unless `direction` says otherwise. */
export function leaderboard(conn: StoreConnection, metric: string, options: Omit<RunQuery, 'sort' | 'offset'> & { scope?: MetricScope; direction?: 'asc' | 'desc' } = {}): LeaderboardEntry[] {
  const scope = options.scope ?? 'best';
  const page = listRuns(conn, { ...options, limit: options.limit ?? 10, sort: { by: 'metric', metric, scope, direction: options.direction } });
  const entries: LeaderboardEntry[] = [];
  for (const run of page.runs) {
    const value = (scope === 'test' ? run.test : scope === 'final' ? run.final : run.best)[metric];
    if (value === null || value === undefined) break;
    entries.push({ rank: entries.length + 1, value, run });
  }
  return entries;
}

export function summaries(conn: StoreConnection, ids: number[]): RunSummary[] {
  if (ids.length === 0) return [];
  const idsJson = JSON.stringify(ids);
  const rows = conn.stmt(`${runSelect} WHERE r.id IN (SELECT value FROM json_each(?))`).all(idsJson) as RunRow[];
  const byId = new Map<number, RunSummary>();
  for (const row of rows) byId.set(row.id, toSummary(row));
  const metrics = conn.stmt(`SELECT s.run_id, m.name, s.final_value, s.best_value, s.best_epoch FROM run_metric_summary s
    JOIN metric_names m ON m.id = s.metric_id WHERE s.run_id IN (SELECT value FROM json_each(?)) ORDER BY m.name`).all(idsJson) as
    { run_id: number; name: string; final_value: number | null; best_value: number | null; best_epoch: number | null }[];
  for (const m of metrics) {
    const run = byId.get(m.run_id)!;
    run.final[m.name] = m.final_value;
    run.best[m.name] = m.best_value;
    if (m.best_epoch !== null) run.bestEpoch[m.name] = m.best_epoch;
  }
  const tests = conn.stmt(`SELECT t.run_id, m.name, t.value FROM test_metrics t JOIN metric_names m ON m.id = t.metric_id
    WHERE t.run_id IN (SELECT value FROM json_each(?)) ORDER BY m.name`).all(idsJson) as { run_id: number; name: string; value: number | null }[];
  for (const t of tests) byId.get(t.run_id)!.test[t.name] = t.value;
  const tags = conn.stmt(`SELECT rt.run_id, t.name FROM run_tags rt JOIN tags t ON t.id = rt.tag_id
    WHERE rt.run_id IN (SELECT value FROM json_each(?)) ORDER BY t.name`).all(idsJson) as { run_id: number; name: string }[];
  for (const t of tags) byId.get(t.run_id)!.tags.push(t.name);
  return ids.map((id) => byId.get(id)).filter((r): r is RunSummary => r !== undefined);
}

function toSummary(row: RunRow): RunSummary {
  let dataset: DatasetInfo | null = null;
  if (row.ds_source !== null) {
    dataset = { source: row.ds_source };
    if (row.ds_name !== null) dataset.name = row.ds_name;
    if (row.ds_path !== null) dataset.path = row.ds_path;
    if (row.ds_size !== null) dataset.sizeBytes = row.ds_size;
    if (row.ds_hash !== null) dataset.contentHash = row.ds_hash;
    if (row.ds_rows !== null) dataset.rows = row.ds_rows;
    if (row.ds_columns !== null) dataset.columns = JSON.parse(row.ds_columns);
    if (row.ds_roles !== null) dataset.roles = JSON.parse(row.ds_roles);
  }
  return {
    id: row.id, name: row.name, project: row.project_name, status: row.status, error: row.error, note: row.note, tags: [],
    createdAt: iso(row.created_at)!, startedAt: iso(row.started_at), endedAt: iso(row.ended_at), durationMs: row.duration_ms,
    backend: row.backend, seed: row.seed, appVersion: row.app_version, graphHash: row.graph_hash, dataset,
    config: JSON.parse(row.config_json), final: {}, best: {}, bestEpoch: {}, test: {},
    learned: row.learned === null ? null : row.learned === 1,
    learning: row.learning_json === null ? null : JSON.parse(row.learning_json) as LearningCheck,
    sweep: row.sweep_id === null ? null : { id: row.sweep_id, trial: row.sweep_trial ?? 0 },
    kind: row.kind, parentRunId: row.parent_run_id,
    ...(row.from_imported ? { fromImportedWeights: true } : {}),
  };
}

/** Everything recorded about one run. */
export function getRun(conn: StoreConnection, runId: number): RunDetail {
  checkRunId(runId);
  return conn.read(() => {
    const summary = summaries(conn, [runId])[0];
    if (!summary) throw conn.notFound(runId);
    const extra = conn.stmt(`SELECT g.graph_json, r.dataset_binding_json, r.writer_pid, r.writer_host FROM runs r
      JOIN graph_versions g ON g.id = r.graph_version_id WHERE r.id = ?`).get(runId) as
      { graph_json: string; dataset_binding_json: string | null; writer_pid: number | null; writer_host: string | null };
    const evaluation = conn.stmt('SELECT result_json FROM evaluations WHERE run_id = ?').get(runId) as { result_json: string } | undefined;
    const artifacts = (conn.stmt('SELECT id, kind, path, size_bytes, owned, created_at FROM artifacts WHERE run_id = ? ORDER BY id').all(runId) as
      { id: number; kind: string; path: string; size_bytes: number | null; owned: number; created_at: number }[])
      .map((a): ArtifactInfo => ({ id: a.id, kind: a.kind, path: a.path, sizeBytes: a.size_bytes, owned: a.owned === 1, createdAt: iso(a.created_at)! }));
    return {
      ...summary,
      graph: JSON.parse(extra.graph_json),
      datasetBinding: extra.dataset_binding_json ? JSON.parse(extra.dataset_binding_json) : null,
      epochMetrics: series(conn, 'epoch_metrics', 'epoch', runId),
      batchMetrics: series(conn, 'batch_metrics', 'step', runId),
      evaluation: evaluation ? storedEvaluation(evaluation.result_json) : null,
      artifacts,
      writer: { pid: extra.writer_pid, host: extra.writer_host },
    };
  });
}

/**
 * A stored evaluation, checked with the schema it was written with: one that does not parse or does
 * not fit (damaged, or written by an incompatible version) shows as no evaluation instead of breaking the run's page.
 */
function storedEvaluation(json: string): Evaluation | null {
  try {
    const parsed = evaluationSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function series(conn: StoreConnection, table: 'epoch_metrics' | 'batch_metrics', column: 'epoch' | 'step', runId: number): Record<string, MetricPoint[]> {
  const rows = conn.stmt(`SELECT m.name, e.${column} AS step, e.value FROM ${table} e JOIN metric_names m ON m.id = e.metric_id
    WHERE e.run_id = ? ORDER BY m.name, e.${column}`).all(runId) as { name: string; step: number; value: number | null }[];
  const out: Record<string, MetricPoint[]> = {};
  for (const r of rows) (out[r.name] ??= []).push({ step: r.step, value: r.value });
  return out;
}
