// What `modelwright prune` asks of a parent run (main/trainer/prunePlan.ts), and why a pruned run is not resumed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { datasetBindingSchema } from '../../../app/data/binding.ts';
import { openStore, type ExperimentStore } from '../../../main/store/experimentStore.ts';
import { setLineage } from '../../../main/store/lineage.ts';
import { defaultPruneEpochs, planPrune } from '../../../main/trainer/prunePlan.ts';
import { planResume } from '../../../main/trainer/resumePlan.ts';

let dir: string;
let store: ExperimentStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-prune-plan-'));
  store = openStore(join(dir, 'history.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const graph: Graph = { layers: [{ id: 'i', type: 'Input', name: 'input', params: { shape: [4] } }], connections: [] };
const binding = datasetBindingSchema.parse({ source: 'builtin:iris', target: 'species' });

function trainedRun(status: 'completed' | 'failed' = 'completed'): number {
  const id = store.createRun({ name: 'iris', graph, config: { ...makeTrainingConfig(), epochs: 9 }, datasetBinding: binding, backend: 'cpu' });
  store.finishRun(id, status, status === 'completed' ? { artifacts: [{ kind: 'model', path: join(dir, `model-${id}`), owned: false }] } : { error: 'x' });
  return id;
}

describe('planPrune', () => {
  it('derives the child from the parent: same graph, data and settings, early stopping off, from its weights', () => {
    const parent = trainedRun();
    const plan = planPrune(store, parent, { sparsity: 0.8 });
    expect(plan.config.epochs).toBe(defaultPruneEpochs(9));
    expect(defaultPruneEpochs(9)).toBe(5);
    expect(plan.config.earlyStopping.enabled).toBe(false);
    expect(plan.binding).toEqual(binding);
    expect(plan.prune).toMatchObject({ sparsity: 0.8, schedule: { kind: 'polynomial', power: 3, endFraction: 0.7 } });
    expect(plan.derived).toMatchObject({ weightsFrom: join(dir, `model-${parent}`), lineage: { kind: 'prune', parentRunId: parent, derivation: { prune: { sparsity: 0.8, epochs: 5 } } } });
    expect(plan.name).toBe('iris · pruned 80%');
    expect(planPrune(store, parent, { sparsity: 0.5, epochs: 0 }).config.epochs).toBe(0);
  });

  it('refuses a bad sparsity or epochs, and a run without a model', () => {
    const parent = trainedRun();
    expect(() => planPrune(store, parent, { sparsity: 1 })).toThrow(/between 0 and 1/);
    expect(() => planPrune(store, parent, { sparsity: 0.5, epochs: 1.5 })).toThrow(/whole number/);
    expect(() => planPrune(store, trainedRun('failed'), { sparsity: 0.5 })).toThrow(/no trained model to prune \(it is failed\)/);
  });

  it('a failed pruned run is not resumed: its pruning would not go on', async () => {
    const parent = trainedRun();
    const child = trainedRun('failed');
    setLineage(store, child, { kind: 'prune', parentRunId: parent });
    await expect(planResume(store, child)).rejects.toThrow(`run ${child} is a pruned run, which cannot be resumed (its pruning would not go on); prune run ${parent} again instead`);
  });
});
