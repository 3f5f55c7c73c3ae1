// Removing artifact folders without blocking and without leaving orphans after a crash. A deleted run's
// folders are first moved into `<artifacts>/.trash` (a rename: instant, and the mark that they are garbage),
// then removed in the background. When a history opens, the store empties `.trash` and moves there the
// folders in the artifact root that no run records — only names the store gives (`model-…`, `sweep-N-trial-M-…`),
// untouched for ten minutes, and only when no other database file lies beside the history (a shared root).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { StoreConnection } from './storeConnection.ts';

export const trashFolderName = '.trash';
/** An unreferenced folder younger than this may belong to a run that is saving its model right now. */
export const orphanMinAgeMs = 10 * 60_000;
/** The folder names the store and the trainers give artifacts (main/services/training.ts, sweepRunner.ts, cli train). */
const artifactNamePattern = /^(model|sweep-\d+-trial-\d+)-[a-z0-9]+(-[a-z0-9]+)*$/;
/** Past this many entries beside the database, the shared-root check gives up and the sweep is skipped. */
const maxSiblingsChecked = 500;

export function isArtifactName(name: string): boolean {
  return artifactNamePattern.test(name);
}

/**
 * Moves a folder out of the way before it is removed: into the artifact root's `.trash` when it lies
 * there, else beside itself under a hidden name. Returns where it now is, or the path itself when it
 * cannot be moved (it is then removed where it is).
 */
export function moveToTrash(artifactRoot: string, path: string, inRoot: boolean): string {
  const tag = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const target = inRoot
    ? join(artifactRoot, trashFolderName, `${basename(path)}-${tag}`)
    : join(dirname(path), `.${basename(path)}.deleting-${tag}`);
  try {
    if (inRoot) mkdirSync(join(artifactRoot, trashFolderName), { recursive: true });
    renameSync(path, target);
    return target;
  } catch {
    return path;
  }
}

/** Removes folders off the request path (libuv's thread pool); failures are left for the next sweep. */
export function removeInBackground(paths: readonly string[]): Promise<void> {
  return Promise.all(paths.map((p) => rm(p, { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined))).then(() => undefined);
}

/** Names that look like an SQLite database or one of its side files. */
const databaseName = /\.(db|sqlite|sqlite3|db3)$|-(wal|shm|journal)$/i;

/**
 * Whether another history may live in the database's folder (and so share `artifacts/`): any other file
 * named like a database. Only names are read — opening a file SQLite has open in this process and closing
 * it again would drop that connection's POSIX locks (a test of this module caught exactly that).
 */
function sharesArtifactRoot(dbPath: string): boolean {
  let names: string[];
  try {
    names = readdirSync(dirname(dbPath));
  } catch {
    return true;
  }
  if (names.length > maxSiblingsChecked) return true;
  const own = basename(dbPath);
  return names.some((name) => name !== own && !['-wal', '-shm', '-journal'].some((side) => name === own + side) && databaseName.test(name));
}

/** The newest modification time of a folder and its direct entries (a model being saved touches them). */
function lastTouched(path: string): number {
  let newest = statSync(path).mtimeMs;
  for (const name of readdirSync(path)) {
    try {
      newest = Math.max(newest, statSync(join(path, name)).mtimeMs);
    } catch {
      // Gone meanwhile.
    }
  }
  return newest;
}

export interface ArtifactSweep {
  /** Unreferenced artifact folders moved to the trash. */
  orphans: string[];
  /** Resolves when the trash has been emptied. */
  removal: Promise<void>;
}

/**
 * At open: moves unreferenced artifact folders to the trash and empties it in the background. Never
 * throws (a sweep that cannot run leaves things as they are for the next one).
 */
export function sweepArtifacts(conn: StoreConnection, artifactRoot: string, now = Date.now()): ArtifactSweep {
  const orphans: string[] = [];
  try {
    const entries = readdirSync(artifactRoot, { withFileTypes: true });
    const candidates = entries.filter((e) => e.isDirectory() && isArtifactName(e.name));
    if (candidates.length > 0 && conn.path !== ':memory:' && !sharesArtifactRoot(conn.path)) {
      const recorded = conn.read(() => conn.stmt('SELECT path FROM artifacts').all() as { path: string }[]);
      // By name as well as by path: a root reached through another spelling (a symlink) must not look unreferenced.
      const names = new Set(recorded.map((r) => basename(r.path)));
      const paths = new Set(recorded.map((r) => resolve(r.path)));
      for (const entry of candidates) {
        const path = join(artifactRoot, entry.name);
        if (names.has(entry.name) || paths.has(path)) continue;
        try {
          if (now - lastTouched(path) < orphanMinAgeMs) continue;
        } catch {
          continue;
        }
        const moved = moveToTrash(artifactRoot, path, true);
        if (moved !== path) orphans.push(path);
      }
    }
  } catch {
    // No artifact root yet, or unreadable: nothing to sweep.
  }
  let trash: string[] = [];
  try {
    trash = readdirSync(join(artifactRoot, trashFolderName)).map((name) => join(artifactRoot, trashFolderName, name));
  } catch {
    // No trash.
  }
  return { orphans, removal: removeInBackground(trash) };
}
