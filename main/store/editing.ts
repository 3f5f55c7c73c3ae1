// Editing what the user may change about a recorded run: its name, note and tags.
import { StoreError } from './errors.ts';
import type { StoreConnection } from './storeConnection.ts';

export function renameRun(conn: StoreConnection, runId: number, name: string): void {
  const trimmed = name.trim();
  if (!trimmed) throw new StoreError('invalid', 'a run name cannot be empty');
  conn.write(() => {
    conn.runStatus(runId);
    conn.stmt('UPDATE runs SET name = ? WHERE id = ?').run(trimmed, runId);
  }, true);
}

export function setNote(conn: StoreConnection, runId: number, note: string): void {
  conn.write(() => {
    conn.runStatus(runId);
    conn.stmt('UPDATE runs SET note = ? WHERE id = ?').run(note, runId);
  }, true);
}

export function tagRun(conn: StoreConnection, runId: number, tags: string | string[]): void {
  conn.write(() => {
    conn.runStatus(runId);
    for (const tag of Array.isArray(tags) ? tags : [tags]) addTag(conn, runId, tag);
  }, true);
}

export function untagRun(conn: StoreConnection, runId: number, tags: string | string[]): void {
  conn.write(() => {
    conn.runStatus(runId);
    for (const tag of Array.isArray(tags) ? tags : [tags]) {
      conn.stmt('DELETE FROM run_tags WHERE run_id = ? AND tag_id = (SELECT id FROM tags WHERE name = ?)').run(runId, tag.trim());
    }
  }, true);
}

/** Adds one tag to a run; call inside a write. */
export function addTag(conn: StoreConnection, runId: number, tag: string): void {
  const name = tag.trim();
  if (!name) throw new StoreError('invalid', 'a tag cannot be empty');
  if (name.length > 100) throw new StoreError('invalid', `a tag is at most 100 characters; "${name.slice(0, 20)}…" is ${name.length}`);
  conn.stmt('INSERT OR IGNORE INTO tags (name) VALUES (?)').run(name);
  conn.stmt('INSERT OR IGNORE INTO run_tags (run_id, tag_id) SELECT ?, id FROM tags WHERE name = ?').run(runId, name);
}
