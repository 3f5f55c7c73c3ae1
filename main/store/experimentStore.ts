// The experiment store: records every training run (graph, data, settings, curves, results, model) in
// SQLite and answers the history queries. Node side only; the UI reaches it through the services.
import { existsSync, realpathSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import Papa from 'papaparse';
import type { Graph } from '../../app/graph/types.ts';
import type { TrainingConfig } from '../../app/training/config.ts';
import type { DatasetBinding } from '../../app/data/binding.ts';
import {
  finishStatuses, metricDirection, runStatuses,
  type AlignedSeries, type ArtifactInfo, type DatasetInfo, type EvaluationResult, type FinishStatus,
  type LeaderboardEntry, type MetricPoint, type MetricScope, type RunComparison, type RunDetail,
  type RunPage, type RunQuery, type RunSort, type RunStatus, type RunSummary,
} from '../../app/store/types.ts';
import { canonicalJson, diffGraphs, diffValues } from '../../app/store/diff.ts';
import type { LearningCheck } from '../../app/training/learning.ts';
import { openDatabase, retryBusy, type Db } from './connection.ts';
import { StoreError } from './errors.ts';
import { currentWriter, isWriterAlive } from './writerIdentity.ts';
import packageJson from '../../package.json' with { type: 'json' };

export interface StoreOptions {
  /** Folder where the store keeps saved models; artifacts inside it are deleted with their run. Default: `<db folder>/artifacts`. */
  artifactRoot?: string;
  /** Refuse to create the database file when it does not exist. */
  mustExist?: boolean;
  busyTimeoutMs?: number;
  busyRetryMs?: number;
  /** At most this many points are kept per run per batch metric. */
  batchMetricLimit?: number;
  /** Buffered batch points are written at least this often (ms)... */
  batchFlushIntervalMs?: number;
  /** ...or as soon as this many are waiting. */
  batchFlushPoints?: number;
  /** Mark runs whose writer process is gone as interrupted on open (default true). */
  sweepInterrupted?: boolean;
  /** Stop at this schema version (tests of migrations only). */
  targetVersion?: number;
}

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
}

export interface ArtifactInput {
  kind: string;
  path: string;
  sizeBytes?: number;
  /** The store may delete this folder with the run even if it lies outside the artifact root. */
  owned?: boolean;
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

export interface BatchMetricPoint {
  /** Global batch index since the start of training (not reset each epoch). */
  step: number;
  values: Record<string, number>;
}

export interface DeleteResult {
  /** Artifact folders removed from disk. */
  deletedFiles: string[];
  /** Artifact paths left alone: outside the artifact root and not owned, or shared with another run. */
  keptFiles: string[];
}

// Mirrors app/training/evaluate.ts; unknown keys are kept so a richer evaluation still records.
const finite = z.number().nullable();
const evaluationSchema = z.discriminatedUnion('task', [
  z.looseObject({
    task: z.literal('classification'),
    count: z.number(),
    accuracy: finite,
    classes: z.array(z.string()),
    perClass: z.array(z.looseObject({ label: z.string(), precision: finite, recall: finite, f1: finite, support: z.number() })),
    confusion: z.array(z.array(z.number())),
    roc: z.array(z.looseObject({ label: z.string(), points: z.array(z.tuple([z.number(), z.number()])), auc: finite })),
    auc: finite,
  }),
  z.looseObject({
    task: z.literal('regression'),
    count: z.number(),
    mse: finite,
    mae: finite,
    r2: finite,
    pairs: z.array(z.tuple([finite, finite])),
  }),
]);

const defaultPageSize = 50;
const writableStatuses = new Set<RunStatus>(['queued', 'running']);

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** SQLite has no NaN: a NaN becomes NULL, which the API reports as null. */
function sqlNumber(value: number | null): number | null {
  return value === null || Number.isNaN(value) ? null : value;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function checkRunId(runId: unknown): number {
  if (!Number.isSafeInteger(runId) || (runId as number) < 1) {
    throw new StoreError('invalid', `"${String(runId)}" is not a run id: run ids are whole numbers like 12 (see "modelwright runs")`);
  }
  return runId as number;
}

function isInside(root: string, target: string): boolean {
  const real = (p: string) => { try { return realpathSync(p); } catch { return resolve(p); } };
  const rel = relative(real(root), real(target));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

interface RunRow {
  id: number; name: string; project_name: string | null; status: RunStatus; error: string | null; note: string;
  created_at: number; started_at: number | null; ended_at: number | null; updated_at: number; duration_ms: number | null;
  backend: string; seed: number | null; app_version: string; graph_hash: string; config_json: string;
  dataset_binding_json: string | null; writer_pid: number | null; writer_host: string | null; writer_token: string | null;
  ds_source: string | null; ds_name: string | null; ds_path: string | null; ds_size: number | null; ds_hash: string | null;
  ds_rows: number | null; ds_columns: string | null; ds_roles: string | null;
  learned: number | null; learning_json: string | null;
}

const runSelect = `
  SELECT r.id, r.name, p.name AS project_name, r.status, r.error, r.note, r.created_at, r.started_at, r.ended_at,
         r.updated_at, r.duration_ms, r.backend, r.seed, r.app_version, g.hash AS graph_hash, r.config_json,
         r.dataset_binding_json, r.writer_pid, r.writer_host, r.writer_token,
         d.source AS ds_source, d.name AS ds_name, d.path AS ds_path, d.size_bytes AS ds_size, d.content_hash AS ds_hash,
         d.row_count AS ds_rows, d.columns_json AS ds_columns, d.roles_json AS ds_roles, r.learned, r.learning_json
  FROM runs r
  JOIN graph_versions g ON g.id = r.graph_version_id
  LEFT JOIN projects p ON p.id = r.project_id
  LEFT JOIN datasets d ON d.id = r.dataset_id`;

interface SeriesState { stride: number; points: number }

export class ExperimentStore {
  readonly path: string;
  readonly artifactRoot: string;
  private readonly db: Db;
  private readonly options: Required<Pick<StoreOptions, 'busyRetryMs' | 'batchMetricLimit' | 'batchFlushIntervalMs' | 'batchFlushPoints'>>;
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();
  private readonly metricIds = new Map<string, number>();
  /** Metric names cached during the current transaction: forgotten again if it rolls back. */
  private uncommittedNames: string[] = [];
  private readonly seriesState = new Map<string, SeriesState>();
  private pendingBatch: { runId: number; step: number; name: string; value: number }[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last error of a background flush, kept for diagnosis (the points stay queued). */
  lastFlushError: unknown;
  private closed = false;

  constructor(path: string, options: StoreOptions = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    this.artifactRoot = resolve(options.artifactRoot ?? (path === ':memory:' ? join(process.cwd(), 'artifacts') : join(dirname(this.path), 'artifacts')));
    this.options = {
      busyRetryMs: options.busyRetryMs ?? 20_000,
      batchMetricLimit: Math.max(2, options.batchMetricLimit ?? 2000),
      batchFlushIntervalMs: options.batchFlushIntervalMs ?? 1000,
      batchFlushPoints: options.batchFlushPoints ?? 5000,
    };
    this.db = openDatabase(this.path, {
      busyTimeoutMs: options.busyTimeoutMs,
      busyRetryMs: options.busyRetryMs,
      mustExist: options.mustExist,
      targetVersion: options.targetVersion,
    });
    if (options.sweepInterrupted !== false && options.targetVersion === undefined) {
      try {
        this.markInterruptedRuns();
      } catch (err) {
        this.db.close();
        throw err;
      }
    }
  }

  // ---------------------------------------------------------------- plumbing

  private stmt(sql: string): Database.Statement<unknown[]> {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** One immediate transaction, retried while busy. `durable` fsyncs the WAL on commit (status changes, final results). */
  private write<T>(fn: () => T, durable = false): T {
    this.assertOpen();
    return retryBusy(() => {
      if (durable) this.db.pragma('synchronous = FULL');
      this.uncommittedNames = [];
      try {
        return this.db.transaction(fn).immediate();
      } catch (err) {
        for (const name of this.uncommittedNames) this.metricIds.delete(name);
        throw err;
      } finally {
        this.uncommittedNames = [];
        if (durable) this.db.pragma('synchronous = NORMAL');
      }
    }, this.path, this.options.busyRetryMs);
  }

  private read<T>(fn: () => T): T {
    this.assertOpen();
    return retryBusy(fn, this.path, this.options.busyRetryMs);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('invalid', 'the experiment store was closed');
  }

  private metricId(name: string): number {
    let id = this.metricIds.get(name);
    if (id === undefined) {
      this.stmt('INSERT OR IGNORE INTO metric_names (name) VALUES (?)').run(name);
      id = (this.stmt('SELECT id FROM metric_names WHERE name = ?').get(name) as { id: number }).id;
      this.metricIds.set(name, id);
      this.uncommittedNames.push(name);
    }
    return id;
  }

  /** The id of an existing metric name, or undefined (reads never create names). */
  private knownMetricId(name: string): number | undefined {
    const cached = this.metricIds.get(name);
    if (cached !== undefined) return cached;
    const row = this.stmt('SELECT id FROM metric_names WHERE name = ?').get(name) as { id: number } | undefined;
    if (row) this.metricIds.set(name, row.id);
    return row?.id;
  }

  private runStatus(runId: number): { status: RunStatus; started_at: number | null } {
    const row = this.stmt('SELECT status, started_at FROM runs WHERE id = ?').get(checkRunId(runId)) as
      { status: RunStatus; started_at: number | null } | undefined;
    if (!row) throw new StoreError('not-found', `there is no run ${runId} in ${this.path} (see "modelwright runs")`);
    return row;
  }

  private assertWritable(runId: number): void {
    const { status } = this.runStatus(runId);
    if (!writableStatuses.has(status)) {
      throw new StoreError('invalid', `run ${runId} is ${status}; metrics can only be added while a run is queued or running`);
    }
  }

  /** Flushes buffered batch metrics and closes the database; the database is closed even if the flush fails. */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      this.db.close();
    }
  }

  /** `ok`, or SQLite's list of problems. */
  integrityCheck(): string {
    const rows = this.read(() => this.db.pragma('integrity_check') as { integrity_check: string }[]);
    return rows.map((r) => r.integrity_check).join('\n');
  }

  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  // ---------------------------------------------------------------- recording

  /** Starts recording a run (durably) and returns its id. */
  createRun(input: CreateRunInput): number {
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
    return this.write(() => {
      const now = Date.now();
      this.stmt('INSERT OR IGNORE INTO graph_versions (hash, graph_json, layer_count, created_at) VALUES (?, ?, ?, ?)')
        .run(graphHash, graphJson, input.graph.layers.length, now);
      const graphId = (this.stmt('SELECT id FROM graph_versions WHERE hash = ?').get(graphHash) as { id: number }).id;
      let projectId: number | null = null;
      if (input.project) {
        this.stmt('INSERT OR IGNORE INTO projects (name, created_at) VALUES (?, ?)').run(input.project, now);
        projectId = (this.stmt('SELECT id FROM projects WHERE name = ?').get(input.project) as { id: number }).id;
      }
      const datasetId = input.dataset ? this.datasetId(input.dataset, now) : null;
      const result = this.stmt(`INSERT INTO runs (name, project_id, graph_version_id, dataset_id, dataset_binding_json, config_json,
          backend, seed, app_version, status, note, created_at, started_at, updated_at, writer_pid, writer_host, writer_token)
        VALUES (@name, @projectId, @graphId, @datasetId, @binding, @config, @backend, @seed, @appVersion, @status, @note,
          @now, @startedAt, @now, @pid, @host, @token)`).run({
        name: input.name?.trim() || '', projectId, graphId, datasetId,
        binding: input.datasetBinding ? canonicalJson(input.datasetBinding) : null,
        config: configJson, backend: input.backend,
        seed: input.seed ?? (typeof input.config.seed === 'number' ? input.config.seed : null),
        appVersion: input.appVersion ?? packageJson.version, status, note: input.note ?? '', now,
        startedAt: status === 'running' ? now : null, pid: writer.pid, host: writer.host, token: writer.token,
      });
      const runId = Number(result.lastInsertRowid);
      if (!input.name?.trim()) this.stmt('UPDATE runs SET name = ? WHERE id = ?').run(`run ${runId}`, runId);
      for (const tag of input.tags ?? []) this.addTag(runId, tag);
      return runId;
    }, true);
  }

  private datasetId(info: DatasetInfo, now: number): number {
    if (!info.source) throw new StoreError('invalid', 'a dataset record needs its source (a path or builtin:<id>)');
    const record = {
      source: info.source, name: info.name ?? null, path: info.path ?? null, sizeBytes: info.sizeBytes ?? null,
      contentHash: info.contentHash ?? null, rows: info.rows ?? null, columns: info.columns ?? null, roles: info.roles ?? null,
    };
    const recordHash = hashText(canonicalJson(record));
    this.stmt(`INSERT OR IGNORE INTO datasets (record_hash, source, name, path, size_bytes, content_hash, row_count, columns_json, roles_json, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(recordHash, record.source, record.name, record.path, record.sizeBytes,
      record.contentHash, record.rows, record.columns ? JSON.stringify(record.columns) : null,
      record.roles ? canonicalJson(record.roles) : null, now);
    return (this.stmt('SELECT id FROM datasets WHERE record_hash = ?').get(recordHash) as { id: number }).id;
  }

  /** A queued run starts: it now belongs to this process. */
  markRunning(runId: number): void {
    const writer = currentWriter();
    this.write(() => {
      const { status } = this.runStatus(runId);
      if (status !== 'queued' && status !== 'running') throw new StoreError('invalid', `run ${runId} is ${status}; only a queued run can start`);
      const now = Date.now();
      this.stmt(`UPDATE runs SET status = 'running', started_at = COALESCE(started_at, ?), updated_at = ?,
        writer_pid = ?, writer_host = ?, writer_token = ? WHERE id = ?`).run(now, now, writer.pid, writer.host, writer.token, runId);
    }, true);
  }

  /** Records one epoch's metrics (one transaction; any metric names). */
  appendEpochMetrics(runId: number, epoch: number, values: Record<string, number | null>): void {
    this.appendEpochMetricRows(runId, Object.entries(values).map(([name, value]) => ({ epoch, name, value })));
  }

  /** Records many epoch metric rows in one transaction (imports, and the fast path the ingest benchmark measures). */
  appendEpochMetricRows(runId: number, rows: EpochMetricRow[]): void {
    for (const row of rows) {
      if (!Number.isInteger(row.epoch) || row.epoch < 0) throw new StoreError('invalid', `epoch must be a whole number ≥ 0, got ${row.epoch}`);
      if (typeof row.name !== 'string' || row.name === '') throw new StoreError('invalid', 'a metric needs a name');
      if (typeof row.value !== 'number' && row.value !== null) throw new StoreError('invalid', `metric ${row.name} needs a number, got ${typeof row.value}`);
    }
    if (rows.length === 0) return;
    const insert = this.stmt('INSERT OR IGNORE INTO epoch_metrics (run_id, metric_id, epoch, value) VALUES (?, ?, ?, ?)');
    const overwrite = this.stmt('UPDATE epoch_metrics SET value = ? WHERE run_id = ? AND metric_id = ? AND epoch = ?');
    const summarize = this.stmt(`INSERT INTO run_metric_summary (run_id, metric_id, final_value, final_epoch, best_value, best_epoch, points)
      VALUES (@run, @metric, @final, @finalEpoch, @best, @bestEpoch, @points)
      ON CONFLICT (run_id, metric_id) DO UPDATE SET
        final_value = CASE WHEN excluded.final_epoch >= final_epoch THEN excluded.final_value ELSE final_value END,
        final_epoch = MAX(final_epoch, excluded.final_epoch),
        best_value = CASE WHEN excluded.best_value IS NOT NULL AND (best_value IS NULL OR excluded.best_value * @sign > best_value * @sign)
          THEN excluded.best_value ELSE best_value END,
        best_epoch = CASE WHEN excluded.best_value IS NOT NULL AND (best_value IS NULL OR excluded.best_value * @sign > best_value * @sign)
          THEN excluded.best_epoch ELSE best_epoch END,
        points = points + excluded.points`);
    this.write(() => {
      this.assertWritable(runId);
      // The summary is folded per metric in memory and merged once per transaction: one upsert per metric, not per row.
      const folded = new Map<number, { final: number | null; finalEpoch: number; best: number | null; bestEpoch: number | null; points: number; sign: number }>();
      const rewritten = new Set<number>();
      for (const row of rows) {
        const metric = this.metricId(row.name);
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
      for (const metric of rewritten) this.rebuildSummary(runId, metric);
      this.stmt('UPDATE runs SET updated_at = ? WHERE id = ?').run(Date.now(), runId);
    });
  }

  private rebuildSummary(runId: number, metricId: number): void {
    const name = (this.stmt('SELECT name FROM metric_names WHERE id = ?').get(metricId) as { name: string }).name;
    const order = metricDirection(name) === 'max' ? 'DESC' : 'ASC';
    const final = this.stmt('SELECT epoch, value FROM epoch_metrics WHERE run_id = ? AND metric_id = ? ORDER BY epoch DESC LIMIT 1')
      .get(runId, metricId) as { epoch: number; value: number | null };
    const best = this.stmt(`SELECT epoch, value FROM epoch_metrics WHERE run_id = ? AND metric_id = ? AND value IS NOT NULL
      ORDER BY value ${order}, epoch ASC LIMIT 1`).get(runId, metricId) as { epoch: number; value: number } | undefined;
    const { n } = this.stmt('SELECT COUNT(*) AS n FROM epoch_metrics WHERE run_id = ? AND metric_id = ?').get(runId, metricId) as { n: number };
    this.stmt(`UPDATE run_metric_summary SET final_value = ?, final_epoch = ?, best_value = ?, best_epoch = ?, points = ?
      WHERE run_id = ? AND metric_id = ?`).run(final.value, final.epoch, best?.value ?? null, best?.epoch ?? null, n, runId, metricId);
  }

  /**
   * Queues per-batch metrics; they are written in batches (every batchFlushIntervalMs or batchFlushPoints points,
   * and on finishRun/flush/close) and downsampled to at most batchMetricLimit evenly spaced points per series.
   */
  appendBatchMetrics(runId: number, points: BatchMetricPoint[]): void {
    this.assertOpen();
    checkRunId(runId);
    for (const point of points) {
      if (!Number.isInteger(point.step) || point.step < 0) throw new StoreError('invalid', `a batch step must be a whole number ≥ 0, got ${point.step}`);
      for (const [name, value] of Object.entries(point.values)) {
        if (typeof value !== 'number') throw new StoreError('invalid', `batch metric ${name} needs a number, got ${typeof value}`);
        this.pendingBatch.push({ runId, step: point.step, name, value });
      }
    }
    if (this.pendingBatch.length >= this.options.batchFlushPoints) this.flush();
    else this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.pendingBatch.length === 0 || this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (this.closed) return;
      try {
        this.flush();
      } catch (err) {
        // A timer has no caller to tell: keep the points (flush put them back) and try again later;
        // the next explicit flush, finishRun or close reports the error if it persists.
        this.lastFlushError = err;
        this.scheduleFlush();
      }
    }, this.options.batchFlushIntervalMs);
    this.flushTimer.unref?.();
  }

  /** Writes buffered batch metrics now. Points of runs that are no longer running are dropped. */
  flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.pendingBatch.length === 0 || this.closed) return;
    const pending = this.pendingBatch;
    this.pendingBatch = [];
    const limit = this.options.batchMetricLimit;
    const insert = this.stmt('INSERT OR REPLACE INTO batch_metrics (run_id, metric_id, step, value) VALUES (?, ?, ?, ?)');
    const exists = this.stmt('SELECT 1 FROM batch_metrics WHERE run_id = ? AND metric_id = ? AND step = ?');
    const thin = this.stmt('DELETE FROM batch_metrics WHERE run_id = ? AND metric_id = ? AND step % ? != 0');
    const count = this.stmt('SELECT COUNT(*) AS n FROM batch_metrics WHERE run_id = ? AND metric_id = ?');
    const loadState = this.stmt('SELECT stride, points FROM batch_metric_series WHERE run_id = ? AND metric_id = ?');
    const saveState = this.stmt(`INSERT INTO batch_metric_series (run_id, metric_id, stride, points) VALUES (?, ?, ?, ?)
      ON CONFLICT (run_id, metric_id) DO UPDATE SET stride = excluded.stride, points = excluded.points`);
    // State changes are collected locally and published only after commit, so a retried transaction starts clean.
    let updated: Map<string, SeriesState & { runId: number; metric: number }>;
    try {
      updated = this.write(() => {
        const states = new Map<string, SeriesState & { runId: number; metric: number }>();
        const live = new Map<number, boolean>();
        for (const p of pending) {
          let ok = live.get(p.runId);
          if (ok === undefined) {
            const row = this.stmt('SELECT status FROM runs WHERE id = ?').get(p.runId) as { status: RunStatus } | undefined;
            ok = row !== undefined && writableStatuses.has(row.status);
            live.set(p.runId, ok);
          }
          if (!ok) continue;
          const metric = this.metricId(p.name);
          const key = `${p.runId}:${metric}`;
          let state = states.get(key);
          if (!state) {
            const known = this.seriesState.get(key) ??
              (loadState.get(p.runId, metric) as SeriesState | undefined) ?? { stride: 1, points: 0 };
            state = { ...known, runId: p.runId, metric };
            states.set(key, state);
          }
          if (p.step % state.stride !== 0) continue;
          const isNew = exists.get(p.runId, metric, p.step) === undefined;
          insert.run(p.runId, metric, p.step, sqlNumber(p.value));
          if (isNew) state.points += 1;
          while (state.points > limit) {
            state.stride *= 2;
            thin.run(p.runId, metric, state.stride);
            state.points = (count.get(p.runId, metric) as { n: number }).n;
          }
        }
        for (const s of states.values()) saveState.run(s.runId, s.metric, s.stride, s.points);
        return states;
      });
    } catch (err) {
      // Nothing was written (the transaction rolled back): put the points back in front of newer ones.
      this.pendingBatch = pending.concat(this.pendingBatch);
      throw err;
    }
    for (const [key, s] of updated) this.seriesState.set(key, { stride: s.stride, points: s.points });
  }

  /** Ends a run with its final results, durably. */
  finishRun(runId: number, status: FinishStatus, result: FinishRunInput = {}): void {
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
    const learning = result.learning ? learningRecord(result.learning) : null;
    this.flush();
    this.write(() => {
      const run = this.runStatus(runId);
      if (run.status !== 'queued' && run.status !== 'running' && run.status !== 'interrupted') {
        throw new StoreError('invalid', `run ${runId} already finished as ${run.status}`);
      }
      const now = Date.now();
      const duration = result.durationMs ?? (run.started_at === null ? null : now - run.started_at);
      this.stmt(`UPDATE runs SET status = ?, error = ?, ended_at = ?, updated_at = ?, duration_ms = ?, started_at = COALESCE(started_at, ?)
        WHERE id = ?`).run(status, result.error ?? null, now, now, duration === null ? null : Math.round(duration), now, runId);
      if (learning) this.stmt('UPDATE runs SET learned = ?, learning_json = ? WHERE id = ?').run(learning.learned ? 1 : 0, JSON.stringify(learning), runId);
      if (result.evaluation && evaluationJson) {
        this.stmt('INSERT OR REPLACE INTO evaluations (run_id, split, task, result_json) VALUES (?, ?, ?, ?)')
          .run(runId, 'test', result.evaluation.task, evaluationJson);
      }
      for (const [name, value] of Object.entries(result.testMetrics ?? {})) {
        this.stmt('INSERT OR REPLACE INTO test_metrics (run_id, metric_id, value) VALUES (?, ?, ?)').run(runId, this.metricId(name), sqlNumber(value));
      }
      for (const artifact of result.artifacts ?? []) this.insertArtifact(runId, artifact, now);
    }, true);
  }

  /** Records a saved model (or other output folder) of a run. */
  addArtifact(runId: number, artifact: ArtifactInput): number {
    return this.write(() => {
      this.runStatus(runId);
      return this.insertArtifact(runId, artifact, Date.now());
    }, true);
  }

  private insertArtifact(runId: number, artifact: ArtifactInput, now: number): number {
    if (!artifact.kind || !artifact.path) throw new StoreError('invalid', 'an artifact needs a kind and a path');
    const result = this.stmt('INSERT INTO artifacts (run_id, kind, path, size_bytes, owned, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(runId, artifact.kind, resolve(artifact.path), artifact.sizeBytes ?? null, artifact.owned ? 1 : 0, now);
    return Number(result.lastInsertRowid);
  }

  /** Runs left `queued`/`running` by a process that no longer exists become `interrupted`, keeping their metrics. Returns their ids. */
  markInterruptedRuns(): number[] {
    const candidates = this.read(() => this.stmt(`SELECT id, writer_pid, writer_host, writer_token FROM runs
      WHERE status IN ('queued', 'running')`).all()) as { id: number; writer_pid: number | null; writer_host: string | null; writer_token: string | null }[];
    const dead = candidates.filter((r) => !isWriterAlive({ pid: r.writer_pid, host: r.writer_host, token: r.writer_token }));
    if (dead.length === 0) return [];
    return this.write(() => {
      const done: number[] = [];
      for (const run of dead) {
        const changed = this.stmt(`UPDATE runs SET status = 'interrupted',
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

  // ---------------------------------------------------------------- editing

  renameRun(runId: number, name: string): void {
    const trimmed = name.trim();
    if (!trimmed) throw new StoreError('invalid', 'a run name cannot be empty');
    this.write(() => {
      this.runStatus(runId);
      this.stmt('UPDATE runs SET name = ? WHERE id = ?').run(trimmed, runId);
    }, true);
  }

  setNote(runId: number, note: string): void {
    this.write(() => {
      this.runStatus(runId);
      this.stmt('UPDATE runs SET note = ? WHERE id = ?').run(note, runId);
    }, true);
  }

  tagRun(runId: number, tags: string | string[]): void {
    this.write(() => {
      this.runStatus(runId);
      for (const tag of Array.isArray(tags) ? tags : [tags]) this.addTag(runId, tag);
    }, true);
  }

  untagRun(runId: number, tags: string | string[]): void {
    this.write(() => {
      this.runStatus(runId);
      for (const tag of Array.isArray(tags) ? tags : [tags]) {
        this.stmt('DELETE FROM run_tags WHERE run_id = ? AND tag_id = (SELECT id FROM tags WHERE name = ?)').run(runId, tag.trim());
      }
    }, true);
  }

  private addTag(runId: number, tag: string): void {
    const name = tag.trim();
    if (!name) throw new StoreError('invalid', 'a tag cannot be empty');
    if (name.length > 100) throw new StoreError('invalid', `a tag is at most 100 characters; "${name.slice(0, 20)}…" is ${name.length}`);
    this.stmt('INSERT OR IGNORE INTO tags (name) VALUES (?)').run(name);
    this.stmt('INSERT OR IGNORE INTO run_tags (run_id, tag_id) SELECT ?, id FROM tags WHERE name = ?').run(runId, name);
  }

  /**
   * Deletes a run, its metrics and results, and its artifact folders on disk when they lie inside the
   * artifact root or were recorded as owned (and no other run records the same path).
   */
  deleteRun(runId: number, options: { force?: boolean } = {}): DeleteResult {
    const artifacts = this.write(() => {
      const row = this.stmt('SELECT status, writer_pid, writer_host, writer_token FROM runs WHERE id = ?').get(checkRunId(runId)) as
        { status: RunStatus; writer_pid: number | null; writer_host: string | null; writer_token: string | null } | undefined;
      if (!row) throw new StoreError('not-found', `there is no run ${runId} in ${this.path} (see "modelwright runs")`);
      const me = currentWriter();
      if (!options.force && writableStatuses.has(row.status) && row.writer_pid !== me.pid &&
        isWriterAlive({ pid: row.writer_pid, host: row.writer_host, token: row.writer_token })) {
        throw new StoreError('invalid', `run ${runId} is still ${row.status} in process ${row.writer_pid}; stop that training first`);
      }
      const list = this.stmt('SELECT path, owned FROM artifacts WHERE run_id = ?').all(runId) as { path: string; owned: number }[];
      this.stmt('DELETE FROM runs WHERE id = ?').run(runId);
      const shared = new Set(list.filter((a) => this.stmt('SELECT 1 FROM artifacts WHERE path = ?').get(a.path)).map((a) => a.path));
      return list.map((a) => ({ ...a, shared: shared.has(a.path) }));
    }, true);
    for (const key of [...this.seriesState.keys()]) if (key.startsWith(`${runId}:`)) this.seriesState.delete(key);
    const result: DeleteResult = { deletedFiles: [], keptFiles: [] };
    for (const artifact of artifacts) {
      const deletable = !artifact.shared && (artifact.owned === 1 || isInside(this.artifactRoot, artifact.path));
      if (deletable && existsSync(artifact.path)) {
        rmSync(artifact.path, { recursive: true, force: true });
        result.deletedFiles.push(artifact.path);
      } else if (!deletable) {
        result.keptFiles.push(artifact.path);
      }
    }
    return result;
  }

  // ---------------------------------------------------------------- queries

  /** Names of all metrics ever recorded (for sort menus). */
  metricNames(): string[] {
    return this.read(() => (this.stmt('SELECT name FROM metric_names ORDER BY name').all() as { name: string }[]).map((r) => r.name));
  }

  private whereClause(query: RunQuery): { sql: string; params: unknown[] } {
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
  private fieldOrder(sort: Exclude<RunSort, { by: 'metric' }>): string {
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
  private walkIsCheaper(limit: number, offset: number, matching: number | undefined): boolean {
    if (limit === -1 || matching === undefined) return false;
    const { n } = this.stmt('SELECT COUNT(*) AS n FROM runs').get() as { n: number };
    return (offset + limit) * n < matching * matching;
  }

  /**
   * Runs sorted by a metric, those lacking it last (newest first), in two parts: the runs that have the
   * metric read in order from the (metric, value) index, so a page costs O(page), not O(runs); then the rest.
   */
  private idsByMetric(sort: Extract<RunSort, { by: 'metric' }>, query: RunQuery, limit: number, offset: number, matching?: number): number[] {
    const where = this.whereClause(query);
    const filter = where.sql ? `AND ${where.sql.slice('WHERE '.length)}` : '';
    const scope: MetricScope = sort.scope ?? 'best';
    const dir = (sort.direction ?? (metricDirection(sort.metric) === 'max' ? 'desc' : 'asc')) === 'asc' ? 'ASC' : 'DESC';
    const table = scope === 'test' ? 'test_metrics' : 'run_metric_summary';
    const column = scope === 'test' ? 'value' : scope === 'final' ? 'final_value' : 'best_value';
    const metric = this.knownMetricId(sort.metric);
    if (where.sql && metric !== undefined && !this.walkIsCheaper(limit, offset, matching)) {
      // A selective filter: start from the runs that pass it (found through their own indexes) and sort those.
      return (this.stmt(`SELECT r.id FROM runs r LEFT JOIN ${table} x ON x.run_id = r.id AND x.metric_id = ? ${where.sql}
        ORDER BY (x.${column} IS NULL), x.${column} ${dir}, r.id DESC LIMIT ? OFFSET ?`)
        .all(metric, ...where.params, limit, offset) as { id: number }[]).map((r) => r.id);
    }
    let ids: number[] = [];
    let restOffset = offset;
    if (metric !== undefined) {
      const has = `FROM ${table} x JOIN runs r ON r.id = x.run_id WHERE x.metric_id = ? AND x.${column} IS NOT NULL ${filter}`;
      if (limit !== 0) {
        ids = (this.stmt(`SELECT x.run_id AS id ${has} ORDER BY x.${column} ${dir}, x.run_id DESC LIMIT ? OFFSET ?`)
          .all(metric, ...where.params, limit, offset) as { id: number }[]).map((r) => r.id);
      }
      if (ids.length > 0) restOffset = 0;
      else if (offset > 0) restOffset = Math.max(0, offset - (this.stmt(`SELECT COUNT(*) AS n ${has}`).get(metric, ...where.params) as { n: number }).n);
    }
    if (limit !== -1 && ids.length >= limit) return ids;
    const lacking = metric === undefined ? '' :
      `AND NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.run_id = r.id AND x.metric_id = ${metric} AND x.${column} IS NOT NULL)`;
    const rest = this.stmt(`SELECT r.id FROM runs r WHERE 1 ${lacking} ${filter} ORDER BY r.id DESC LIMIT ? OFFSET ?`)
      .all(...where.params, limit === -1 ? -1 : limit - ids.length, restOffset) as { id: number }[];
    return ids.concat(rest.map((r) => r.id));
  }

  /** One page of runs matching the filters, sorted; `total` counts all matches. */
  listRuns(query: RunQuery = {}): RunPage {
    const limit = query.limit ?? defaultPageSize;
    const offset = query.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 0) throw new StoreError('invalid', `limit must be a whole number ≥ 0, got ${limit}`);
    if (!Number.isInteger(offset) || offset < 0) throw new StoreError('invalid', `offset must be a whole number ≥ 0, got ${offset}`);
    return this.read(() => {
      const where = this.whereClause(query);
      const { total } = this.stmt(`SELECT COUNT(*) AS total FROM runs r ${where.sql}`).get(...where.params) as { total: number };
      const ids = limit === 0 ? [] : this.matchingIds(query, limit, offset, total);
      return { runs: this.summaries(ids), total, limit, offset };
    });
  }

  /** Every run matching the filters (no paging), sorted. */
  allRuns(query: RunQuery = {}): RunSummary[] {
    return this.read(() => this.summaries(this.matchingIds(query, -1, 0)));
  }

  /** `matching` (the number of runs passing the filters), when known, lets a metric sort pick its plan. */
  private matchingIds(query: RunQuery, limit: number, offset: number, matching?: number): number[] {
    const sort = query.sort ?? { by: 'id' };
    if (sort.by === 'metric') return this.idsByMetric(sort, query, limit, offset, matching);
    const where = this.whereClause(query);
    const rows = this.stmt(`SELECT r.id FROM runs r ${where.sql} ${this.fieldOrder(sort)} LIMIT ? OFFSET ?`)
      .all(...where.params, limit, offset) as { id: number }[];
    return rows.map((r) => r.id);
  }

  /** Best runs by a metric (runs without it are left out), better first unless `direction` says otherwise. */
  leaderboard(metric: string, options: Omit<RunQuery, 'sort' | 'offset'> & { scope?: MetricScope; direction?: 'asc' | 'desc' } = {}): LeaderboardEntry[] {
    const scope = options.scope ?? 'best';
    const page = this.listRuns({ ...options, limit: options.limit ?? 10, sort: { by: 'metric', metric, scope, direction: options.direction } });
    const entries: LeaderboardEntry[] = [];
    for (const run of page.runs) {
      const value = (scope === 'test' ? run.test : scope === 'final' ? run.final : run.best)[metric];
      if (value === null || value === undefined) break;
      entries.push({ rank: entries.length + 1, value, run });
    }
    return entries;
  }

  private summaries(ids: number[]): RunSummary[] {
    if (ids.length === 0) return [];
    const idsJson = JSON.stringify(ids);
    const rows = this.stmt(`${runSelect} WHERE r.id IN (SELECT value FROM json_each(?))`).all(idsJson) as RunRow[];
    const byId = new Map<number, RunSummary>();
    for (const row of rows) byId.set(row.id, this.toSummary(row));
    const metrics = this.stmt(`SELECT s.run_id, m.name, s.final_value, s.best_value, s.best_epoch FROM run_metric_summary s
      JOIN metric_names m ON m.id = s.metric_id WHERE s.run_id IN (SELECT value FROM json_each(?)) ORDER BY m.name`).all(idsJson) as
      { run_id: number; name: string; final_value: number | null; best_value: number | null; best_epoch: number | null }[];
    for (const m of metrics) {
      const run = byId.get(m.run_id)!;
      run.final[m.name] = m.final_value;
      run.best[m.name] = m.best_value;
      if (m.best_epoch !== null) run.bestEpoch[m.name] = m.best_epoch;
    }
    const tests = this.stmt(`SELECT t.run_id, m.name, t.value FROM test_metrics t JOIN metric_names m ON m.id = t.metric_id
      WHERE t.run_id IN (SELECT value FROM json_each(?)) ORDER BY m.name`).all(idsJson) as { run_id: number; name: string; value: number | null }[];
    for (const t of tests) byId.get(t.run_id)!.test[t.name] = t.value;
    const tags = this.stmt(`SELECT rt.run_id, t.name FROM run_tags rt JOIN tags t ON t.id = rt.tag_id
      WHERE rt.run_id IN (SELECT value FROM json_each(?)) ORDER BY t.name`).all(idsJson) as { run_id: number; name: string }[];
    for (const t of tags) byId.get(t.run_id)!.tags.push(t.name);
    return ids.map((id) => byId.get(id)).filter((r): r is RunSummary => r !== undefined);
  }

  private toSummary(row: RunRow): RunSummary {
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
    };
  }

  /** Everything recorded about one run. */
  getRun(runId: number): RunDetail {
    checkRunId(runId);
    if (this.pendingBatch.some((p) => p.runId === runId)) this.flush();
    return this.read(() => {
      const summary = this.summaries([runId])[0];
      if (!summary) throw new StoreError('not-found', `there is no run ${runId} in ${this.path} (see "modelwright runs")`);
      const extra = this.stmt(`SELECT g.graph_json, r.dataset_binding_json, r.writer_pid, r.writer_host FROM runs r
        JOIN graph_versions g ON g.id = r.graph_version_id WHERE r.id = ?`).get(runId) as
        { graph_json: string; dataset_binding_json: string | null; writer_pid: number | null; writer_host: string | null };
      const evaluation = this.stmt('SELECT result_json FROM evaluations WHERE run_id = ?').get(runId) as { result_json: string } | undefined;
      const artifacts = (this.stmt('SELECT id, kind, path, size_bytes, owned, created_at FROM artifacts WHERE run_id = ? ORDER BY id').all(runId) as
        { id: number; kind: string; path: string; size_bytes: number | null; owned: number; created_at: number }[])
        .map((a): ArtifactInfo => ({ id: a.id, kind: a.kind, path: a.path, sizeBytes: a.size_bytes, owned: a.owned === 1, createdAt: iso(a.created_at)! }));
      return {
        ...summary,
        graph: JSON.parse(extra.graph_json),
        datasetBinding: extra.dataset_binding_json ? JSON.parse(extra.dataset_binding_json) : null,
        epochMetrics: this.series('epoch_metrics', 'epoch', runId),
        batchMetrics: this.series('batch_metrics', 'step', runId),
        evaluation: evaluation ? JSON.parse(evaluation.result_json) : null,
        artifacts,
        writer: { pid: extra.writer_pid, host: extra.writer_host },
      };
    });
  }

  private series(table: 'epoch_metrics' | 'batch_metrics', column: 'epoch' | 'step', runId: number): Record<string, MetricPoint[]> {
    const rows = this.stmt(`SELECT m.name, e.${column} AS step, e.value FROM ${table} e JOIN metric_names m ON m.id = e.metric_id
      WHERE e.run_id = ? ORDER BY m.name, e.${column}`).all(runId) as { name: string; step: number; value: number | null }[];
    const out: Record<string, MetricPoint[]> = {};
    for (const r of rows) (out[r.name] ??= []).push({ step: r.step, value: r.value });
    return out;
  }

  /** 2–10 runs side by side: curves aligned by epoch, what differs in configuration, data and graph, test metrics. */
  compareRuns(runIds: number[]): RunComparison {
    if (!Array.isArray(runIds) || runIds.length < 2 || runIds.length > 10) {
      throw new StoreError('invalid', `compare takes 2 to 10 runs, got ${Array.isArray(runIds) ? runIds.length : 0}`);
    }
    runIds.forEach(checkRunId);
    if (new Set(runIds).size !== runIds.length) throw new StoreError('invalid', 'compare needs different runs; a run id is repeated');
    return this.read(() => {
      const runs = this.summaries(runIds);
      const missing = runIds.filter((id) => !runs.some((r) => r.id === id));
      if (missing.length) throw new StoreError('not-found', `there is no run ${missing.join(', ')} in ${this.path} (see "modelwright runs")`);
      const idsJson = JSON.stringify(runIds);
      const rows = this.stmt(`SELECT e.run_id, m.name, e.epoch, e.value FROM epoch_metrics e JOIN metric_names m ON m.id = e.metric_id
        WHERE e.run_id IN (SELECT value FROM json_each(?))`).all(idsJson) as { run_id: number; name: string; epoch: number; value: number | null }[];
      const index = new Map(runIds.map((id, i) => [id, i]));
      const byMetric = new Map<string, Map<number, (number | null)[]>>();
      for (const row of rows) {
        let epochs = byMetric.get(row.name);
        if (!epochs) byMetric.set(row.name, (epochs = new Map()));
        let slot = epochs.get(row.epoch);
        if (!slot) epochs.set(row.epoch, (slot = runIds.map(() => null)));
        slot[index.get(row.run_id)!] = row.value;
      }
      const series: AlignedSeries[] = [...byMetric.keys()].sort().map((metric) => {
        const epochs = [...byMetric.get(metric)!.keys()].sort((a, b) => a - b);
        const values = runIds.map((_, i) => epochs.map((e) => byMetric.get(metric)!.get(e)![i]));
        return { metric, epochs, values };
      });
      const graphs = this.stmt(`SELECT r.id, g.graph_json FROM runs r JOIN graph_versions g ON g.id = r.graph_version_id
        WHERE r.id IN (SELECT value FROM json_each(?))`).all(idsJson) as { id: number; graph_json: string }[];
      const graphById = new Map(graphs.map((g) => [g.id, g.graph_json]));
      const base = JSON.parse(graphById.get(runIds[0])!) as Graph;
      const graphDiffs = runIds.map((id, i) => {
        if (i === 0 || graphById.get(id) === graphById.get(runIds[0])) return { identical: true, added: [], removed: [], changed: [] };
        return diffGraphs(base, JSON.parse(graphById.get(id)!) as Graph);
      });
      const bindings = this.stmt('SELECT id, dataset_binding_json FROM runs WHERE id IN (SELECT value FROM json_each(?))').all(idsJson) as
        { id: number; dataset_binding_json: string | null }[];
      const bindingById = new Map(bindings.map((b) => [b.id, b.dataset_binding_json ? JSON.parse(b.dataset_binding_json) : null]));
      const testNames = [...new Set(runs.flatMap((r) => Object.keys(r.test)))].sort();
      return {
        runs,
        series,
        configDiff: diffValues(runs.map((r) => r.config)),
        datasetDiff: diffValues(runs.map((r) => ({ ...(r.dataset ?? {}), binding: bindingById.get(r.id) ?? null }))),
        graphDiffs,
        testMetrics: testNames.map((metric) => ({ metric, values: runs.map((r) => r.test[metric] ?? null) })),
      };
    });
  }

  /** Runs matching the filters as CSV (RFC 4180 quoting; cells starting with = + - @ are escaped for spreadsheets). */
  exportCsv(query: RunQuery = {}): string {
    const runs = this.allRuns(query);
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
}

/** The learning verdict as stored: checked field by field, extra keys dropped. */
function learningRecord(check: LearningCheck): LearningCheck {
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  if (!check || typeof check.learned !== 'boolean' || !Array.isArray(check.signs) || check.signs.some((s) => typeof s !== 'string')) {
    throw new StoreError('invalid', 'the learning verdict needs learned (true or false) and its signs (sentences)');
  }
  const change = check.change && typeof check.change.path === 'string' && ['number', 'string'].includes(typeof check.change.value)
    ? { path: check.change.path, value: check.change.value } : null;
  return { learned: check.learned, signs: [...check.signs], cause: text(check.cause), advice: text(check.advice), ...(change ? { change } : {}) };
}

/** Opens (creating and migrating as needed) the experiment store at `path`; see resolveDbPath for the default. */
export function openStore(path: string, options: StoreOptions = {}): ExperimentStore {
  return new ExperimentStore(path, options);
}
