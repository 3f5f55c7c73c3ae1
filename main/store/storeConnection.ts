// The one connection every store module works over: the SQLite handle, its prepared statements, the
// read/write transaction helpers (retried while busy), the metric-name cache and the run checks they share.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { RunStatus } from '../../app/store/types.ts';
import { openDatabase, retryBusy, type ConnectionOptions, type Db } from './connection.ts';
import { StoreError } from './errors.ts';

/** Statuses in which a run still takes metrics. */
export const writableStatuses = new Set<RunStatus>(['queued', 'running']);

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** SQLite has no NaN: a NaN becomes NULL, which the API reports as null. */
export function sqlNumber(value: number | null): number | null {
  return value === null || Number.isNaN(value) ? null : value;
}

export function checkRunId(runId: unknown): number {
  if (!Number.isSafeInteger(runId) || (runId as number) < 1) {
    throw new StoreError('invalid', `"${String(runId)}" is not a run id: run ids are whole numbers like 12 (see "modelwright runs")`);
  }
  return runId as number;
}

export class StoreConnection {
  readonly path: string;
  readonly db: Db;
  private readonly busyRetryMs: number;
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();
  private readonly metricIds = new Map<string, number>();
  /** Metric names cached during the current transaction: forgotten again if it rolls back. */
  private uncommittedNames: string[] = [];
  private closed = false;

  constructor(path: string, options: ConnectionOptions & { busyRetryMs: number }) {
    this.path = path;
    this.busyRetryMs = options.busyRetryMs;
    this.db = openDatabase(path, options);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /** A prepared statement, prepared once per connection. */
  stmt(sql: string): Database.Statement<unknown[]> {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** One immediate transaction, retried while busy. `durable` fsyncs the WAL on commit (status changes, final results). */
  write<T>(fn: () => T, durable = false): T {
    this.assertOpen();
    // Inside another write: a savepoint of that transaction, whose commit decides durability.
    if (this.db.inTransaction) return this.db.transaction(fn)();
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
    }, this.path, this.busyRetryMs);
  }

  read<T>(fn: () => T): T {
    this.assertOpen();
    return retryBusy(fn, this.path, this.busyRetryMs);
  }

  assertOpen(): void {
    if (this.closed) throw new StoreError('invalid', 'the experiment store was closed');
  }

  /** The id of a metric name, created if new (inside a write). */
  metricId(name: string): number {
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
  knownMetricId(name: string): number | undefined {
    const cached = this.metricIds.get(name);
    if (cached !== undefined) return cached;
    const row = this.stmt('SELECT id FROM metric_names WHERE name = ?').get(name) as { id: number } | undefined;
    if (row) this.metricIds.set(name, row.id);
    return row?.id;
  }

  notFound(runId: number | string): StoreError {
    return new StoreError('not-found', `there is no run ${runId} in ${this.path} (see "modelwright runs")`);
  }

  runStatus(runId: number): { status: RunStatus; started_at: number | null } {
    const row = this.stmt('SELECT status, started_at FROM runs WHERE id = ?').get(checkRunId(runId)) as
      { status: RunStatus; started_at: number | null } | undefined;
    if (!row) throw this.notFound(runId);
    return row;
  }

  /** `alsoInterrupted`: metrics a run kept aside while the history was full may land after it was marked interrupted. */
  assertWritable(runId: number, alsoInterrupted = false): void {
    const { status } = this.runStatus(runId);
    if (!writableStatuses.has(status) && !(alsoInterrupted && status === 'interrupted')) {
      throw new StoreError('invalid', `run ${runId} is ${status}; metrics can only be added while a run is queued or running`);
    }
  }
}
