// Where a run came from (schema version 5, migrations/005_lineage.ts): how it was made (`kind`), the run
// it was derived from (`parent_run_id`: a pruned or warm-started run), what made it (`derivation_json`,
// e.g. {"prune":{"sparsity":0.8,…}}) and an ensemble's members. The one module for lineage in the
// history: the prune command, the trade-off view, ensembles and warm starts read and write it here.
import { StoreError } from './errors.ts';
import type { ExperimentStore } from './experimentStore.ts';

import { runKinds, type RunKind } from '../../app/store/types.ts';

export { runKinds, type RunKind };

export interface RunLineage {
  runId: number;
  kind: RunKind;
  /** The run this one was derived from; null for a run trained from scratch (or when the parent was deleted). */
  parentRunId: number | null;
  /** What made the run, as recorded (e.g. `{ prune: { sparsity, schedule, epochs, layers } }`). */
  derivation: Record<string, unknown> | null;
}

export interface LineageInput {
  kind: RunKind;
  parentRunId?: number | null;
  derivation?: Record<string, unknown> | null;
}

export interface EnsembleMember {
  /** Null when the member run was deleted later (the ensemble keeps its own model). */
  runId: number | null;
  weight: number;
}

interface LineageRow { id: number; kind: RunKind; parent_run_id: number | null; derivation_json: string | null }

function parseDerivation(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : null;
  } catch {
    return null; // A damaged derivation reads as none; the run itself still shows.
  }
}

function toLineage(row: LineageRow): RunLineage {
  return { runId: row.id, kind: row.kind, parentRunId: row.parent_run_id, derivation: parseDerivation(row.derivation_json) };
}

/** Records how a run was made (replacing what was recorded); the parent must exist and differ from the run. */
export function setLineage(store: ExperimentStore, runId: number, input: LineageInput): void {
  if (!(runKinds as readonly string[]).includes(input.kind)) throw new StoreError('invalid', `a run's kind is one of ${runKinds.join(', ')}, not ${String(input.kind)}`);
  const parent = input.parentRunId ?? null;
  if (parent === runId) throw new StoreError('invalid', `run ${runId} cannot be its own parent`);
  const conn = store.connection;
  conn.write(() => {
    if (parent !== null && !conn.stmt('SELECT 1 FROM runs WHERE id = ?').get(parent)) throw new StoreError('not-found', `run ${parent} (the parent) does not exist`);
    const changed = conn.stmt('UPDATE runs SET kind = ?, parent_run_id = ?, derivation_json = ? WHERE id = ?')
      .run(input.kind, parent, input.derivation ? JSON.stringify(input.derivation) : null, runId).changes;
    if (changed === 0) throw new StoreError('not-found', `run ${runId} does not exist`);
  }, true);
}

/** How the run was made. */
export function lineageOf(store: ExperimentStore, runId: number): RunLineage {
  const conn = store.connection;
  const row = conn.read(() => conn.stmt('SELECT id, kind, parent_run_id, derivation_json FROM runs WHERE id = ?').get(runId)) as LineageRow | undefined;
  if (!row) throw new StoreError('not-found', `run ${runId} does not exist`);
  return toLineage(row);
}

/** Runs derived from this one (pruned, warm-started), oldest first; `kind` keeps only those made so. */
export function childRuns(store: ExperimentStore, runId: number, kind?: RunKind): RunLineage[] {
  const conn = store.connection;
  const rows = conn.read(() => (kind
    ? conn.stmt('SELECT id, kind, parent_run_id, derivation_json FROM runs WHERE parent_run_id = ? AND kind = ? ORDER BY id').all(runId, kind)
    : conn.stmt('SELECT id, kind, parent_run_id, derivation_json FROM runs WHERE parent_run_id = ? ORDER BY id').all(runId))) as LineageRow[];
  return rows.map(toLineage);
}

/** Records an ensemble's members in order (replacing any recorded before). */
export function setEnsembleMembers(store: ExperimentStore, runId: number, members: readonly EnsembleMember[]): void {
  const conn = store.connection;
  conn.write(() => {
    conn.stmt('DELETE FROM ensemble_members WHERE run_id = ?').run(runId);
    members.forEach((m, position) => {
      if (!Number.isFinite(m.weight)) throw new StoreError('invalid', `ensemble member ${position + 1} needs a finite weight`);
      conn.stmt('INSERT INTO ensemble_members (run_id, position, member_run_id, weight) VALUES (?, ?, ?, ?)').run(runId, position, m.runId, m.weight);
    });
  }, true);
}

/** An ensemble's members in order. */
export function ensembleMembers(store: ExperimentStore, runId: number): EnsembleMember[] {
  const conn = store.connection;
  const rows = conn.read(() => conn.stmt('SELECT member_run_id, weight FROM ensemble_members WHERE run_id = ? ORDER BY position').all(runId)) as { member_run_id: number | null; weight: number }[];
  return rows.map((r) => ({ runId: r.member_run_id, weight: r.weight }));
}

/** Ensemble runs that have this run among their members (the "fused" variants of a model), oldest first. */
export function ensemblesContaining(store: ExperimentStore, runId: number): number[] {
  const conn = store.connection;
  const rows = conn.read(() => conn.stmt('SELECT DISTINCT run_id FROM ensemble_members WHERE member_run_id = ? ORDER BY run_id').all(runId)) as { run_id: number }[];
  return rows.map((r) => r.run_id);
}
