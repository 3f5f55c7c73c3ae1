// Shared by the history commands (runs, show, compare, delete, tag, note, rename): opening the store
// from --db / MODELWRIGHT_DB with store errors turned into one-line CLI errors, and value formatting
// (app/format.ts's, with the CLI's "-" for a missing value).
import * as format from '../../app/format.ts';
import { CliError, UsageError } from './command.ts';
import { openStore, type ExperimentStore } from '../store/experimentStore.ts';
import { resolveDbPath } from '../store/location.ts';
import { StoreError } from '../store/errors.ts';

export const dbOption = { db: { type: 'string' } } as const;

export const dbUsage = '  --db PATH        history database (default: $MODELWRIGHT_DB or ~/.modelwright/modelwright.db)';

/** Store failures become CLI errors: exit 2, since each means the history file cannot be used as given. */
export function toCliError(err: unknown): unknown {
  if (err instanceof StoreError) {
    // A damaged file: offer the exact command that keeps it as a backup and starts a new history.
    const offer = (err.kind === 'corrupt' || err.kind === 'not-a-database') && err.path !== undefined && err.path !== ':memory:'
      ? ` To do that in one step, run: modelwright db reset --db ${shellQuote(err.path)}`
      : '';
    return new CliError(`${err.message}${offer}`, 2);
  }
  return err;
}

/** A path as one POSIX shell word, quoted only when it needs to be. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * Opens the history for a command. With `allowMissing`, a database that does not exist yet gives null
 * (listing an empty history is not an error); otherwise it is a clear error. Never creates the file.
 */
export function openHistory(dbFlag: string | undefined, allowMissing: true): ExperimentStore | null;
export function openHistory(dbFlag: string | undefined, allowMissing?: false): ExperimentStore;
export function openHistory(dbFlag: string | undefined, allowMissing = false): ExperimentStore | null {
  const path = resolveDbPath(dbFlag);
  try {
    return openStore(path, { mustExist: true });
  } catch (err) {
    if (allowMissing && err instanceof StoreError && err.kind === 'not-found') return null;
    throw toCliError(err);
  }
}

/** Runs `fn` with the store, closing it afterwards and mapping store errors. */
export async function withHistory<T>(store: ExperimentStore, fn: (store: ExperimentStore) => T | Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } catch (err) {
    throw toCliError(err);
  } finally {
    // Folder removals run in the background (deleted runs, the sweep at open); a command ends after them.
    await store.settled();
    store.close();
  }
}

export function parseRunId(text: string | undefined, what = 'RUN_ID'): number {
  if (text === undefined) throw new UsageError(`give a ${what} (see "modelwright runs" for the ids)`);
  const id = Number(text.replace(/^#/, ''));
  if (!Number.isSafeInteger(id) || id < 1) throw new UsageError(`"${text}" is not a run id: run ids are whole numbers like 12`);
  return id;
}

// Numbers read as in the studio (app/format.ts); a missing value prints "-" so plain-text tables stay ASCII.

/** Metric values with four decimals (enough to tell runs apart), large ones in six significant digits. */
export const formatMetric = (value: number | null | undefined): string => format.formatDecimal(value, 4, '-');

/** "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". */
export const formatDuration = (ms: number | null | undefined): string => format.formatDuration(ms, '-');

/** Local date and time to the minute, e.g. "2026-03-01 14:07". */
export const formatTime = (isoTime: string | null | undefined): string => format.formatTime(isoTime, '-');

/** JSON values in table cells: strings bare, everything else as JSON; missing as "-". */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Metric names in the order people look for them: validation accuracy and loss first. */
export function orderMetrics(names: Iterable<string>): string[] {
  const preferred = ['val_accuracy', 'val_acc', 'val_loss', 'accuracy', 'acc', 'loss'];
  return [...new Set(names)].sort((a, b) => {
    const ia = preferred.indexOf(a);
    const ib = preferred.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    return a.localeCompare(b);
  });
}
