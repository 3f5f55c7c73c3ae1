// Ensembles in the history (schema version 5): a fused run is an ordinary run of kind `ensemble` whose
// `derivation_json` names its method and whose members, in order and with their weights, are rows of
// `ensemble_members`. Recording the members and reading them back live here.
import { canonicalJson } from '../../app/store/diff.ts';
import { ensembleMethodSchema, type EnsembleInfo, type EnsembleMethod } from '../../app/store/ensemble.ts';
import { StoreError } from './errors.ts';
import type { StoreConnection } from './storeConnection.ts';

/** Marks `runId` as an ensemble of `members` (run ids in order, weights summing to 1) made with `method`. */
export function recordEnsemble(conn: StoreConnection, runId: number, method: EnsembleMethod, members: readonly { runId: number; weight: number }[]): void {
  if (!ensembleMethodSchema.safeParse(method).success) throw new StoreError('invalid', `unknown ensemble method "${String(method)}"`);
  if (members.length < 2) throw new StoreError('invalid', 'an ensemble needs at least two member runs');
  const total = members.reduce((sum, m) => sum + m.weight, 0);
  if (members.some((m) => !(m.weight >= 0)) || Math.abs(total - 1) > 1e-6) {
    throw new StoreError('invalid', `ensemble weights must be ≥ 0 and sum to 1, got ${members.map((m) => m.weight).join(', ')}`);
  }
  conn.write(() => {
    conn.runStatus(runId);
    for (const m of members) {
      if (m.runId === runId) throw new StoreError('invalid', `run ${runId} cannot be a member of itself`);
      conn.runStatus(m.runId);
    }
    conn.stmt("UPDATE runs SET kind = 'ensemble', derivation_json = ? WHERE id = ?").run(canonicalJson({ ensemble: { method } }), runId);
    conn.stmt('DELETE FROM ensemble_members WHERE run_id = ?').run(runId);
    const insert = conn.stmt('INSERT INTO ensemble_members (run_id, position, member_run_id, weight) VALUES (?, ?, ?, ?)');
    members.forEach((m, position) => insert.run(runId, position, m.runId, m.weight));
  }, true);
}

/** The method and members of an ensemble run; null for a run of another kind. */
export function ensembleOf(conn: StoreConnection, runId: number): EnsembleInfo | null {
  const row = conn.stmt('SELECT kind, derivation_json FROM runs WHERE id = ?').get(runId) as { kind: string; derivation_json: string | null } | undefined;
  if (!row) throw new StoreError('not-found', `there is no run ${runId}`);
  if (row.kind !== 'ensemble') return null;
  const method = ensembleMethodSchema.safeParse((JSON.parse(row.derivation_json ?? '{}') as { ensemble?: { method?: unknown } }).ensemble?.method);
  const members = (conn.stmt('SELECT position, member_run_id, weight FROM ensemble_members WHERE run_id = ? ORDER BY position').all(runId) as
    { position: number; member_run_id: number | null; weight: number }[]).map((m) => ({ position: m.position, runId: m.member_run_id, weight: m.weight }));
  return { method: method.success ? method.data : 'average', members };
}

/** The ensembles that `runId` is a member of, newest first. */
export function ensemblesWithMember(conn: StoreConnection, runId: number): number[] {
  return (conn.stmt('SELECT DISTINCT run_id FROM ensemble_members WHERE member_run_id = ? ORDER BY run_id DESC').all(runId) as { run_id: number }[]).map((r) => r.run_id);
}
