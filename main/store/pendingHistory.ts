// What a run could not write to a full history: its epoch metrics and its end (status, evaluation, saved
// model) are kept in `history-pending.json` inside the run's model folder, and written into the history by
// the next store that opens it (the run's folder is recorded as its `output` artifact when the run starts).
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FinishStatus } from '../../app/store/types.ts';
import { appendEpochMetricRows, checkFinish, writeFinish, type EpochMetricRow, type FinishRunInput } from './recording.ts';
import type { StoreConnection } from './storeConnection.ts';

export const PENDING_HISTORY_FILE = 'history-pending.json';
const format = 'modelwright-pending-history';

export interface PendingHistory {
  format: typeof format;
  version: 1;
  /** The history the run belongs to (absolute path): another history never applies it. */
  database: string;
  runId: number;
  epochs: EpochMetricRow[];
  finish: { status: FinishStatus; result: FinishRunInput };
}

/** SQLite's "database or disk is full", or the file system's ENOSPC/EDQUOT. */
export function isDiskFullError(err: unknown): boolean {
  const code = String((err as { code?: unknown })?.code ?? '');
  return code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT' || /database or disk is full|no space left on device/i.test(String((err as Error)?.message));
}

/** Writes the pending record into `folder` (temporary file + rename); returns its path. */
export function writePendingHistory(folder: string, record: Omit<PendingHistory, 'format' | 'version'>): string {
  const path = join(folder, PENDING_HISTORY_FILE);
  const body: PendingHistory = { format, version: 1, ...record, database: resolve(record.database) };
  writeFileSync(`${path}.tmp`, JSON.stringify(body));
  renameSync(`${path}.tmp`, path);
  return path;
}

function readPending(path: string): PendingHistory | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as PendingHistory;
    if (value?.format !== format || value.version !== 1 || !Number.isInteger(value.runId) || !Array.isArray(value.epochs) || !value.finish) return null;
    return value;
  } catch {
    return null;
  }
}

/**
 * Writes every pending record of this history's unfinished runs (their `output` folders) into it and
 * removes the files. Returns the runs completed so. A record that cannot be applied stays for the next open.
 */
export function applyPendingHistory(conn: StoreConnection, databasePath: string): number[] {
  const rows = conn.read(() => conn.stmt(`SELECT a.run_id AS runId, a.path AS path FROM artifacts a JOIN runs r ON r.id = a.run_id
    WHERE a.kind = 'output' AND r.status = 'interrupted'`).all()) as { runId: number; path: string }[];
  const applied: number[] = [];
  for (const row of rows) {
    const file = join(row.path, PENDING_HISTORY_FILE);
    if (!existsSync(file)) continue;
    const pending = readPending(file);
    if (!pending || pending.runId !== row.runId || pending.database !== resolve(databasePath)) continue;
    try {
      appendEpochMetricRows(conn, row.runId, pending.epochs, true);
      writeFinish(conn, row.runId, checkFinish(pending.finish.status, pending.finish.result));
      unlinkSync(file);
      applied.push(row.runId);
    } catch {
      // Still no room, or the run changed meanwhile: the file stays, nothing is lost.
    }
  }
  return applied;
}
