// Per-batch metrics: buffered in memory, written in batches, and downsampled so a series keeps at most
// `limit` evenly spaced points (the stride doubles and every other point goes when the limit is passed).
import type { RunStatus } from '../../app/store/types.ts';
import { StoreError } from './errors.ts';
import { checkRunId, sqlNumber, writableStatuses, type StoreConnection } from './storeConnection.ts';

export interface BatchMetricPoint {
  /** Global batch index since the start of training (not reset each epoch). */
  step: number;
  values: Record<string, number>;
}

export interface BatchBufferOptions {
  /** At most this many points are kept per run per batch metric. */
  limit: number;
  /** Buffered points are written at least this often (ms)... */
  flushIntervalMs: number;
  /** ...or as soon as this many are waiting. */
  flushPoints: number;
}

interface SeriesState { stride: number; points: number }

export class BatchMetricBuffer {
  private readonly seriesState = new Map<string, SeriesState>();
  private pending: { runId: number; step: number; name: string; value: number }[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last error of a background flush, kept for diagnosis (the points stay queued). */
  lastFlushError: unknown;

  private readonly conn: StoreConnection;
  private readonly options: BatchBufferOptions;

  constructor(conn: StoreConnection, options: BatchBufferOptions) {
    this.conn = conn;
    this.options = options;
  }

  /** Queues points; they are written every flushIntervalMs or flushPoints points, and on flush. */
  append(runId: number, points: BatchMetricPoint[]): void {
    this.conn.assertOpen();
    checkRunId(runId);
    for (const point of points) {
      if (!Number.isInteger(point.step) || point.step < 0) throw new StoreError('invalid', `a batch step must be a whole number ≥ 0, got ${point.step}`);
      for (const [name, value] of Object.entries(point.values)) {
        if (typeof value !== 'number') throw new StoreError('invalid', `batch metric ${name} needs a number, got ${typeof value}`);
        this.pending.push({ runId, step: point.step, name, value });
      }
    }
    if (this.pending.length >= this.options.flushPoints) this.flush();
    else this.scheduleFlush();
  }

  hasPending(runId: number): boolean {
    return this.pending.some((p) => p.runId === runId);
  }

  /** Forgets the downsampling state of a deleted run. */
  forgetRun(runId: number): void {
    for (const key of [...this.seriesState.keys()]) if (key.startsWith(`${runId}:`)) this.seriesState.delete(key);
  }

  private scheduleFlush(): void {
    if (this.pending.length === 0 || this.flushTimer || this.conn.isClosed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (this.conn.isClosed) return;
      try {
        this.flush();
      } catch (err) {
        // A timer has no caller to tell: keep the points (flush put them back) and try again later;
        // the next explicit flush, finishRun or close reports the error if it persists.
        this.lastFlushError = err;
        this.scheduleFlush();
      }
    }, this.options.flushIntervalMs);
    this.flushTimer.unref?.();
  }

  /** Writes buffered points now. Points of runs that are no longer running are dropped. */
  flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.pending.length === 0 || this.conn.isClosed) return;
    const conn = this.conn;
    const pending = this.pending;
    this.pending = [];
    const limit = this.options.limit;
    const insert = conn.stmt('INSERT OR REPLACE INTO batch_metrics (run_id, metric_id, step, value) VALUES (?, ?, ?, ?)');
    const exists = conn.stmt('SELECT 1 FROM batch_metrics WHERE run_id = ? AND metric_id = ? AND step = ?');
    const thin = conn.stmt('DELETE FROM batch_metrics WHERE run_id = ? AND metric_id = ? AND step % ? != 0');
    const count = conn.stmt('SELECT COUNT(*) AS n FROM batch_metrics WHERE run_id = ? AND metric_id = ?');
    const loadState = conn.stmt('SELECT stride, points FROM batch_metric_series WHERE run_id = ? AND metric_id = ?');
    const saveState = conn.stmt(`INSERT INTO batch_metric_series (run_id, metric_id, stride, points) VALUES (?, ?, ?, ?)
      ON CONFLICT (run_id, metric_id) DO UPDATE SET stride = excluded.stride, points = excluded.points`);
    // State changes are collected locally and published only after commit, so a retried transaction starts clean.
    let updated: Map<string, SeriesState & { runId: number; metric: number }>;
    try {
      updated = conn.write(() => {
        const states = new Map<string, SeriesState & { runId: number; metric: number }>();
        const live = new Map<number, boolean>();
        for (const p of pending) {
          let ok = live.get(p.runId);
          if (ok === undefined) {
            const row = conn.stmt('SELECT status FROM runs WHERE id = ?').get(p.runId) as { status: RunStatus } | undefined;
            ok = row !== undefined && writableStatuses.has(row.status);
            live.set(p.runId, ok);
          }
          if (!ok) continue;
          const metric = conn.metricId(p.name);
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
      this.pending = pending.concat(this.pending);
      throw err;
    }
    for (const [key, s] of updated) this.seriesState.set(key, { stride: s.stride, points: s.points });
  }
}
