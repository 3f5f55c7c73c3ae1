// Ensembles in the history: recording a fused run's method and members, reading them back, refusing
// what cannot be an ensemble, and keeping the ensemble when a member is deleted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { openStore, type ExperimentStore } from '../../../main/store/experimentStore.ts';
import { StoreError } from '../../../main/store/errors.ts';
import { ensembleOf, recordEnsemble } from '../../../main/store/ensembles.ts';
import { ensemblesContaining } from '../../../main/store/lineage.ts';

const graph: Graph = {
  layers: [
    { id: 'i', type: 'Input', name: 'input', params: { shape: [4] } },
    { id: 'o', type: 'Dense', name: 'output', params: { units: 3, activation: 'softmax' } },
  ],
  connections: [{ from: 'i', to: 'o', toSlot: 0 }],
};

let store: ExperimentStore;
const run = () => {
  const id = store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });
  store.finishRun(id, 'completed', { testMetrics: { accuracy: 0.9 } });
  return id;
};

beforeEach(() => { store = openStore(':memory:', { sweepInterrupted: false }); });
afterEach(() => store.close());

describe('ensembles in the history', () => {
  it('records the method and the members in order with their weights', () => {
    const [a, b, c] = [run(), run(), run()];
    const e = run();
    recordEnsemble(store, e, 'weighted', [{ runId: b, weight: 0.5 }, { runId: a, weight: 0.3 }, { runId: c, weight: 0.2 }]);
    expect(ensembleOf(store, e)).toEqual({
      method: 'weighted',
      members: [{ position: 0, runId: b, weight: 0.5 }, { position: 1, runId: a, weight: 0.3 }, { position: 2, runId: c, weight: 0.2 }],
    });
    expect(ensembleOf(store, a)).toBeNull();
    expect(ensemblesContaining(store, a)).toEqual([e]);
    const row = store.connection.stmt('SELECT kind, derivation_json FROM runs WHERE id = ?').get(e) as { kind: string; derivation_json: string };
    expect(row.kind).toBe('ensemble');
    expect(JSON.parse(row.derivation_json)).toEqual({ ensemble: { method: 'weighted' } });
  });

  it('refuses fewer than two members, weights that do not sum to 1, a run in itself and unknown runs', () => {
    const [a, b] = [run(), run()];
    const e = run();
    const refuses = (fn: () => void, message: RegExp) => {
      expect(fn).toThrow(StoreError);
      expect(fn).toThrow(message);
    };
    refuses(() => recordEnsemble(store, e, 'average', [{ runId: a, weight: 1 }]), /at least two/);
    refuses(() => recordEnsemble(store, e, 'average', [{ runId: a, weight: 0.5 }, { runId: b, weight: 0.6 }]), /sum to 1/);
    refuses(() => recordEnsemble(store, e, 'average', [{ runId: a, weight: -0.5 }, { runId: b, weight: 1.5 }]), /≥ 0/);
    refuses(() => recordEnsemble(store, e, 'average', [{ runId: a, weight: 0.5 }, { runId: e, weight: 0.5 }]), /member of itself/);
    expect(() => recordEnsemble(store, e, 'average', [{ runId: a, weight: 0.5 }, { runId: 999, weight: 0.5 }])).toThrow(/999/);
    refuses(() => recordEnsemble(store, e, 'median' as never, [{ runId: a, weight: 0.5 }, { runId: b, weight: 0.5 }]), /unknown ensemble method/);
    expect(ensembleOf(store, e)).toBeNull();
  });

  it('keeps the ensemble when a member is deleted (its own model stays), and forgets it with the ensemble', () => {
    const [a, b] = [run(), run()];
    const e = run();
    recordEnsemble(store, e, 'vote', [{ runId: a, weight: 0.5 }, { runId: b, weight: 0.5 }]);
    store.deleteRun(a);
    expect(ensembleOf(store, e)?.members).toEqual([{ position: 0, runId: null, weight: 0.5 }, { position: 1, runId: b, weight: 0.5 }]);
    store.deleteRun(e);
    expect(ensemblesContaining(store, b)).toEqual([]);
  });
});
