// Reopening an interrupted or failed run to resume its training (`modelwright train --resume RUN_ID`): the
// SAME run goes back to `running` in this process, keeping its epochs up to the checkpoint it resumes from;
// epochs recorded after that checkpoint are dropped (they are trained again) and the metric summaries rebuilt.
import { metricDirection } from '../../app/store/types.ts';
import { StoreError } from './errors.ts';
import type { StoreConnection } from './storeConnection.ts';
import { currentWriter } from './writerIdentity.ts';

/** Run statuses a resume may reopen: the trainer or the host was killed, or the run failed. */
export const resumableStatuses = new Set(['interrupted', 'failed']);

export function reopenRun(conn: StoreConnection, runId: number, lastEpoch: number): void {
  const writer = currentWriter();
  conn.write(() => {
    const { status } = conn.runStatus(runId);
    if (!resumableStatuses.has(status)) {
      throw new StoreError('invalid', `run ${runId} is ${status}; only an interrupted or failed run can be resumed`);
    }
    const now = Date.now();
    conn.stmt(`UPDATE runs SET status = 'running', error = NULL, ended_at = NULL, duration_ms = NULL, learned = NULL, learning_json = NULL,
      updated_at = ?, writer_pid = ?, writer_host = ?, writer_token = ? WHERE id = ?`).run(now, writer.pid, writer.host, writer.token, runId);
    conn.stmt('DELETE FROM epoch_metrics WHERE run_id = ? AND epoch > ?').run(runId, lastEpoch);
    conn.stmt('DELETE FROM evaluations WHERE run_id = ?').run(runId);
    conn.stmt('DELETE FROM test_metrics WHERE run_id = ?').run(runId);
    conn.stmt('DELETE FROM run_metric_summary WHERE run_id = ?').run(runId);
    const rows = conn.stmt(`SELECT m.metric_id AS metric, n.name AS name, m.epoch AS epoch, m.value AS value FROM epoch_metrics m
      JOIN metric_names n ON n.id = m.metric_id WHERE m.run_id = ? ORDER BY m.metric_id, m.epoch`).all(runId) as
      { metric: number; name: string; epoch: number; value: number | null }[];
    const insert = conn.stmt(`INSERT INTO run_metric_summary (run_id, metric_id, final_value, final_epoch, best_value, best_epoch, points)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    for (let i = 0; i < rows.length;) {
      const metric = rows[i].metric;
      const sign = metricDirection(rows[i].name) === 'max' ? 1 : -1;
      let best: { value: number; epoch: number } | null = null;
      let last = rows[i];
      let points = 0;
      for (; i < rows.length && rows[i].metric === metric; i++) {
        const r = rows[i];
        last = r;
        points++;
        if (r.value !== null && (best === null || r.value * sign > best.value * sign)) best = { value: r.value, epoch: r.epoch };
      }
      insert.run(runId, metric, last.value, last.epoch, best?.value ?? null, best?.epoch ?? null, points);
    }
  }, true);
}
