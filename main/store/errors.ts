// Failures of the experiment store that a user can act on, each with a plain message that says what
// is wrong and what to do. Callers (CLI, IPC) show `message` as is; `kind` lets them choose an exit code.

export type StoreErrorKind =
  | 'newer-schema'
  | 'not-a-database'
  | 'corrupt'
  | 'busy'
  | 'cannot-open'
  | 'not-found'
  | 'invalid';

export class StoreError extends Error {
  kind: StoreErrorKind;
  /** The database file concerned, when the error is about the file itself (a CLI can then offer `db reset`). */
  path?: string;
  constructor(kind: StoreErrorKind, message: string, path?: string) {
    super(message);
    this.name = 'StoreError';
    this.kind = kind;
    if (path !== undefined) this.path = path;
  }
}

/** Error codes better-sqlite3 puts on a SqliteError when another connection holds the lock. */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export function isCorruptionError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}
