// Opening the history database safely: refuse files that are not SQLite, are damaged, or were written
// by a newer Modelwright (checked read-only, so such a file is never altered), then WAL, pragmas and migrations.
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError, isBusyError, isCorruptionError } from './errors.ts';
import { latestSchemaVersion, migrations, modelwrightApplicationId } from './migrations/index.ts';

export type Db = Database.Database;

export interface ConnectionOptions {
  /** How long SQLite itself waits for a lock before reporting busy (ms). */
  busyTimeoutMs?: number;
  /** Total time to keep retrying a busy operation, with backoff, before giving up with a clear message (ms). */
  busyRetryMs?: number;
  /** Refuse to create a new database file when none exists. */
  mustExist?: boolean;
  /** Stop migrating at this version (tests build databases of earlier versions with it). */
  targetVersion?: number;
}

const sqliteMagic = 'SQLite format 3\0';

export function backupAdvice(path: string): string {
  return `it was left untouched: keep it as a backup (e.g. rename it to ${path}.damaged) and start a new history, ` +
    'either by moving it away or by choosing another file with --db PATH (or MODELWRIGHT_DB)';
}

/** Reads the 100-byte SQLite header and refuses what is clearly not a usable database; returns the header's user_version. */
function checkHeader(path: string, size: number): number {
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== sqliteMagic) {
    throw new StoreError('not-a-database',
      `${path} is not a Modelwright history database (it is not a SQLite file). ` +
      'It was left untouched; pick another file with --db PATH, or move this one away to start a new history.', path);
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new StoreError('corrupt', `${path} is damaged (its header is invalid); ${backupAdvice(path)}.`, path);
  }
  const pageCount = header.readUInt32BE(28);
  const headerCountValid = header.readUInt32BE(24) === header.readUInt32BE(92) && pageCount > 0;
  // A checkpoint that a full disk cut short leaves the file shorter than its header says, but every page
  // is still in the write-ahead log beside it, and SQLite finishes the checkpoint from there.
  const walSize = existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
  if (size % pageSize !== 0 || (headerCountValid && pageCount * pageSize > size && walSize === 0)) {
    throw new StoreError('corrupt',
      `${path} is damaged (it is truncated: ${size} bytes where ${headerCountValid ? pageCount * pageSize : 'a multiple of ' + pageSize} were expected); ${backupAdvice(path)}.`, path);
  }
  return header.readUInt32BE(60);
}

export function newerSchemaMessage(found: number, path: string): string {
  return `this history was written by a newer Modelwright (schema ${found}, this version knows ${latestSchemaVersion}); ` +
    `update Modelwright or use --db to pick another file (${path})`;
}

function foreignMessage(path: string, detail: string): string {
  return `${path} is a SQLite database of another program (${detail}), not a Modelwright history. ` +
    'It was left untouched; pick another file with --db PATH.';
}

/**
 * Reads, without writing, what SQLite sees (WAL included): refuses a newer schema and another program's
 * database. Falls back to the header's user_version when a read-only open is impossible.
 */
function inspectReadOnly(path: string, headerVersion: number): void {
  let db: Db | undefined;
  let version = headerVersion;
  let appId = 0;
  let tables: string[] | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    version = db.pragma('user_version', { simple: true }) as number;
    appId = db.pragma('application_id', { simple: true }) as number;
    tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[])
      .map((r) => r.name);
  } catch (err) {
    if (isCorruptionError(err)) {
      throw new StoreError('corrupt', `${path} is damaged (${(err as Error).message}); ${backupAdvice(path)}.`, path);
    }
  } finally {
    db?.close();
  }
  if (appId !== 0 && appId !== modelwrightApplicationId) {
    throw new StoreError('not-a-database', foreignMessage(path, `application id ${appId}`), path);
  }
  if (version > latestSchemaVersion && (appId === modelwrightApplicationId || tables === undefined || tables.includes('runs'))) {
    throw new StoreError('newer-schema', newerSchemaMessage(version, path));
  }
  if (tables !== undefined && appId === 0 && tables.length > 0 && (version === 0 || !tables.includes('runs'))) {
    throw new StoreError('not-a-database', foreignMessage(path, `it has tables such as ${tables.slice(0, 3).join(', ')}`), path);
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `fn`, retrying with exponential backoff while another process holds the database lock. SQLite's
 * own busy timeout covers most waits; this covers the cases it returns at once (a stale read snapshot,
 * WAL recovery) and turns a lock held too long into a message instead of a raw SQLITE_BUSY.
 */
export function retryBusy<T>(fn: () => T, path: string, budgetMs = 20_000): T {
  const start = Date.now();
  let delay = 5;
  for (;;) {
    try {
      return fn();
    } catch (err) {
      if (isCorruptionError(err)) {
        throw new StoreError('corrupt', `${path} is damaged (${(err as Error).message}); ${backupAdvice(path)}.`, path);
      }
      if (!isBusyError(err)) throw err;
      if (Date.now() - start + delay > budgetMs) {
        throw new StoreError('busy',
          `the history database ${path} is busy: another Modelwright process has held it for ${Math.round(budgetMs / 1000)} s. ` +
          'Try again when that training or command finishes.');
      }
      sleepSync(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 500);
    }
  }
}

/** Applies the migrations the database lacks, each in its own immediate transaction. Returns the resulting version. */
export function migrate(db: Db, path: string, targetVersion = latestSchemaVersion, budgetMs?: number): number {
  for (const migration of migrations) {
    if (migration.version > targetVersion) break;
    retryBusy(() => db.transaction(() => {
      // Re-read inside the lock: another process may have migrated since we looked.
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current > latestSchemaVersion) throw new StoreError('newer-schema', newerSchemaMessage(current, path));
      if (current >= migration.version) return;
      if (current !== migration.version - 1) {
        throw new StoreError('corrupt', `${path} has schema version ${current}, which skips migration ${migration.version - 1}; ${backupAdvice(path)}.`, path);
      }
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate(), path, budgetMs);
  }
  return db.pragma('user_version', { simple: true }) as number;
}

/** Opens (creating if allowed) the history database at `path`, checked, in WAL mode and migrated. */
export function openDatabase(path: string, options: ConnectionOptions = {}): Db {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const inMemory = path === ':memory:';
  if (!inMemory) {
    if (existsSync(path)) {
      const stat = statSync(path);
      if (stat.isDirectory()) {
        throw new StoreError('cannot-open', `${path} is a folder, not a history database file; give a file path with --db PATH`);
      }
      if (stat.size > 0) {
        const headerVersion = checkHeader(path, stat.size);
        inspectReadOnly(path, headerVersion);
      }
    } else if (options.mustExist) {
      throw new StoreError('not-found', `there is no history database at ${path} yet; train a model first, or pick another file with --db PATH`);
    } else {
      mkdirSync(dirname(path), { recursive: true });
    }
  }
  let db: Db;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
  } catch (err) {
    throw new StoreError('cannot-open', `cannot open the history database ${path}: ${(err as Error).message}`);
  }
  try {
    retryBusy(() => {
      if (!inMemory) {
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal') throw new StoreError('cannot-open', `cannot switch ${path} to write-ahead logging (got "${mode}"); is the folder read-only?`);
      }
      // NORMAL is the connection default (metric batches); status changes and final results switch to FULL per transaction.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    }, path, options.busyRetryMs);
    migrate(db, path, options.targetVersion ?? latestSchemaVersion, options.busyRetryMs);
    return db;
  } catch (err) {
    db.close();
    if (isCorruptionError(err)) {
      throw new StoreError('corrupt', `${path} is damaged (${(err as Error).message}); ${backupAdvice(path)}.`, path);
    }
    throw err;
  }
}
