// Recovering from a damaged history database without losing it: check it, and on request move the
// damaged file (with its -wal/-shm companions) aside as `<name>.corrupt-<time>` and start an empty one.
import { existsSync, renameSync } from 'node:fs';
import { StoreError } from './errors.ts';
import { openStore } from './experimentStore.ts';

export type DatabaseHealth =
  | { state: 'ok'; runs: number }
  | { state: 'damaged'; message: string }
  | { state: 'missing'; message: string };

const companions = ['-wal', '-shm', '-journal'];

/** Opens the database read-only in spirit (never creates it) and runs SQLite's integrity check. */
export function checkDatabase(path: string): DatabaseHealth {
  let store;
  try {
    store = openStore(path, { mustExist: true });
  } catch (err) {
    if (err instanceof StoreError && err.kind === 'not-found') return { state: 'missing', message: err.message };
    if (err instanceof StoreError && (err.kind === 'corrupt' || err.kind === 'not-a-database')) return { state: 'damaged', message: err.message };
    throw err;
  }
  try {
    const integrity = store.integrityCheck();
    if (integrity !== 'ok') {
      return { state: 'damaged', message: `${path} is damaged (SQLite's integrity check: ${integrity.split('\n')[0]})` };
    }
    return { state: 'ok', runs: store.listRuns({ limit: 1 }).total };
  } catch (err) {
    if (err instanceof StoreError && err.kind === 'corrupt') return { state: 'damaged', message: err.message };
    throw err;
  } finally {
    store.close();
  }
}

export interface ResetResult {
  /** Where the damaged database now is. */
  backupPath: string;
  /** Every file that was moved (the database and any -wal/-shm/-journal beside it), as [from, to]. */
  moved: [string, string][];
}

/**
 * Moves a damaged database aside and creates a new, empty history at `path`. Refuses a sound database
 * (unless `force`), a missing one, and one written by a newer Modelwright: nothing is ever deleted.
 */
export function backupAndReset(path: string, options: { force?: boolean; now?: Date } = {}): ResetResult {
  const health = checkDatabase(path);
  if (health.state === 'missing') throw new StoreError('not-found', health.message);
  if (health.state === 'ok' && !options.force) {
    throw new StoreError('invalid',
      `${path} is not damaged (it passes SQLite's integrity check and holds ${health.runs} run${health.runs === 1 ? '' : 's'}); ` +
      'nothing was changed. To start a new history anyway, add --force (the old file is kept as a backup).');
  }
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const backupPath = `${path}.corrupt-${stamp}`;
  if (existsSync(backupPath)) throw new StoreError('invalid', `${backupPath} already exists; try again in a moment`);
  const moved: [string, string][] = [];
  // The main file last: until it moves, a failure leaves the database where the user expects it.
  for (const suffix of companions) {
    if (existsSync(path + suffix)) {
      renameSync(path + suffix, backupPath + suffix);
      moved.push([path + suffix, backupPath + suffix]);
    }
  }
  renameSync(path, backupPath);
  moved.unshift([path, backupPath]);
  openStore(path).close();
  return { backupPath, moved };
}
