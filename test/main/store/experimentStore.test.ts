// Behaviour of the experiment store: recording, summaries, filtered/sorted/paged listing, comparison,
// leaderboard, editing, deletion with artifacts, CSV export, batch-metric downsampling and input errors.
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import Database from 'better-sqlite3';
import { openStore, type ExperimentStore, type CreateRunInput } from '../../../main/store/experimentStore.ts';
import { expectStoreError } from './storeErrors.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import type { Graph } from '../../../app/graph/types.ts';
import type { RunSort, RunStatus } from '../../../app/store/types.ts';
import { evaluateClassification, evaluateRegression } from '../../../app/training/evaluate.ts';

let dir: string;
let store: ExperimentStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-store-'));
  store = openStore(join(dir, 'history.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const graph: Graph = {
  layers: [
    { id: 'i', type: 'Input', name: 'input', params: { shape: [4] } },
    { id: 'd1', type: 'Dense', name: 'hidden', params: { units: 16, activation: 'relu' } },
    { id: 'd2', type: 'Dense', name: 'output', params: { units: 3, activation: 'softmax' } },
  ],
  connections: [{ from: 'i', to: 'd1', toSlot: 0 }, { from: 'd1', to: 'd2', toSlot: 0 }],
};

function run(overrides: Partial<CreateRunInput> = {}): number {
  return store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu', ...overrides });
}

describe('recording', () => {
  it('keeps final and best values per metric, best in the metric\'s own direction', () => {
    const id = run({ name: 'iris mlp', project: 'iris', dataset: { source: 'builtin:iris', name: 'iris', rows: 150, columns: ['a', 'b'], roles: { b: 'target' } } });
    const loss = [1.0, 0.6, 0.4, 0.45, 0.5];
    const acc = [0.3, 0.6, 0.8, 0.9, 0.85];
    loss.forEach((l, e) => store.appendEpochMetrics(id, e, { loss: l, val_accuracy: acc[e] }));
    const r = store.getRun(id);
    expect(r.status).toBe('running');
    expect(r.final).toEqual({ loss: 0.5, val_accuracy: 0.85 });
    expect(r.best).toEqual({ loss: 0.4, val_accuracy: 0.9 });
    expect(r.bestEpoch).toEqual({ loss: 2, val_accuracy: 3 });
    expect(r.project).toBe('iris');
    expect(r.dataset).toEqual({ source: 'builtin:iris', name: 'iris', rows: 150, columns: ['a', 'b'], roles: { b: 'target' } });
    expect(r.graph).toEqual(graph);
    expect(r.config).toEqual(makeTrainingConfig());
    expect(r.seed).toBe(42);
  });

  it('records NaN (a diverged run) as null and ignores it for the best value', () => {
    const id = run();
    store.appendEpochMetrics(id, 0, { loss: 2 });
    store.appendEpochMetrics(id, 1, { loss: 1 });
    store.appendEpochMetrics(id, 2, { loss: NaN });
    store.finishRun(id, 'diverged', { error: 'loss became NaN at epoch 2' });
    const r = store.getRun(id);
    expect(r.epochMetrics.loss).toEqual([{ step: 0, value: 2 }, { step: 1, value: 1 }, { step: 2, value: null }]);
    expect(r.final.loss).toBeNull();
    expect(r.best.loss).toBe(1);
    expect(r.status).toBe('diverged');
    expect(r.error).toBe('loss became NaN at epoch 2');
  });

  it('an epoch recorded twice replaces the value and the summary follows', () => {
    const id = run();
    store.appendEpochMetrics(id, 0, { accuracy: 0.5 });
    store.appendEpochMetrics(id, 1, { accuracy: 0.9 });
    store.appendEpochMetrics(id, 1, { accuracy: 0.6 });
    const r = store.getRun(id);
    expect(r.epochMetrics.accuracy.map((p) => p.value)).toEqual([0.5, 0.6]);
    expect(r.best.accuracy).toBe(0.6);
    expect(r.final.accuracy).toBe(0.6);
  });

  it('stores identical graphs once (content-addressed) and different graphs separately', () => {
    const a = run();
    const b = run({ graph: { ...graph, layers: [...graph.layers].map((l) => ({ ...l, params: { ...l.params } })) } });
    const c = run({ graph: { ...graph, layers: graph.layers.map((l) => (l.name === 'hidden' ? { ...l, params: { ...l.params, units: 32 } } : l)) } });
    const [ra, rb, rc] = [a, b, c].map((id) => store.getRun(id));
    expect(ra.graphHash).toBe(rb.graphHash);
    expect(rc.graphHash).not.toBe(ra.graphHash);
  });

  it('finishing records duration, test metrics, evaluation and artifacts; a finished run takes no more metrics', () => {
    const id = run();
    store.appendEpochMetrics(id, 0, { loss: 1 });
    const evaluation = evaluateClassification({ probabilities: [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7], width: 2, labels: [0, 1, 0, 1], classNames: ['a', 'b'] });
    store.finishRun(id, 'completed', { durationMs: 1234, testMetrics: { accuracy: 0.8, loss: 0.4 }, evaluation, artifacts: [{ kind: 'model', path: join(dir, 'm'), sizeBytes: 99 }] });
    const r = store.getRun(id);
    expect(r.status).toBe('completed');
    expect(r.durationMs).toBe(1234);
    expect(r.test).toEqual({ accuracy: 0.8, loss: 0.4 });
    expect(r.evaluation).toEqual(evaluation);
    const regression = run();
    const pairs = evaluateRegression({ predictions: [1, 2, 3.5], actual: [1, 2, 3] });
    store.finishRun(regression, 'completed', { evaluation: pairs, testMetrics: { mse: pairs.mse, r2: null } });
    expect(store.getRun(regression).evaluation).toEqual(pairs);
    expect(store.getRun(regression).test).toEqual({ mse: pairs.mse, r2: null });
    // A model that predicts NaN still records its evaluation, with the NaN as null.
    const broken = run();
    store.finishRun(broken, 'completed', { evaluation: { ...pairs, pairs: [[1, NaN]], mse: NaN } });
    expect(store.getRun(broken).evaluation).toMatchObject({ task: 'regression', mse: null, pairs: [[1, null]] });
    expect(r.artifacts).toMatchObject([{ kind: 'model', path: join(dir, 'm'), sizeBytes: 99, owned: false }]);
    expectStoreError(() => store.appendEpochMetrics(id, 1, { loss: 1 }), 'invalid', /run \d+ is completed; metrics can only be added/);
    expectStoreError(() => store.finishRun(id, 'failed'), 'invalid', /already finished as completed/);
  });

  it('queued runs start with markRunning', () => {
    const id = run({ status: 'queued' });
    expect(store.getRun(id).startedAt).toBeNull();
    store.markRunning(id);
    const r = store.getRun(id);
    expect(r.status).toBe('running');
    expect(r.startedAt).not.toBeNull();
  });

  it('refuses bad input with plain messages', () => {
    expectStoreError(() => store.createRun({ config: makeTrainingConfig(), backend: 'cpu' } as unknown as CreateRunInput), 'invalid', /needs the graph/);
    const id = run();
    expectStoreError(() => store.appendEpochMetrics(id, -1, { loss: 1 }), 'invalid', /epoch must be a whole number/);
    expectStoreError(() => store.appendEpochMetrics(id, 0, { loss: 'x' as unknown as number }), 'invalid', /metric loss needs a number/);
    expectStoreError(() => store.appendEpochMetrics(9999, 0, { loss: 1 }), 'not-found', /there is no run 9999/);
    expectStoreError(() => store.finishRun(id, 'interrupted' as never), 'invalid', /"interrupted" is not one of them/);
    const evaluation = evaluateClassification({ probabilities: [0.9, 0.1, 0.2, 0.8], width: 2, labels: [0, 1] });
    expectStoreError(() => store.finishRun(id, 'completed', { evaluation: { ...evaluation, confusion: [['x']] } as never }),
      'invalid', /evaluation result is malformed at confusion\.0\.0/);
    expect(store.getRun(id).status).toBe('running');
  });

  it('a stored evaluation that does not fit the evaluation schema (or is not JSON) reads as none; the rest of the run stays', () => {
    const ids = [run(), run(), run()];
    const evaluation = evaluateClassification({ probabilities: [0.9, 0.1, 0.2, 0.8], width: 2, labels: [0, 1], classNames: ['a', 'b'] });
    for (const id of ids) store.finishRun(id, 'completed', { evaluation, testMetrics: { accuracy: 1 } });
    store.close();
    const db = new Database(join(dir, 'history.db'));
    const damage = db.prepare('UPDATE evaluations SET result_json = ? WHERE run_id = ?');
    damage.run(JSON.stringify({ ...evaluation, confusion: 'many' }), ids[0]);
    damage.run('{"task": "classification", ', ids[1]);
    db.close();
    store = openStore(join(dir, 'history.db'));
    for (const id of ids.slice(0, 2)) {
      const r = store.getRun(id);
      expect(r.evaluation).toBeNull();
      expect(r).toMatchObject({ status: 'completed', test: { accuracy: 1 } });
    }
    expect(store.getRun(ids[2]).evaluation).toEqual(evaluation);
  });
});

describe('batch metrics', () => {
  it('keep at most the limit of evenly spaced points per series, from start to end', () => {
    store.close();
    store = openStore(join(dir, 'history.db'), { batchMetricLimit: 100, batchFlushPoints: 250 });
    const id = run();
    for (let chunk = 0; chunk < 20; chunk++) {
      store.appendBatchMetrics(id, Array.from({ length: 100 }, (_, i) => {
        const step = chunk * 100 + i;
        return { step, values: { loss: step, accuracy: step / 2000 } };
      }));
    }
    store.finishRun(id, 'completed');
    const { batchMetrics } = store.getRun(id);
    for (const name of ['loss', 'accuracy']) {
      const steps = batchMetrics[name].map((p) => p.step);
      expect(steps.length).toBeLessThanOrEqual(100);
      expect(steps.length).toBeGreaterThan(50);
      const stride = steps[1] - steps[0];
      expect(steps).toEqual(steps.map((_, i) => i * stride));
      expect(steps.at(-1)).toBeGreaterThan(2000 - 2 * stride);
    }
    expect(batchMetrics.loss.every((p) => p.value === p.step)).toBe(true);
  });

  it('are flushed on a timer, and getRun sees buffered points', async () => {
    store.close();
    store = openStore(join(dir, 'history.db'), { batchFlushIntervalMs: 20, batchFlushPoints: 1_000_000 });
    const id = run();
    store.appendBatchMetrics(id, [{ step: 0, values: { loss: 3 } }]);
    await new Promise((r) => setTimeout(r, 80));
    const other = openStore(join(dir, 'history.db'));
    expect(other.getRun(id).batchMetrics.loss).toEqual([{ step: 0, value: 3 }]);
    other.close();
    store.appendBatchMetrics(id, [{ step: 1, values: { loss: 2 } }]);
    expect(store.getRun(id).batchMetrics.loss).toHaveLength(2);
  });
});

describe('listing', () => {
  function populate(): Record<string, number> {
    const ids: Record<string, number> = {};
    const specs = [
      { name: 'alpha', project: 'p1', dataset: 'iris', acc: [0.5, 0.7, 0.6], status: 'completed', tags: ['best'], note: 'baseline model' },
      { name: 'beta', project: 'p1', dataset: 'iris', acc: [0.6, 0.9], status: 'completed', tags: [], note: '' },
      { name: 'gamma', project: 'p2', dataset: 'mnist', acc: [0.2], status: 'failed', tags: ['best', 'cnn'], note: 'try 100% dropout' },
      { name: 'delta', project: 'p2', dataset: 'mnist', acc: [], status: 'stopped', tags: [], note: '' },
    ] as const;
    for (const s of specs) {
      const id = run({ name: s.name, project: s.project, dataset: { source: `builtin:${s.dataset}`, name: s.dataset }, tags: [...s.tags], note: s.note });
      s.acc.forEach((a, e) => store.appendEpochMetrics(id, e, { val_accuracy: a, val_loss: 1 - a }));
      store.finishRun(id, s.status, { testMetrics: s.acc.length ? { accuracy: s.acc.at(-1)! - 0.05 } : {} });
      ids[s.name] = id;
    }
    return ids;
  }

  const names = (q: Parameters<ExperimentStore['listRuns']>[0]) => store.listRuns(q).runs.map((r) => r.name);

  it('filters by project, dataset, status, tag and text in names and notes', () => {
    populate();
    expect(names({ project: 'p1', sort: { by: 'name', direction: 'asc' } })).toEqual(['alpha', 'beta']);
    expect(names({ dataset: 'mnist', sort: { by: 'name' } })).toEqual(['delta', 'gamma']);
    expect(names({ dataset: 'builtin:iris', sort: { by: 'name' } })).toEqual(['alpha', 'beta']);
    expect(names({ status: 'failed' })).toEqual(['gamma']);
    expect(names({ status: ['failed', 'stopped'], sort: { by: 'name' } })).toEqual(['delta', 'gamma']);
    expect(names({ tag: 'best', sort: { by: 'name' } })).toEqual(['alpha', 'gamma']);
    expect(names({ search: 'BASELINE' })).toEqual(['alpha']);
    expect(names({ search: 'ELT' })).toEqual(['delta']);
    // LIKE wildcards in the search text are literal.
    expect(names({ search: '100%' })).toEqual(['gamma']);
    expect(names({ search: '_' })).toEqual([]);
    expect(names({ project: 'nope' })).toEqual([]);
    expectStoreError(() => store.listRuns({ status: 'done' as never }), 'invalid', /"done" is not a run status/);
  });

  it('sorts by best, final or test metric in either direction, runs lacking the metric last', () => {
    populate();
    // best val_accuracy: beta .9, alpha .7, gamma .2, delta none.
    expect(names({ sort: { by: 'metric', metric: 'val_accuracy' } })).toEqual(['beta', 'alpha', 'gamma', 'delta']);
    expect(names({ sort: { by: 'metric', metric: 'val_accuracy', direction: 'asc' } })).toEqual(['gamma', 'alpha', 'beta', 'delta']);
    // final val_accuracy: beta .9, alpha .6, gamma .2.
    expect(names({ sort: { by: 'metric', metric: 'val_accuracy', scope: 'final', direction: 'asc' } })).toEqual(['gamma', 'alpha', 'beta', 'delta']);
    // val_loss is lower-is-better: best first means ascending.
    expect(names({ sort: { by: 'metric', metric: 'val_loss' } })).toEqual(['beta', 'alpha', 'gamma', 'delta']);
    expect(names({ sort: { by: 'metric', metric: 'accuracy', scope: 'test' } })).toEqual(['beta', 'alpha', 'gamma', 'delta']);
    expect(names({ sort: { by: 'metric', metric: 'never_recorded' } })).toHaveLength(4);
  });

  it('pages with limit and offset and reports the total', () => {
    populate();
    const first = store.listRuns({ sort: { by: 'name', direction: 'asc' }, limit: 3 });
    const second = store.listRuns({ sort: { by: 'name', direction: 'asc' }, limit: 3, offset: 3 });
    expect(first.total).toBe(4);
    expect(first.runs.map((r) => r.name)).toEqual(['alpha', 'beta', 'delta']);
    expect(second.runs.map((r) => r.name)).toEqual(['gamma']);
    expect(store.listRuns({ project: 'p1', limit: 1 }).total).toBe(2);
  });

  it('pages through every sort order without losing or repeating a run, across the runs lacking the metric', () => {
    populate();
    run({ name: 'queued one', status: 'queued' });
    const sorts: RunSort[] = [
      { by: 'id' }, { by: 'startedAt' }, { by: 'startedAt', direction: 'asc' }, { by: 'name' }, { by: 'durationMs' }, { by: 'status', direction: 'desc' },
      { by: 'metric', metric: 'val_accuracy' }, { by: 'metric', metric: 'val_accuracy', direction: 'asc' },
      { by: 'metric', metric: 'val_loss', scope: 'final' }, { by: 'metric', metric: 'accuracy', scope: 'test' }, { by: 'metric', metric: 'nothing' },
    ];
    for (const sort of sorts) {
      for (const filter of [{}, { project: 'p2' }, { status: ['completed', 'queued'] as RunStatus[] }]) {
        const all = store.allRuns({ ...filter, sort }).map((r) => r.id);
        expect(all.length, JSON.stringify({ sort, filter })).toBe(store.listRuns({ ...filter, limit: 0 }).total);
        for (const size of [1, 2, 3]) {
          const paged: number[] = [];
          for (let offset = 0; offset < all.length + size; offset += size) {
            paged.push(...store.listRuns({ ...filter, sort, limit: size, offset }).runs.map((r) => r.id));
          }
          expect(paged, JSON.stringify({ sort, filter, size })).toEqual(all);
        }
      }
    }
    // Never-started runs come last when sorting by start time, either way.
    expect(names({ sort: { by: 'startedAt' } }).at(-1)).toBe('queued one');
    expect(names({ sort: { by: 'startedAt', direction: 'asc' } }).at(-1)).toBe('queued one');
  });

  it('leaderboard ranks runs that have the metric', () => {
    populate();
    const board = store.leaderboard('val_accuracy');
    expect(board.map((e) => [e.rank, e.run.name, e.value])).toEqual([[1, 'beta', 0.9], [2, 'alpha', 0.7], [3, 'gamma', 0.2]]);
    expect(store.leaderboard('val_accuracy', { project: 'p1', limit: 1 }).map((e) => e.run.name)).toEqual(['beta']);
  });

  it('renames, tags, untags and notes runs', () => {
    const ids = populate();
    store.renameRun(ids.beta, '  beta v2 ');
    store.tagRun(ids.beta, ['keeper', 'best']);
    store.untagRun(ids.alpha, 'best');
    store.setNote(ids.beta, 'use this one');
    const beta = store.getRun(ids.beta);
    expect(beta.name).toBe('beta v2');
    expect(beta.tags).toEqual(['best', 'keeper']);
    expect(beta.note).toBe('use this one');
    expect(names({ tag: 'best', sort: { by: 'name' } })).toEqual(['beta v2', 'gamma']);
    expect(names({ search: 'this one' })).toEqual(['beta v2']);
    expectStoreError(() => store.renameRun(ids.beta, '   '), 'invalid', /cannot be empty/);
    expectStoreError(() => store.tagRun(12345, 'x'), 'not-found', /no run 12345/);
  });

  it('exports CSV that a CSV parser reads back exactly, with hostile names quoted and formulae escaped', () => {
    const ids = populate();
    store.renameRun(ids.alpha, 'alpha, "quoted"\nsecond line');
    store.renameRun(ids.beta, '=HYPERLINK("http://x")');
    const csv = store.exportCsv({ sort: { by: 'name', direction: 'asc' } });
    const parsed = Papa.parse<Record<string, string>>(csv.trim(), { header: true });
    expect(parsed.errors).toEqual([]);
    const rows = parsed.data;
    expect(rows).toHaveLength(4);
    const alpha = rows.find((r) => r.id === String(ids.alpha))!;
    expect(alpha.name).toBe('alpha, "quoted"\nsecond line');
    expect(alpha['best.val_accuracy']).toBe('0.7');
    expect(alpha['final.val_accuracy']).toBe('0.6');
    expect(alpha.tags).toBe('best');
    expect(JSON.parse(alpha.config)).toEqual(makeTrainingConfig());
    const beta = rows.find((r) => r.id === String(ids.beta))!;
    expect(beta.name).toBe('\'=HYPERLINK("http://x")');
    expect(rows.find((r) => r.id === String(ids.delta))!['best.val_accuracy']).toBe('');
  });
});

describe('comparing', () => {
  it('aligns curves by epoch and reports only what differs in configuration, data and graph', () => {
    const a = run({ name: 'a', dataset: { source: 'data.csv', rows: 100 } });
    const biggerGraph: Graph = {
      layers: [
        graph.layers[0],
        { ...graph.layers[1], params: { units: 64, activation: 'relu' } },
        { id: 'dr', type: 'Dropout', name: 'dropout', params: { rate: 0.5 } },
        graph.layers[2],
      ],
      connections: [{ from: 'i', to: 'd1', toSlot: 0 }, { from: 'd1', to: 'dr', toSlot: 0 }, { from: 'dr', to: 'd2', toSlot: 0 }],
    };
    const b = run({ name: 'b', graph: biggerGraph, config: makeTrainingConfig({ optimizer: { learningRate: 0.01 }, batchSize: 64 }), dataset: { source: 'data.csv', rows: 120 } });
    const c = run({ name: 'c', dataset: { source: 'data.csv', rows: 100 } });
    [0.5, 0.6, 0.7].forEach((v, e) => store.appendEpochMetrics(a, e, { accuracy: v }));
    [0.4, 0.8].forEach((v, e) => store.appendEpochMetrics(b, e, { accuracy: v, loss: 1 - v }));
    store.finishRun(a, 'completed', { testMetrics: { accuracy: 0.66 } });
    store.finishRun(b, 'completed', { testMetrics: { accuracy: 0.77, f1: 0.7 } });
    const cmp = store.compareRuns([a, b, c]);
    expect(cmp.runs.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(cmp.series).toEqual([
      { metric: 'accuracy', epochs: [0, 1, 2], values: [[0.5, 0.6, 0.7], [0.4, 0.8, null], [null, null, null]] },
      { metric: 'loss', epochs: [0, 1], values: [[null, null], [0.6, 1 - 0.8], [null, null]] },
    ]);
    expect(cmp.configDiff).toEqual([
      { path: 'optimizer.learningRate', values: [0.001, 0.01, 0.001] },
      { path: 'batchSize', values: [32, 64, 32] },
    ].sort((x, y) => (x.path === 'batchSize' ? -1 : y.path === 'batchSize' ? 1 : 0)));
    expect(cmp.datasetDiff).toEqual([{ path: 'rows', values: [100, 120, 100] }]);
    expect(cmp.graphDiffs[0].identical).toBe(true);
    expect(cmp.graphDiffs[2].identical).toBe(true);
    const g = cmp.graphDiffs[1];
    expect(g.identical).toBe(false);
    expect(g.added).toEqual([{ name: 'dropout', type: 'Dropout', params: { rate: 0.5 } }]);
    expect(g.removed).toEqual([]);
    expect(g.changed).toEqual([
      { name: 'hidden', params: [{ key: 'units', before: 16, after: 64 }] },
      { name: 'output', params: [], inputs: { before: ['hidden'], after: ['dropout'] } },
    ]);
    expect(cmp.testMetrics).toEqual([{ metric: 'accuracy', values: [0.66, 0.77, null] }, { metric: 'f1', values: [null, 0.7, null] }]);
  });

  it('takes 2 to 10 distinct, existing runs', () => {
    const a = run();
    const b = run();
    expectStoreError(() => store.compareRuns([a]), 'invalid', /2 to 10 runs, got 1/);
    expectStoreError(() => store.compareRuns(Array.from({ length: 11 }, (_, i) => i + 1)), 'invalid', /2 to 10 runs, got 11/);
    expectStoreError(() => store.compareRuns([a, a]), 'invalid', /repeated/);
    expectStoreError(() => store.compareRuns([a, b, 404]), 'not-found', /no run 404/);
  });
});

describe('deleting', () => {
  it('removes the run with its metrics and the artifact folders it may delete, and nothing else', () => {
    const inside = join(store.artifactRoot, 'run-model');
    const owned = join(dir, 'elsewhere', 'owned-model');
    const foreign = join(dir, 'users-own-folder');
    const shared = join(store.artifactRoot, 'shared-model');
    for (const folder of [inside, owned, foreign, shared]) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'model.json'), '{}');
    }
    const victim = run({ name: 'victim' });
    const keeper = run({ name: 'keeper' });
    store.appendEpochMetrics(victim, 0, { loss: 1 });
    store.appendEpochMetrics(keeper, 0, { loss: 2 });
    store.finishRun(victim, 'completed', { artifacts: [
      { kind: 'model', path: inside }, { kind: 'export', path: owned, owned: true },
      { kind: 'export', path: foreign }, { kind: 'model', path: shared },
    ] });
    store.finishRun(keeper, 'completed', { artifacts: [{ kind: 'model', path: shared }] });

    const result = store.deleteRun(victim);
    expect(result.deletedFiles.sort()).toEqual([inside, owned].sort());
    expect(result.keptFiles.sort()).toEqual([foreign, shared].sort());
    expect(existsSync(inside)).toBe(false);
    expect(existsSync(owned)).toBe(false);
    expect(existsSync(foreign)).toBe(true);
    expect(existsSync(shared)).toBe(true);
    expectStoreError(() => store.getRun(victim), 'not-found', /no run/);
    expect(store.getRun(keeper).final.loss).toBe(2);
    expect(store.listRuns().total).toBe(1);
    expectStoreError(() => store.deleteRun(victim), 'not-found', /no run/);
    // Run ids are never reused, so an old id cannot silently point at a new run.
    expect(run()).toBeGreaterThan(keeper);
    expect(store.integrityCheck()).toBe('ok');
  });
});
