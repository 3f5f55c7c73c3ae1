// The experiment store: records every training run (graph, data, settings, curves, results, model) in
// SQLite and answers the history queries. Node side only; the UI reaches it through the services.
// This class is a thin facade over one shared connection (storeConnection.ts); each concern lives in its
// own module: recording.ts, batchMetrics.ts (downsampling), editing.ts, artifacts.ts (and deletion),
// queries.ts, comparison.ts, csv.ts. New concerns go in new modules over `connection`.
import { dirname, join, resolve } from 'node:path';
import type {
  FinishStatus, LeaderboardEntry, MetricScope, RunComparison, RunDetail, RunPage, RunQuery, RunSummary,
} from '../../app/store/types.ts';
import { StoreConnection } from './storeConnection.ts';
import { BatchMetricBuffer, type BatchMetricPoint } from './batchMetrics.ts';
import {
  appendEpochMetricRows, checkFinish, createRun, markInterruptedRuns, markRunning, writeFinish,
  type CreateRunInput, type EpochMetricRow, type FinishRunInput,
} from './recording.ts';
import { addArtifact, deleteRun, type ArtifactInput, type DeleteResult } from './artifacts.ts';
import { sweepArtifacts } from './artifactTrash.ts';
import { applyPendingHistory } from './pendingHistory.ts';
import { reopenRun } from './reopenRun.ts';
import { renameRun, setNote, tagRun, untagRun } from './editing.ts';
import { allRuns, getRun, leaderboard, listRuns, metricNames } from './queries.ts';
import { compareRuns } from './comparison.ts';
import { exportCsv } from './csv.ts';
import { ensembleOf } from './ensembles.ts';

export type { ArtifactInput, BatchMetricPoint, CreateRunInput, DeleteResult, EpochMetricRow, FinishRunInput };

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

export class ExperimentStore {
  readonly path: string;
  readonly artifactRoot: string;
  /** The one SQLite connection every store module works over. */
  readonly connection: StoreConnection;
  private readonly batches: BatchMetricBuffer;
  private readonly removals = new Set<Promise<void>>();
  /** Artifact folders no run recorded, found and moved to the trash when this store opened. */
  readonly sweptOrphans: string[] = [];
  /** Runs whose pending history (kept in their model folder while the disk was full) was written at open. */
  readonly completedFromPending: number[] = [];

  constructor(path: string, options: StoreOptions = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    this.artifactRoot = resolve(options.artifactRoot ?? (path === ':memory:' ? join(process.cwd(), 'artifacts') : join(dirname(this.path), 'artifacts')));
    this.connection = new StoreConnection(this.path, {
      busyTimeoutMs: options.busyTimeoutMs,
      busyRetryMs: options.busyRetryMs ?? 20_000,
      mustExist: options.mustExist,
      targetVersion: options.targetVersion,
    });
    this.batches = new BatchMetricBuffer(this.connection, {
      limit: Math.max(2, options.batchMetricLimit ?? 2000),
      flushIntervalMs: options.batchFlushIntervalMs ?? 1000,
      flushPoints: options.batchFlushPoints ?? 5000,
    });
    if (options.sweepInterrupted !== false && options.targetVersion === undefined) {
      try {
        this.markInterruptedRuns();
      } catch (err) {
        this.connection.close();
        throw err;
      }
      // What runs kept aside while this history's disk was full (pendingHistory.ts); never fails the open.
      try {
        this.completedFromPending.push(...applyPendingHistory(this.connection, this.path));
      } catch {
        // A history still too full to read the list keeps the files for the next open.
      }
      // Folders a crash left behind mid-delete (or unreferenced for long); never fails the open.
      const swept = sweepArtifacts(this.connection, this.artifactRoot);
      this.sweptOrphans.push(...swept.orphans);
      this.track(swept.removal);
    }
  }

  /** The last error of a background flush of batch metrics, kept for diagnosis (the points stay queued). */
  get lastFlushError(): unknown {
    return this.batches.lastFlushError;
  }

  /** Flushes buffered batch metrics and closes the database; the database is closed even if the flush fails. */
  close(): void {
    if (this.connection.isClosed) return;
    try {
      this.flush();
    } finally {
      this.connection.close();
    }
  }

  /** `ok`, or SQLite's list of problems. */
  integrityCheck(): string {
    const rows = this.connection.read(() => this.connection.db.pragma('integrity_check') as { integrity_check: string }[]);
    return rows.map((r) => r.integrity_check).join('\n');
  }

  schemaVersion(): number {
    return this.connection.db.pragma('user_version', { simple: true }) as number;
  }

  // ---------------------------------------------------------------- recording (recording.ts, batchMetrics.ts)

  /** Starts recording a run (durably) and returns its id. */
  createRun(input: CreateRunInput): number {
    return createRun(this.connection, input);
  }

  /** A queued run starts: it now belongs to this process. */
  markRunning(runId: number): void {
    markRunning(this.connection, runId);
  }

  /** Records one epoch's metrics (one transaction; any metric names). */
  appendEpochMetrics(runId: number, epoch: number, values: Record<string, number | null>): void {
    this.appendEpochMetricRows(runId, Object.entries(values).map(([name, value]) => ({ epoch, name, value })));
  }

  /** Records many epoch metric rows in one transaction (imports, and the fast path the ingest benchmark measures). */
  appendEpochMetricRows(runId: number, rows: EpochMetricRow[]): void {
    appendEpochMetricRows(this.connection, runId, rows);
  }

  /**
   * Queues per-batch metrics; they are written in batches (every batchFlushIntervalMs or batchFlushPoints points,
   * and on finishRun/flush/close) and downsampled to at most batchMetricLimit evenly spaced points per series.
   */
  appendBatchMetrics(runId: number, points: BatchMetricPoint[]): void {
    this.batches.append(runId, points);
  }

  /** Writes buffered batch metrics now. Points of runs that are no longer running are dropped. */
  flush(): void {
    this.batches.flush();
  }

  /** Ends a run with its final results, durably. */
  finishRun(runId: number, status: FinishStatus, result: FinishRunInput = {}): void {
    const finish = checkFinish(status, result);
    this.flush();
    writeFinish(this.connection, runId, finish);
  }

  /** An interrupted or failed run goes back to running in this process, keeping its epochs up to `lastEpoch` (reopenRun.ts). */
  reopenRun(runId: number, lastEpoch: number): void {
    reopenRun(this.connection, runId, lastEpoch);
  }

  /** Records a saved model (or other output folder) of a run. */
  addArtifact(runId: number, artifact: ArtifactInput): number {
    return addArtifact(this.connection, runId, artifact);
  }

  /** Runs left `queued`/`running` by a process that no longer exists become `interrupted`, keeping their metrics. Returns their ids. */
  markInterruptedRuns(): number[] {
    return markInterruptedRuns(this.connection);
  }

  // ---------------------------------------------------------------- editing (editing.ts, artifacts.ts)

  renameRun(runId: number, name: string): void {
    renameRun(this.connection, runId, name);
  }

  setNote(runId: number, note: string): void {
    setNote(this.connection, runId, note);
  }

  tagRun(runId: number, tags: string | string[]): void {
    tagRun(this.connection, runId, tags);
  }

  untagRun(runId: number, tags: string | string[]): void {
    untagRun(this.connection, runId, tags);
  }

  /**
   * Deletes a run, its metrics and results, and its artifact folders on disk when they lie inside the
   * artifact root or were recorded as owned (and no other run records the same path).
   */
  deleteRun(runId: number, options: { force?: boolean } = {}): DeleteResult {
    const { removal, ...result } = deleteRun(this.connection, this.artifactRoot, runId, options);
    this.batches.forgetRun(runId);
    this.track(removal);
    return result;
  }

  /** Resolves once every folder removal started so far (deleted runs, the sweep at open) has finished. */
  async settled(): Promise<void> {
    while (this.removals.size > 0) await Promise.all([...this.removals]);
  }

  private track(removal: Promise<void>): void {
    this.removals.add(removal);
    void removal.finally(() => this.removals.delete(removal));
  }

  // ---------------------------------------------------------------- queries (queries.ts, comparison.ts, csv.ts)

  /** Names of all metrics ever recorded (for sort menus). */
  metricNames(): string[] {
    return metricNames(this.connection);
  }

  /** One page of runs matching the filters, sorted; `total` counts all matches. */
  listRuns(query: RunQuery = {}): RunPage {
    return listRuns(this.connection, query);
  }

  /** Every run matching the filters (no paging), sorted. */
  allRuns(query: RunQuery = {}): RunSummary[] {
    return allRuns(this.connection, query);
  }

  /** Best runs by a metric (runs without it are left out), better first unless `direction` says otherwise. */
  leaderboard(metric: string, options: Omit<RunQuery, 'sort' | 'offset'> & { scope?: MetricScope; direction?: 'asc' | 'desc' } = {}): LeaderboardEntry[] {
    return leaderboard(this.connection, metric, options);
  }

  /** Everything recorded about one run (its buffered batch metrics are written first). */
  getRun(runId: number): RunDetail {
    if (this.batches.hasPending(runId)) this.flush();
    const run = getRun(this.connection, runId);
    const ensemble = ensembleOf(this, runId);
    return ensemble ? { ...run, ensemble } : run;
  }

  /** 2–10 runs side by side: curves aligned by epoch, what differs in configuration, data and graph, test metrics. */
  compareRuns(runIds: number[]): RunComparison {
    return compareRuns(this.connection, runIds);
  }

  /** Runs matching the filters as CSV (RFC 4180 quoting; cells starting with = + - @ are escaped for spreadsheets). */
  exportCsv(query: RunQuery = {}): string {
    return exportCsv(this.connection, query);
  }
}

/** Opens (creating and migrating as needed) the experiment store at `path`; see resolveDbPath for the default. */
export function openStore(path: string, options: StoreOptions = {}): ExperimentStore {
  return new ExperimentStore(path, options);
}
