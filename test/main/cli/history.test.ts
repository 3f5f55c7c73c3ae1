// The history commands (runs, show, compare, delete, tag, note, rename) run as the real CLI in a child
// process against a temporary database filled through the store API.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { openStore } from '../../../main/store/experimentStore.ts';
import { latestSchemaVersion } from '../../../main/store/migrations/index.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { evaluateClassification } from '../../../app/training/evaluate.ts';
import type { Graph } from '../../../app/graph/types.ts';
import type { RunComparison, RunDetail, RunSummary } from '../../../app/store/types.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

let dir: string;
let db: string;
const ids: Record<string, number> = {};

const graph: Graph = {
  layers: [
    { id: 'i', type: 'Input', name: 'input', params: { shape: [4] } },
    { id: 'h', type: 'Dense', name: 'hidden', params: { units: 8, activation: 'relu' } },
    { id: 'o', type: 'Dense', name: 'output', params: { units: 3, activation: 'softmax' } },
  ],
  connections: [{ from: 'i', to: 'h', toSlot: 0 }, { from: 'h', to: 'o', toSlot: 0 }],
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-cli-history-'));
  db = join(dir, 'history.db');
  const store = openStore(db);
  const specs = [
    { name: 'small net', units: 8, lr: 0.001, acc: [0.5, 0.7, 0.65], status: 'completed' as const, test: 0.66 },
    { name: 'wide net', units: 64, lr: 0.01, acc: [0.6, 0.9, 0.88], status: 'completed' as const, test: 0.86 },
    { name: 'crashed, "bad" net', units: 8, lr: 1, acc: [0.3], status: 'failed' as const, test: null },
  ];
  for (const s of specs) {
    const g: Graph = { ...graph, layers: graph.layers.map((l) => (l.name === 'hidden' ? { ...l, params: { ...l.params, units: s.units } } : l)) };
    const id = store.createRun({ name: s.name, project: 'iris', graph: g, config: makeTrainingConfig({ optimizer: { learningRate: s.lr } }), backend: 'wasm',
      dataset: { source: 'builtin:iris', name: 'iris', rows: 150 } });
    s.acc.forEach((a, e) => store.appendEpochMetrics(id, e, { val_accuracy: a, loss: 1 - a }));
    store.finishRun(id, s.status, {
      durationMs: 65_000,
      error: s.status === 'failed' ? 'out of memory' : undefined,
      testMetrics: s.test === null ? {} : { accuracy: s.test },
      evaluation: s.test === null ? undefined : evaluateClassification({ probabilities: [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.1, 0.8], width: 3, labels: [0, 1, 2], classNames: ['setosa', 'versicolor', 'virginica'] }),
    });
    ids[s.name] = id;
  }
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('modelwright runs', () => {
  it('prints an aligned table, newest first', async () => {
    const r = await runCli(['runs', '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATUS\s+STARTED\s+DURATION\s+best val_accuracy\s+best loss\s+test accuracy\s+TAGS$/);
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    expect(lines.slice(2).map((l) => l.match(/^\s*(\d+)/)![1])).toEqual([3, 2, 1].map((n) => String(ids[['small net', 'wide net', 'crashed, "bad" net'][n - 1]])));
    // Columns line up: every row's STATUS starts where the header's does.
    const statusAt = lines[0].indexOf('STATUS');
    for (const line of lines.slice(2)) expect(line.slice(statusAt)).toMatch(/^(completed|failed) /);
    expect(r.stdout).toContain('1 min 05 s');
  });

  it('--json gives an array of runs with config, final, best and test metrics', async () => {
    const r = await runCli(['runs', '--db', db, '--json', '--sort', 'val_accuracy']);
    expect(r.code).toBe(0);
    const runs = JSON.parse(r.stdout) as RunSummary[];
    expect(runs.map((x) => x.name)).toEqual(['wide net', 'small net', 'crashed, "bad" net']);
    const wide = runs[0];
    expect(wide).toMatchObject({ id: ids['wide net'], status: 'completed', durationMs: 65_000, final: { val_accuracy: 0.88 }, best: { val_accuracy: 0.9 }, test: { accuracy: 0.86 } });
    expect(wide.config.optimizer.learningRate).toBe(0.01);
    expect(new Date(wide.startedAt!).toISOString()).toBe(wide.startedAt);
  });

  it('filters by status, search text and tag; sorts ascending on request', async () => {
    const failed = JSON.parse((await runCli(['runs', '--db', db, '--json', '--status', 'failed'])).stdout) as RunSummary[];
    expect(failed.map((x) => x.name)).toEqual(['crashed, "bad" net']);
    const search = JSON.parse((await runCli(['runs', '--db', db, '--json', '--search', 'WIDE'])).stdout) as RunSummary[];
    expect(search.map((x) => x.name)).toEqual(['wide net']);
    const asc = JSON.parse((await runCli(['runs', '--db', db, '--json', '--sort', 'final:loss:desc', '--limit', '2'])).stdout) as RunSummary[];
    expect(asc.map((x) => x.name)).toEqual(['crashed, "bad" net', 'small net']);
    const empty = await runCli(['runs', '--db', db, '--tag', 'nothing-has-this']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/No runs match these filters/);
  });

  it('--export-csv writes every matching run with proper quoting', async () => {
    const out = join(dir, 'runs.csv');
    const r = await runCli(['runs', '--db', db, '--export-csv', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Wrote 3 runs to ${out}\n`);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.map((row) => row.name).sort()).toEqual(['crashed, "bad" net', 'small net', 'wide net']);
    expect(parsed.data.find((row) => row.name === 'wide net')!['test.accuracy']).toBe('0.86');
  });

  it('finds the database through MODELWRIGHT_DB, and an absent database is an empty history', async () => {
    process.env.MODELWRIGHT_DB = db;
    try {
      const r = await runCli(['runs', '--json']);
      expect((JSON.parse(r.stdout) as RunSummary[]).length).toBe(3);
    } finally {
      delete process.env.MODELWRIGHT_DB;
    }
    const missing = join(dir, 'never-created.db');
    const r = await runCli(['runs', '--db', missing, '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('[]\n');
    expect(existsSync(missing)).toBe(false);
  });

  it('bad flags and unusable files end in one plain line and exit 2', async () => {
    const badStatus = await runCli(['runs', '--db', db, '--status', 'finished']);
    expect(badStatus.code).toBe(2);
    expect(expectOneLine(badStatus.stderr)).toMatch(/--status needs one of queued, running, completed/);
    const badLimit = await runCli(['runs', '--db', db, '--limit', 'ten']);
    expect(badLimit.code).toBe(2);
    expect(expectOneLine(badLimit.stderr)).toMatch(/--limit needs a whole number/);

    const notDb = join(dir, 'notes.txt');
    writeFileSync(notDb, 'just some text, not a database at all, but long enough to have a header........................................');
    const foreign = await runCli(['runs', '--db', notDb]);
    expect(foreign.code).toBe(2);
    expect(expectOneLine(foreign.stderr)).toMatch(/is not a Modelwright history database/);
    expect(readFileSync(notDb, 'utf8')).toMatch(/^just some text/);

    const newer = join(dir, 'newer.db');
    const s = openStore(newer);
    s.close();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(newer);
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`);
    raw.close();
    const refused = await runCli(['runs', '--db', newer]);
    expect(refused.code).toBe(2);
    expect(expectOneLine(refused.stderr)).toMatch(new RegExp(`written by a newer Modelwright \\(schema ${latestSchemaVersion + 1}, this version knows ${latestSchemaVersion}\\)`));
  });
});

describe('modelwright show and compare', () => {
  it('show prints the run with its settings, metrics, test results and confusion matrix', async () => {
    const r = await runCli(['show', String(ids['wide net']), '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Run:\s+\d+\s+wide net$/m);
    expect(r.stdout).toMatch(/^\s+optimizer\.learningRate = 0\.01$/m);
    expect(r.stdout).toMatch(/^val_accuracy\s+0\.8800\s+0\.9000\s+2$/m);
    expect(r.stdout).toMatch(/^\s+accuracy = 0\.8600$/m);
    expect(r.stdout).toMatch(/^\s+setosa\s+versicolor\s+virginica$/m);
  });

  it('show --json gives the full record', async () => {
    const r = await runCli(['show', String(ids['small net']), '--db', db, '--json']);
    const run = JSON.parse(r.stdout) as RunDetail;
    expect(run.epochMetrics.val_accuracy.map((p) => p.value)).toEqual([0.5, 0.7, 0.65]);
    expect(run.graph.layers.map((l) => l.name)).toEqual(['input', 'hidden', 'output']);
    expect(run.evaluation?.task).toBe('classification');
  });

  it('show of a missing run or a bad id is a one-line error', async () => {
    const missing = await runCli(['show', '999', '--db', db]);
    expect(missing.code).toBe(2);
    expect(expectOneLine(missing.stderr)).toMatch(/there is no run 999/);
    const bad = await runCli(['show', 'abc', '--db', db]);
    expect(bad.code).toBe(2);
    expect(expectOneLine(bad.stderr)).toMatch(/"abc" is not a run id/);
  });

  it('compare shows metrics side by side and only the differences', async () => {
    const a = ids['small net'];
    const b = ids['wide net'];
    const r = await runCli(['compare', String(a), String(b), '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^best val_accuracy\s+0\.7000\s+0\.9000$/m);
    expect(r.stdout).toMatch(/^optimizer\.learningRate\s+0\.001\s+0\.01$/m);
    expect(r.stdout).not.toMatch(/batchSize/);
    expect(r.stdout).toMatch(/~ hidden: units 8 → 64/);
    // One sentence on which run is better on the test split: 20 points on 3 test rows is within noise.
    expect(r.stdout).toMatch(/^“wide net” \(#\d+\) is better on test accuracy: 86\.0% against 66\.0% for “small net” \(#\d+\), 20\.0 points higher — within run-to-run noise: with 3 test rows, differences under [\d.]+ points can come from chance alone\.$/m);
    const json = JSON.parse((await runCli(['compare', String(a), String(b), '--db', db, '--json'])).stdout) as RunComparison;
    expect(json.series.find((s) => s.metric === 'val_accuracy')).toEqual({ metric: 'val_accuracy', epochs: [0, 1, 2], values: [[0.5, 0.7, 0.65], [0.6, 0.9, 0.88]] });
    expect(json.configDiff).toEqual([{ path: 'optimizer.learningRate', values: [0.001, 0.01] }]);
    expect(json.verdict).toMatchObject({ metric: 'accuracy', better: { id: b, value: 0.86 }, other: { id: a, value: 0.66 }, withinNoise: true });
    const one = await runCli(['compare', String(a), '--db', db]);
    expect(one.code).toBe(2);
    expect(expectOneLine(one.stderr)).toMatch(/compare takes 2 to 10 RUN_IDs, got 1/);
  });
});

describe('editing and deleting', () => {
  it('tag, note and rename change what runs shows and finds', async () => {
    const id = String(ids['small net']);
    expect((await runCli(['tag', id, 'baseline', 'keep', '--db', db])).stdout).toBe(`Run ${id} tags: baseline, keep\n`);
    expect((await runCli(['tag', id, 'keep', '--remove', '--db', db])).stdout).toBe(`Run ${id} tags: baseline\n`);
    await runCli(['note', id, 'first try with the default settings', '--db', db]);
    await runCli(['rename', id, 'baseline net', '--db', db]);
    const tagged = JSON.parse((await runCli(['runs', '--db', db, '--json', '--tag', 'baseline'])).stdout) as RunSummary[];
    expect(tagged.map((r) => [r.name, r.note, r.tags])).toEqual([['baseline net', 'first try with the default settings', ['baseline']]]);
    const found = JSON.parse((await runCli(['runs', '--db', db, '--json', '--search', 'default settings'])).stdout) as RunSummary[];
    expect(found.map((r) => r.id)).toEqual([ids['small net']]);
  });

  it('delete removes the run and its owned model folder, and checks every id before deleting any', async () => {
    const store = openStore(db);
    const model = join(store.artifactRoot, 'doomed-model');
    mkdirSync(model, { recursive: true });
    writeFileSync(join(model, 'model.json'), '{}');
    const doomed = store.createRun({ name: 'doomed', graph, config: makeTrainingConfig(), backend: 'cpu' });
    store.finishRun(doomed, 'completed', { artifacts: [{ kind: 'model', path: model }] });
    store.close();

    const typo = await runCli(['delete', String(doomed), '424242', '--db', db]);
    expect(typo.code).toBe(2);
    expect(expectOneLine(typo.stderr)).toMatch(/there is no run 424242/);
    expect(existsSync(model)).toBe(true);

    const r = await runCli(['delete', String(doomed), '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Deleted run ${doomed} (doomed).\n  removed ${model}\n`);
    expect(existsSync(model)).toBe(false);
    const left = JSON.parse((await runCli(['runs', '--db', db, '--json'])).stdout) as RunSummary[];
    expect(left.map((x) => x.id)).not.toContain(doomed);
    expect(left).toHaveLength(3);
  });
});
