// Recording a run: creating it (graph, data, settings), its epoch metrics with their running summary,
// its end (status, evaluation, test metrics, learning verdict, artifacts), and runs whose writer died.
import { resolve } from 'node:path';
import type { Graph } from '../../app/graph/types.ts';
import type { TrainingConfig } from '../../app/training/config.ts';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { finishStatuses, metricDirection, type DatasetInfo, type EvaluationResult, type FinishStatus } from '../../app/store/types.ts';
import { canonicalJson } from '../../app/store/diff.ts';
import type { LearningCheck } from '../../app/training/learning.ts';
import { evaluationSchema } from '../../app/training/evaluate.ts';
import { StoreError } from './errors.ts';
import { hashText, sqlNumber, type StoreConnection } from './storeConnection.ts';
import { currentWriter, isWriterAlive } from './writerIdentity.ts';
import { addTag } from './editing.ts';
import { insertArtifact, type ArtifactInput } from './artifacts.ts';
import packageJson from '../../package.json' with { type: 'json' };

export interface CreateRunInput {
  /** Display name; defaults to `run <id>`. */
  name?: string;
  project?: string;
  graph: Graph;
  config: TrainingConfig;
  dataset?: DatasetInfo;
  datasetBinding?: DatasetBinding;
  /** The backend that actually ran (`tensorflow`, `wasm`, `cpu`), not `auto`. */
  backend: string;
  /** Defaults to config.seed. */
  seed?: number;
  appVersion?: string;
  /** `queued` for runs waiting for a trainer; call markRunning when it starts. Default `running`. */
  status?: 'queued' | 'running';
  tags?: string[];
  note?: string;
  /** The sweep this run is a trial of (main/store/sweeps.ts), and which trial. */
  sweep?: { id: number; trial: number };
}

export interface FinishRunInput {
  error?: string;
  /** Training time; defaults to the time since the run started. */
  durationMs?: number;
  evaluation?: EvaluationResult;
  /** Loss and metrics on the test split (null or NaN: not available). */
  testMetrics?: Record<string, number | null>;
  artifacts?: ArtifactInput[];
  /** Whether the run learned, with the signs, cause and advice (completed runs). */
  learning?: LearningCheck;
}

export interface EpochMetricRow {
  epoch: number;
  name: string;
  /** null (or NaN) records "no value", e.g. a loss that became NaN. */
  value: number | null;
}

/** Starts recording a run (durably) and returns its id. */
export function createRun(conn: StoreConnection, input: CreateRunInput): number {
  if (!input || typeof input !== 'object') throw new StoreError('invalid', 'createRun needs the run description');
  if (!input.graph || !Array.isArray(input.graph.layers) || !Array.isArray(input.graph.connections)) {
    throw new StoreError('invalid', 'createRun needs the graph that is trained (layers and connections)');
  }
  if (!input.config || typeof input.config !== 'object') throw new StoreError('invalid', 'createRun needs the training configuration');
  if (!input.backend) throw new StoreError('invalid', 'createRun needs the backend that runs the training');
  const status = input.status ?? 'running';
  if (status !== 'queued' && status !== 'running') throw new StoreError('invalid', `a new run is queued or running, not ${status}`);
  const graphJson = canonicalJson(input.graph);
  const graphHash = hashText(graphJson);
  const configJson = canonicalJson(input.config);
  const writer = currentWriter();
  return conn.write(() => {
    const now = Date.now();
    conn.stmt('INSERT OR IGNORE INTO graph_versions (hash, graph_json, layer_count, created_at) VALUES (?, ?, ?, ?)')
      .run(graphHash, graphJson, input.graph.layers.length, now);
    const graphId = (conn.stmt('SELECT id FROM graph_versions WHERE hash = ?').get(graphHash) as { id: number }).id;
    let projectId: number | null = null;
    if (input.project) {
      conn.stmt('INSERT OR IGNORE INTO projects (name, created_at) VALUES (?, ?)').run(input.project, now);
      projectId = (conn.stmt('SELECT id FROM projects WHERE name = ?').get(input.project) as { id: number }).id;
    }
    const datasetId = input.dataset ? datasetRecordId(conn, input.dataset, now) : null;
    const result = conn.stmt(`INSERT INTO runs (name, project_id, graph_version_id, dataset_id, dataset_binding_json, config_json,
        backend, seed, app_version, status, note, created_at, started_at, updated_at, writer_pid, writer_host, writer_token, sweep_id, sweep_trial)
      VALUES (@name, @projectId, @graphId, @datasetId, @binding, @config, @backend, @seed, @appVersion, @status, @note,
        @now, @startedAt, @now, @pid, @host, @token, @sweepId, @sweepTrial)`).run({
      name: input.name?.trim() || '', projectId, graphId, datasetId,
      binding: input.datasetBinding ? canonicalJson(input.datasetBinding) : null,
      config: configJson, backend: input.backend,
      seed: input.seed ?? (typeof input.config.seed === 'number' ? input.config.seed : null),
      appVersion: input.appVersion ?? packageJson.version, status, note: input.note ?? '', now,
      startedAt: status === 'running' ? now : null, pid: writer.pid, host: writer.host, token: writer.token,
      sweepId: input.sweep?.id ?? null, sweepTrial: input.sweep?.trial ?? null,
    });
    const runId = Number(result.lastInsertRowid);
    if (!input.name?.trim()) conn.stmt('UPDATE runs SET name = ? WHERE id = ?').run(`run ${runId}`, runId);
    for (const tag of input.tags ?? []) addTag(conn, runId, tag);
    return runId;
  }, true);
}

/** The id of the dataset record (identical records are stored once); call inside a write. */
function datasetRecordId(conn: StoreConnection, info: DatasetInfo, now: number): number {
  if (!info.source) throw new StoreError('invalid', 'a dataset record needs its source (a path or builtin:<id>)');
  const record = {
    source: info.source, name: info.name ?? null, path: info.path ?? null, sizeBytes: info.sizeBytes ?? null,
    contentHash: info.contentHash ?? null, rows: info.rows ?? null, columns: info.columns ?? null, roles: info.roles ?? null,
  };
  const recordHash = hashText(canonicalJson(record));
  conn.stmt(`INSERT OR IGNORE INTO datasets (record_hash, source, name, path, size_bytes, content_hash, row_count, columns_json, roles_json, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(recordHash, record.source, record.name, record.path, record.sizeBytes,
    record.contentHash, record.rows, record.columns ? JSON.stringify(record.columns) : null,
    record.roles ? canonicalJson(record.roles) : null, now);
  return (conn.stmt('SELECT id FROM datasets WHERE record_hash = ?').get(recordHash) as { id: number }).id;
}

/** A queued run starts: it now belongs to this process. */
export function markRunning(conn: StoreConnection, runId: number): void {
  const writer = currentWriter();
  conn.write(() => {
    const { status } = conn.runStatus(runId);
    if (status !== 'queued' && status !== 'running') throw new StoreError('invalid', `run ${runId} is ${status}; only a queued run can start`);
    const now = Date.now();
    conn.stmt(`UPDATE runs SET status = 'running', started_at = COALESCE(started_at, ?), updated_at = ?,
      writer_pid = ?, writer_host = ?, writer_token = ? WHERE id = ?`).run(now, now, writer.pid, writer.host, writer.token, runId);
  }, true);
}

/** Records many epoch metric rows in one transaction, keeping each metric's final and best value up to date. */
export function appendEpochMetricRows(conn: StoreConnection, runId: number, rows: EpochMetricRow[], alsoInterrupted = false): void {
  for (const row of rows) {
    if (!Number.isInteger(row.epoch) || row.epoch < 0) throw new StoreError('invalid', `epoch must be a whole number ≥ 0, got ${row.epoch}`);
    if (typeof row.name !== 'string' || row.name === '') throw new StoreError('invalid', 'a metric needs a name');
    if (typeof row.value !== 'number' && row.value !== null) throw new StoreError('invalid', `metric ${row.name} needs a number, got ${typeof row.value}`);
  }
  if (rows.length === 0) return;
  const insert = conn.stmt('INSERT OR IGNORE INTO epoch_metrics (run_id, metric_id, epoch, value) VALUES (?, ?, ?, ?)');
  const overwrite = conn.stmt('UPDATE epoch_metrics SET value = ? WHERE run_id = ? AND metric_id = ? AND epoch = ?');
  const summarize = conn.stmt(`INSERT INTO run_metric_summary (run_id, metric_id, final_value, final_epoch, best_value, best_epoch, points)
    VALUES (@run, @metric, @final, @finalEpoch, @best, @bestEpoch, @points)
    ON CONFLICT (run_id, metric_id) DO UPDATE SET
      final_value = CASE WHEN excluded.final_epoch >= final_epoch THEN excluded.final_value ELSE final_value END,
      final_epoch = MAX(final_epoch, excluded.final_epoch),
      best_value = CASE WHEN excluded.best_value IS NOT NULL AND (best_value IS NULL OR excluded.best_value * @sign > best_value * @sign)
        THEN excluded.best_value ELSE best_value END,
      best_epoch = CASE WHEN excluded.best_value IS NOT NULL AND (best_value IS NULL OR excluded.best_value * @sign > best_value * @sign)
        THEN excluded.best_epoch ELSE best_epoch END,
      points = points + excluded.points`);
  conn.write(() => {
    conn.assertWritable(runId, alsoInterrupted);
    // The summary is folded per metric in memory and merged once per transaction: one upsert per metric, not per row.
    const folded = new Map<number, { final: number | null; finalEpoch: number; best: number | null; bestEpoch: number | null; points: number; sign: number }>();
    const rewritten = new Set<number>();
    for (const row of rows) {
      const metric = conn.metricId(row.name);
      const value = sqlNumber(row.value);
      if (insert.run(runId, metric, row.epoch, value).changes === 0) {
        // The same epoch recorded again (a resumed run): the summary is rebuilt from the curve below.
        overwrite.run(value, runId, metric, row.epoch);
        rewritten.add(metric);
        continue;
      }
      let f = folded.get(metric);
      if (!f) {
        f = { final: value, finalEpoch: row.epoch, best: null, bestEpoch: null, points: 0, sign: metricDirection(row.name) === 'max' ? 1 : -1 };
        folded.set(metric, f);
      }
      f.points += 1;
      if (row.epoch >= f.finalEpoch) {
        f.final = value;
        f.finalEpoch = row.epoch;
      }
      if (value !== null && (f.best === null || value * f.sign > f.best * f.sign || (value === f.best && row.epoch < f.bestEpoch!))) {
        f.best = value;
        f.bestEpoch = row.epoch;
      }
    }
    for (const [metric, f] of folded) {
      if (rewritten.has(metric)) continue;
      summarize.run({ run: runId, metric, final: f.final, finalEpoch: f.finalEpoch, best: f.best, bestEpoch: f.bestEpoch, points: f.points, sign: f.sign });
    }
    for (const metric of rewritten) rebuildSummary(conn, runId, metric);
    conn.stmt('UPDATE runs SET updated_at = ? WHERE id = ?').run(Date.now(), runId);
  });
}

function rebuildSummary(conn: StoreConnection, runId: number, metricId: number): void {
  const name = (conn.stmt('SELECT name FROM metric_names WHERE id = ?').get(metricId) as { name: string }).name;
  const order = metricDirection(name) === 'max' ? 'DESC' : 'ASC';
  const final = conn.stmt('SELECT epoch, value FROM epoch_metrics WHERE run_id = ? AND metric_id = ? ORDER BY epoch DESC LIMIT 1')
    .get(runId, metricId) as { epoch: number; value: number | null };
  const best = conn.stmt(`SELECT epoch, value FROM epoch_metrics WHERE run_id = ? AND metric_id = ? AND value IS NOT NULL
    ORDER BY value ${order}, epoch ASC LIMIT 1`).get(runId, metricId) as { epoch: number; value: number } | undefined;
  const { n } = conn.stmt('SELECT COUNT(*) AS n FROM epoch_metrics WHERE run_id = ? AND metric_id = ?').get(runId, metricId) as { n: number };
  conn.stmt(`UPDATE run_metric_summary SET final_value = ?, final_epoch = ?, best_value = ?, best_epoch = ?, points = ?
    WHERE run_id = ? AND metric_id = ?`).run(final.value, final.epoch, best?.value ?? null, best?.epoch ?? null, n, runId, metricId);
}

/** A run's end, checked before anything is written. */
export interface CheckedFinish {
  status: FinishStatus;
  result: FinishRunInput;
  evaluationJson: string | null;
  learning: LearningCheck | null;
}

/** Checks the final results of a run (status, evaluation, test metrics, learning verdict) without touching the database. */
export function checkFinish(status: FinishStatus, result: FinishRunInput): CheckedFinish {
  if (!(finishStatuses as readonly string[]).includes(status)) {
    throw new StoreError('invalid', `a run finishes as ${finishStatuses.join(', ')}; "${status}" is not one of them`);
  }
  let evaluationJson: string | null = null;
  if (result.evaluation) {
    // Through JSON first: NaN and Infinity (a model that predicts NaN) become null, as they would on disk anyway.
    const parsed = evaluationSchema.safeParse(JSON.parse(JSON.stringify(result.evaluation)));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StoreError('invalid', `the evaluation result is malformed at ${issue.path.join('.') || 'top level'}: ${issue.message}`);
    }
    evaluationJson = JSON.stringify(parsed.data);
  }
  for (const [name, value] of Object.entries(result.testMetrics ?? {})) {
    if (typeof value !== 'number' && value !== null) throw new StoreError('invalid', `test metric ${name} needs a number, got ${typeof value}`);
  }
  return { status, result, evaluationJson, learning: result.learning ? learningRecord(result.learning) : null };
}

/** Ends a run with its checked final results, durably. */
export function writeFinish(conn: StoreConnection, runId: number, finish: CheckedFinish): void {
  const { status, result, evaluationJson, learning } = finish;
  conn.write(() => {
    const run = conn.runStatus(runId);
    if (run.status !== 'queued' && run.status !== 'running' && run.status !== 'interrupted') {
      throw new StoreError('invalid', `run ${runId} already finished as ${run.status}`);
    }
    const now = Date.now();
    const duration = result.durationMs ?? (run.started_at === null ? null : now - run.started_at);
    conn.stmt(`UPDATE runs SET status = ?, error = ?, ended_at = ?, updated_at = ?, duration_ms = ?, started_at = COALESCE(started_at, ?)
      WHERE id = ?`).run(status, result.error ?? null, now, now, duration === null ? null : Math.round(duration), now, runId);
    if (learning) conn.stmt('UPDATE runs SET learned = ?, learning_json = ? WHERE id = ?').run(learning.learned ? 1 : 0, JSON.stringify(learning), runId);
    if (result.evaluation && evaluationJson) {
      conn.stmt('INSERT OR REPLACE INTO evaluations (run_id, split, task, result_json) VALUES (?, ?, ?, ?)')
        .run(runId, 'test', result.evaluation.task, evaluationJson);
    }
    for (const [name, value] of Object.entries(result.testMetrics ?? {})) {
      conn.stmt('INSERT OR REPLACE INTO test_metrics (run_id, metric_id, value) VALUES (?, ?, ?)').run(runId, conn.metricId(name), sqlNumber(value));
    }
    // The folder recorded when the run started (kind `output`) becomes the saved model's record; a run that ended
    // without a model keeps it (its training checkpoints, main/model/checkpoint.ts, are there to resume from).
    const outputs = conn.stmt("SELECT id, path FROM artifacts WHERE run_id = ? AND kind = 'output'").all(runId) as { id: number; path: string }[];
    for (const artifact of result.artifacts ?? []) {
      const same = outputs.find((o) => o.path === resolve(artifact.path));
      if (same) {
        conn.stmt('UPDATE artifacts SET kind = ?, size_bytes = ?, owned = ?, created_at = ? WHERE id = ?')
          .run(artifact.kind, artifact.sizeBytes ?? null, artifact.owned ? 1 : 0, now, same.id);
      } else {
        insertArtifact(conn, runId, artifact, now);
      }
    }
  }, true);
}

/** The learning verdict as stored: checked field by field, extra keys dropped. */
function learningRecord(check: LearningCheck): LearningCheck {
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  if (!check || typeof check.learned !== 'boolean' || !Array.isArray(check.signs) || check.signs.some((s) => typeof s !== 'string')) {
    throw new StoreError('invalid', 'the learning verdict needs learned (true or false) and its signs (sentences)');
  }
  const change = check.change && typeof check.change.path === 'string' && ['number', 'string'].includes(typeof check.change.value)
    ? { path: check.change.path, value: check.change.value } : null;
  const more = check.stillImproving;
  const stillImproving = more && typeof more.sign === 'string' && typeof more.advice === 'string' && more.change?.path === 'epochs' && typeof more.change.value === 'number'
    ? { sign: more.sign, advice: more.advice, change: { path: more.change.path, value: more.change.value } } : null;
  return {
    learned: check.learned, signs: [...check.signs], cause: text(check.cause), advice: text(check.advice),
    ...(change ? { change } : {}), ...(stillImproving ? { stillImproving } : {}),
  };
}

/** Runs left `queued`/`running` by a process that no longer exists become `interrupted`, keeping their metrics. Returns their ids. */
export function markInterruptedRuns(conn: StoreConnection): number[] {
  const candidates = conn.read(() => conn.stmt(`SELECT id, writer_pid, writer_host, writer_token FROM runs
    WHERE status IN ('queued', 'running')`).all()) as { id: number; writer_pid: number | null; writer_host: string | null; writer_token: string | null }[];
  const dead = candidates.filter((r) => !isWriterAlive({ pid: r.writer_pid, host: r.writer_host, token: r.writer_token }));
  if (dead.length === 0) return [];
  return conn.write(() => {
    const done: number[] = [];
    for (const run of dead) {
      const changed = conn.stmt(`UPDATE runs SET status = 'interrupted',
          error = COALESCE(error, ?), ended_at = updated_at,
          duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE updated_at - started_at END
        WHERE id = ? AND status IN ('queued', 'running') AND writer_pid IS ? AND writer_host IS ?`)
        .run(`the process recording this run (pid ${run.writer_pid ?? '?'} on ${run.writer_host ?? '?'}) stopped before it finished`,
          run.id, run.writer_pid, run.writer_host);
      if (changed.changes > 0) done.push(run.id);
    }
    return done;
  }, true);
}
