// The store keeps whether a completed run learned (schema 3): the verdict round-trips with its signs,
// cause and advice, the `learned` filter finds the runs that did not learn (also combined with other
// filters and in CSV), runs never judged stay null, and a malformed verdict is refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { openStore, type ExperimentStore } from '../../../main/store/experimentStore.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import type { Graph } from '../../../app/graph/types.ts';
import type { LearningCheck } from '../../../app/training/learning.ts';
import { expectStoreError } from './storeErrors.ts';

let dir: string;
let store: ExperimentStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-store-learning-'));
  store = openStore(join(dir, 'history.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const graph: Graph = { layers: [{ id: 'i', type: 'Input', name: 'input', params: { shape: [2] } }], connections: [] };
const didNotLearn: LearningCheck = {
  learned: false,
  signs: ['it predicts "regular" for every test row'],
  cause: 'the learning rate 10 is too high for Adam',
  advice: 'lower the learning rate from 10 to 0.01',
};
const learned: LearningCheck = { learned: true, signs: [], cause: null, advice: null };

function finished(name: string, learning?: LearningCheck, project = 'p'): number {
  const id = store.createRun({ name, project, graph, config: makeTrainingConfig(), backend: 'cpu' });
  store.finishRun(id, 'completed', { learning });
  return id;
}

describe('learned', () => {
  it('round-trips the verdict; unjudged runs are null', () => {
    const bad = finished('bad', didNotLearn);
    const good = finished('good', learned);
    const old = finished('never judged');
    expect(store.getRun(bad)).toMatchObject({ learned: false, learning: didNotLearn });
    expect(store.getRun(good)).toMatchObject({ learned: true, learning: learned });
    expect(store.getRun(old)).toMatchObject({ learned: null, learning: null });
  });

  it('filters runs that did not learn (and those that did), with other filters and in CSV', () => {
    const bad1 = finished('bad 1', didNotLearn, 'a');
    finished('good', learned, 'a');
    const bad2 = finished('bad 2', didNotLearn, 'b');
    finished('never judged', undefined, 'a');
    expect(store.listRuns({ learned: false }).runs.map((r) => r.id)).toEqual([bad2, bad1]);
    expect(store.listRuns({ learned: false }).total).toBe(2);
    expect(store.listRuns({ learned: false, project: 'a' }).runs.map((r) => r.id)).toEqual([bad1]);
    expect(store.listRuns({ learned: true }).runs.map((r) => r.name)).toEqual(['good']);
    expect(store.listRuns({ learned: false, sort: { by: 'metric', metric: 'loss' } }).runs.map((r) => r.id)).toEqual([bad2, bad1]);
    const csv = Papa.parse<Record<string, string>>(store.exportCsv({ project: 'a' }), { header: true, skipEmptyLines: true }).data;
    expect(Object.fromEntries(csv.map((r) => [r.name, r.learned]))).toEqual({ 'bad 1': 'false', good: 'true', 'never judged': '' });
  });

  it('refuses a malformed verdict and a filter that is not true or false', () => {
    const id = store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });
    expectStoreError(() => store.finishRun(id, 'completed', { learning: { learned: 'no', signs: [] } as never }), 'invalid', /learning verdict/);
    expect(store.getRun(id).status).toBe('running');
    expectStoreError(() => store.listRuns({ learned: 'no' as never }), 'invalid', /learned is true or false/);
  });
});
