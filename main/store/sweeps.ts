// Sweeps in the history (schema version 4): creating one with its plan, claiming it to run or resume,
// recording each trial's score, ending it, and reading a sweep with its trials. A trial is an ordinary
// run with runs.sweep_id / sweep_trial set (recordSession passes them to createRun).
import type { TrialSettings } from '../../app/tuning/space.ts';
import type { StrategyName } from '../../app/tuning/strategies.ts';
import type { Direction } from '../../app/tuning/halving.ts';
import { bestOf } from '../../app/tuning/ranking.ts';
import type { SweepBase, SweepDetail, SweepInfo, SweepStatus, SweepTrial, TrialStatus } from '../../app/tuning/types.ts';
import type { RunStatus } from '../../app/store/types.ts';
import { StoreError } from './errors.ts';
import type { ExperimentStore } from './experimentStore.ts';
import { iso, type StoreConnection } from './storeConnection.ts';
import { currentWriter, isWriterAlive } from './writerIdentity.ts';

export interface CreateSweepInput {
  name: string;
  strategy: StrategyName;
  metric: string;
  direction: Direction;
  seed: number;
  space: Record<string, unknown>;
  plan: TrialSettings[];
  base: SweepBase;
}

interface SweepRow {
  id: number;
  name: string;
  project: string | null;
  status: Exclude<SweepStatus, 'interrupted'>;
  strategy: StrategyName;
  metric: string;
  direction: Direction;
  seed: number;
  trial_count: number;
  space_json: string;
  plan_json: string;
  base_json: string;
  error: string | null;
  created_at: number;
  ended_at: number | null;
  writer_pid: number | null;
  writer_host: string | null;
  writer_token: string | null;
}

interface TrialRunRow {
  id: number;
  sweep_trial: number;
  status: RunStatus;
  sweep_score: number | null;
  sweep_stopped_at: number | null;
  epochs: number | null;
}

const sweepColumns = `s.id, s.name, p.name AS project, s.status, s.strategy, s.metric, s.direction, s.seed, s.trial_count,
  s.space_json, s.plan_json, s.base_json, s.error, s.created_at, s.ended_at, s.writer_pid, s.writer_host, s.writer_token`;

function checkSweepId(id: unknown): number {
  if (!Number.isSafeInteger(id) || (id as number) < 1) {
    throw new StoreError('invalid', `"${String(id)}" is not a sweep id: sweep ids are whole numbers like 3 (a sweep prints its id when it starts)`);
  }
  return id as number;
}

function info(row: SweepRow): SweepInfo {
  // A sweep whose process died while it ran says so; resuming it goes on.
  const status: SweepStatus = row.status === 'running'
    && !isWriterAlive({ pid: row.writer_pid, host: row.writer_host, token: row.writer_token }) ? 'interrupted' : row.status;
  return {
    id: row.id, name: row.name, project: row.project, status, strategy: row.strategy, metric: row.metric,
    direction: row.direction, seed: row.seed, trialCount: row.trial_count, space: JSON.parse(row.space_json),
    error: row.error, createdAt: iso(row.created_at)!, endedAt: iso(row.ended_at),
  };
}

function trialStatus(run: TrialRunRow): TrialStatus {
  if (run.status === 'stopped' && run.sweep_stopped_at !== null) return 'pruned';
  if (run.status === 'queued') return 'running';
  return run.status;
}

/** Trials that count as done when a sweep resumes; the others (interrupted, stopped by the user, never started) run again. */
export function isTrialFinished(status: TrialStatus): boolean {
  return status === 'completed' || status === 'pruned' || status === 'diverged' || status === 'failed';
}

export class SweepStore {
  private readonly conn: StoreConnection;

  constructor(store: ExperimentStore) {
    this.conn = store.connection;
  }

  create(input: CreateSweepInput): number {
    const writer = currentWriter();
    return this.conn.write(() => {
      const now = Date.now();
      let projectId: number | null = null;
      if (input.base.project) {
        this.conn.stmt('INSERT OR IGNORE INTO projects (name, created_at) VALUES (?, ?)').run(input.base.project, now);
        projectId = (this.conn.stmt('SELECT id FROM projects WHERE name = ?').get(input.base.project) as { id: number }).id;
      }
      const result = this.conn.stmt(`INSERT INTO sweeps (name, project_id, status, strategy, metric, direction, seed, trial_count,
          space_json, plan_json, base_json, created_at, updated_at, writer_pid, writer_host, writer_token)
        VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        input.name, projectId, input.strategy, input.metric, input.direction, input.seed, input.plan.length,
        JSON.stringify(input.space), JSON.stringify(input.plan), JSON.stringify(input.base), now, now, writer.pid, writer.host, writer.token);
      return Number(result.lastInsertRowid);
    }, true);
  }

  private row(id: number): SweepRow {
    const row = this.conn.read(() => this.conn.stmt(`SELECT ${sweepColumns} FROM sweeps s LEFT JOIN projects p ON p.id = s.project_id WHERE s.id = ?`)
      .get(checkSweepId(id))) as SweepRow | undefined;
    if (!row) throw new StoreError('not-found', `there is no sweep ${id} in ${this.conn.path}`);
    return row;
  }

  /** The sweep's plan and starting point, for running (or resuming) it. */
  plan(id: number): { info: SweepInfo; plan: TrialSettings[]; base: SweepBase } {
    const row = this.row(id);
    return { info: info(row), plan: JSON.parse(row.plan_json), base: JSON.parse(row.base_json) };
  }

  /**
   * This process runs the sweep from now on (a resume): refused while another live process runs it.
   * Runs of the sweep left running by a dead process are marked interrupted first.
   */
  claim(id: number): void {
    const row = this.row(id);
    if (row.status === 'running' && isWriterAlive({ pid: row.writer_pid, host: row.writer_host, token: row.writer_token })
      && row.writer_pid !== process.pid) {
      throw new StoreError('busy', `sweep ${id} is still running in process ${row.writer_pid} on ${row.writer_host}; stop it first or wait for it`);
    }
    const writer = currentWriter();
    this.conn.write(() => {
      this.conn.stmt(`UPDATE sweeps SET status = 'running', error = NULL, ended_at = NULL, updated_at = ?, writer_pid = ?, writer_host = ?, writer_token = ?
        WHERE id = ?`).run(Date.now(), writer.pid, writer.host, writer.token, id);
    }, true);
  }

  /** The score a trial's run was ranked on, and the epoch count halving stopped it at (null: not stopped by the sweep). */
  scoreTrial(runId: number, score: number | null, stoppedAt: number | null): void {
    this.conn.write(() => {
      this.conn.stmt('UPDATE runs SET sweep_score = ?, sweep_stopped_at = ? WHERE id = ?')
        .run(score === null || !Number.isFinite(score) ? null : score, stoppedAt, runId);
    }, true);
  }

  finish(id: number, status: Exclude<SweepStatus, 'running' | 'interrupted'>, error: string | null = null): void {
    this.conn.write(() => {
      const now = Date.now();
      this.conn.stmt('UPDATE sweeps SET status = ?, error = ?, ended_at = ?, updated_at = ? WHERE id = ?').run(status, error, now, now, id);
    }, true);
  }

  /** Every sweep, newest first. */
  list(): SweepInfo[] {
    const rows = this.conn.read(() => this.conn.stmt(`SELECT ${sweepColumns} FROM sweeps s LEFT JOIN projects p ON p.id = s.project_id ORDER BY s.id DESC`).all()) as SweepRow[];
    return rows.map(info);
  }

  /** A sweep with each planned trial (its latest run, status, score and test metrics) and the best so far. */
  get(id: number): SweepDetail {
    const row = this.row(id);
    const plan = JSON.parse(row.plan_json) as TrialSettings[];
    const runs = this.conn.read(() => this.conn.stmt(`SELECT r.id, r.sweep_trial, r.status, r.sweep_score, r.sweep_stopped_at,
        (SELECT MAX(s.final_epoch) + 1 FROM run_metric_summary s JOIN metric_names m ON m.id = s.metric_id
          WHERE s.run_id = r.id AND m.name = 'loss') AS epochs
      FROM runs r WHERE r.sweep_id = ? ORDER BY r.id`).all(id)) as TrialRunRow[];
    const latest = new Map<number, TrialRunRow>();
    for (const run of runs) latest.set(run.sweep_trial, run);
    const trials: SweepTrial[] = plan.map((settings, trial) => {
      const run = latest.get(trial);
      if (!run) return { trial, runId: null, status: 'pending', settings, score: null, epochs: 0, stoppedAt: null, test: null };
      return {
        trial, runId: run.id, status: trialStatus(run), settings, score: run.sweep_score, epochs: run.epochs ?? 0,
        stoppedAt: run.sweep_stopped_at, test: this.testMetrics(run.id),
      };
    });
    const summary = info(row);
    return { ...summary, trials, best: bestOf(trials.filter((t) => isTrialFinished(t.status)), summary.direction) };
  }

  private testMetrics(runId: number): Record<string, number | null> | null {
    const rows = this.conn.read(() => this.conn.stmt(`SELECT m.name, t.value FROM test_metrics t JOIN metric_names m ON m.id = t.metric_id
      WHERE t.run_id = ? ORDER BY m.name`).all(runId)) as { name: string; value: number | null }[];
    return rows.length ? Object.fromEntries(rows.map((r) => [r.name, r.value])) : null;
  }
}
