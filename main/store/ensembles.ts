// Ensembles in the history (schema version 5): a fused run is an ordinary run of kind `ensemble` whose
// derivation names its method ({"ensemble":{"method":…}}) and whose members, in order and with their
// weights, are rows of `ensemble_members`. Built on the lineage module (./lineage.ts), which owns those
// columns and rows; this module adds what an ensemble must be (two or more existing members, weights
// ≥ 0 summing to 1, a known method) and reads it back as one value.
import { ensembleMethodSchema, type EnsembleInfo, type EnsembleMethod } from '../../app/store/ensemble.ts';
import { StoreError } from './errors.ts';
import type { ExperimentStore } from './experimentStore.ts';
import { ensembleMembers, lineageOf, setEnsembleMembers, setLineage } from './lineage.ts';

/** Marks `runId` as an ensemble of `members` (run ids in order, weights summing to 1) made with `method`. */
export function recordEnsemble(store: ExperimentStore, runId: number, method: EnsembleMethod, members: readonly { runId: number; weight: number }[]): void {
  if (!ensembleMethodSchema.safeParse(method).success) throw new StoreError('invalid', `unknown ensemble method "${String(method)}"`);
  if (members.length < 2) throw new StoreError('invalid', 'an ensemble needs at least two member runs');
  const total = members.reduce((sum, m) => sum + m.weight, 0);
  if (members.some((m) => !(m.weight >= 0)) || Math.abs(total - 1) > 1e-6) {
    throw new StoreError('invalid', `ensemble weights must be ≥ 0 and sum to 1, got ${members.map((m) => m.weight).join(', ')}`);
  }
  for (const m of members) {
    if (m.runId === runId) throw new StoreError('invalid', `run ${runId} cannot be a member of itself`);
    lineageOf(store, m.runId);
  }
  // One transaction (the inner writes nest as savepoints): a crash never leaves an ensemble without members.
  store.connection.write(() => {
    setLineage(store, runId, { kind: 'ensemble', derivation: { ensemble: { method } } });
    setEnsembleMembers(store, runId, members);
  }, true);
}

/** The method and members of an ensemble run; null for a run of another kind. */
export function ensembleOf(store: ExperimentStore, runId: number): EnsembleInfo | null {
  const lineage = lineageOf(store, runId);
  if (lineage.kind !== 'ensemble') return null;
  const method = ensembleMethodSchema.safeParse((lineage.derivation?.ensemble as { method?: unknown } | undefined)?.method);
  return {
    // A damaged derivation reads as the plain average; the members and their weights still show.
    method: method.success ? method.data : 'average',
    members: ensembleMembers(store, runId).map((m, position) => ({ position, runId: m.runId, weight: m.weight })),
  };
}
