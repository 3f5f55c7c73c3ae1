// main/store/lineage.ts: a run's kind, parent and derivation, and ensemble members, in the history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { openStore, type ExperimentStore } from '../../../main/store/experimentStore.ts';
import { childRuns, ensembleMembers, ensemblesContaining, lineageOf, setEnsembleMembers, setLineage } from '../../../main/store/lineage.ts';
import { expectStoreError } from './storeErrors.ts';

let dir: string;
let store: ExperimentStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-lineage-'));
  store = openStore(join(dir, 'history.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const graph: Graph = { layers: [{ id: 'i', type: 'Input', name: 'input', params: { shape: [4] } }], connections: [] };
const run = () => store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });

describe('lineage', () => {
  it('records a pruned child with its parent and derivation, and finds children by kind', () => {
    const parent = run();
    const child = run();
    const other = run();
    expect(lineageOf(store, parent)).toEqual({ runId: parent, kind: 'train', parentRunId: null, derivation: null });
    setLineage(store, child, { kind: 'prune', parentRunId: parent, derivation: { prune: { sparsity: 0.8 } } });
    setLineage(store, other, { kind: 'train', parentRunId: parent });
    expect(lineageOf(store, child)).toEqual({ runId: child, kind: 'prune', parentRunId: parent, derivation: { prune: { sparsity: 0.8 } } });
    expect(childRuns(store, parent).map((c) => c.runId)).toEqual([child, other]);
    expect(childRuns(store, parent, 'prune').map((c) => c.runId)).toEqual([child]);
    // Deleting the parent keeps the child, without a parent.
    store.deleteRun(parent);
    expect(lineageOf(store, child).parentRunId).toBeNull();
  });

  it('records ensemble members in order and finds the ensembles a run is in', () => {
    const [a, b, ens] = [run(), run(), run()];
    setLineage(store, ens, { kind: 'ensemble', derivation: { ensemble: { method: 'average' } } });
    setEnsembleMembers(store, ens, [{ runId: b, weight: 0.25 }, { runId: a, weight: 0.75 }]);
    expect(ensembleMembers(store, ens)).toEqual([{ runId: b, weight: 0.25 }, { runId: a, weight: 0.75 }]);
    expect(ensemblesContaining(store, a)).toEqual([ens]);
    expect(ensemblesContaining(store, ens)).toEqual([]);
  });

  it('refuses a missing run or parent, a run as its own parent and an unknown kind', () => {
    const id = run();
    expectStoreError(() => setLineage(store, 999, { kind: 'prune' }), 'not-found', /run 999 does not exist/);
    expectStoreError(() => setLineage(store, id, { kind: 'prune', parentRunId: 999 }), 'not-found', /run 999 \(the parent\)/);
    expectStoreError(() => setLineage(store, id, { kind: 'prune', parentRunId: id }), 'invalid', /its own parent/);
    expectStoreError(() => setLineage(store, id, { kind: 'fused' as never }), 'invalid', /kind is one of/);
    expectStoreError(() => lineageOf(store, 999), 'not-found', /run 999/);
  });
});
