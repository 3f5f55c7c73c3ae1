// Saved-model folders recorded with a run, and deleting a run together with the folders the store may remove.
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { RunStatus } from '../../app/store/types.ts';
import { moveToTrash, removeInBackground } from './artifactTrash.ts';
import { StoreError } from './errors.ts';
import { checkRunId, writableStatuses, type StoreConnection } from './storeConnection.ts';
import { currentWriter, isWriterAlive } from './writerIdentity.ts';

export interface ArtifactInput {
  kind: string;
  path: string;
  sizeBytes?: number;
  /** The store may delete this folder with the run even if it lies outside the artifact root. */
  owned?: boolean;
}

export interface DeleteResult {
  /** Artifact folders removed from disk. */
  deletedFiles: string[];
  /** Artifact paths left alone: outside the artifact root and not owned, or shared with another run. */
  keptFiles: string[];
}

function isInside(root: string, target: string): boolean {
  const real = (p: string) => { try { return realpathSync(p); } catch { return resolve(p); } };
  const rel = relative(real(root), real(target));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Records an artifact of a run; call inside a write. */
export function insertArtifact(conn: StoreConnection, runId: number, artifact: ArtifactInput, now: number): number {
  if (!artifact.kind || !artifact.path) throw new StoreError('invalid', 'an artifact needs a kind and a path');
  const result = conn.stmt('INSERT INTO artifacts (run_id, kind, path, size_bytes, owned, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(runId, artifact.kind, resolve(artifact.path), artifact.sizeBytes ?? null, artifact.owned ? 1 : 0, now);
  return Number(result.lastInsertRowid);
}

/** Records a saved model (or other output folder) of a run. */
export function addArtifact(conn: StoreConnection, runId: number, artifact: ArtifactInput): number {
  return conn.write(() => {
    conn.runStatus(runId);
    return insertArtifact(conn, runId, artifact, Date.now());
  }, true);
}

/**
 * Deletes a run, its metrics and results, and its artifact folders on disk when they lie inside the
 * artifact root or were recorded as owned (and no other run records the same path). The row goes first,
 * in one durable transaction; the folders are then moved into the trash (instant) and removed in the
 * background (`removal`), so a crash at any point leaves only trash or unreferenced folders, which the
 * next open sweeps (artifactTrash.ts), and a large folder never blocks the caller.
 */
export function deleteRun(conn: StoreConnection, artifactRoot: string, runId: number, options: { force?: boolean } = {}): DeleteResult & { removal: Promise<void> } {
  const artifacts = conn.write(() => {
    const row = conn.stmt('SELECT status, writer_pid, writer_host, writer_token FROM runs WHERE id = ?').get(checkRunId(runId)) as
      { status: RunStatus; writer_pid: number | null; writer_host: string | null; writer_token: string | null } | undefined;
    if (!row) throw conn.notFound(runId);
    const me = currentWriter();
    if (!options.force && writableStatuses.has(row.status) && row.writer_pid !== me.pid &&
      isWriterAlive({ pid: row.writer_pid, host: row.writer_host, token: row.writer_token })) {
      throw new StoreError('invalid', `run ${runId} is still ${row.status} in process ${row.writer_pid}; stop that training first`);
    }
    const list = conn.stmt('SELECT path, owned FROM artifacts WHERE run_id = ?').all(runId) as { path: string; owned: number }[];
    conn.stmt('DELETE FROM runs WHERE id = ?').run(runId);
    const shared = new Set(list.filter((a) => conn.stmt('SELECT 1 FROM artifacts WHERE path = ?').get(a.path)).map((a) => a.path));
    return list.map((a) => ({ ...a, shared: shared.has(a.path) }));
  }, true);
  const result: DeleteResult = { deletedFiles: [], keptFiles: [] };
  const trashed: string[] = [];
  for (const artifact of artifacts) {
    const inRoot = isInside(artifactRoot, artifact.path);
    const deletable = !artifact.shared && (artifact.owned === 1 || inRoot);
    if (deletable && existsSync(artifact.path)) {
      trashed.push(moveToTrash(artifactRoot, artifact.path, inRoot));
      result.deletedFiles.push(artifact.path);
    } else if (!deletable) {
      result.keptFiles.push(artifact.path);
    }
  }
  return { ...result, removal: removeInBackground(trashed) };
}
