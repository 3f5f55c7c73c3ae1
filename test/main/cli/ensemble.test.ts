// `modelwright ensemble`, run as a child process on three seeds of the table template: the fused model
// scores at least the members' mean on their shared test split, its export reloads in plain TF.js
// (nothing registered) and predicts what the members' combination predicts, it is recorded as a run of
// kind `ensemble`, and every refusal is one line with exit code 2.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { ensembleOf } from '../../../main/store/ensembles.ts';
import { scratchDir } from '../../app/codegen/fixtures.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

const scratch = scratchDir('cli-ensemble');
const file = (name: string) => join(scratch.dir, name);
const db = () => file('history.db');
const members: number[] = [];
let otherSplit = 0;

interface EnsembleJson {
  runId: number;
  test: Record<string, number>;
  members: { runId: number; weight: number; test: Record<string, number> }[];
  modelDir: string;
  params: number;
  verification: { passed: boolean; source: string; maxAbsDiff: number };
}

/** A model folder loaded by plain TF.js: model.json and its weight files, nothing registered. */
async function loadPlain(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const parts = await Promise.all(json.weightsManifest[0].paths.map((p) => readFile(join(dir, p))));
  const bytes = Buffer.concat(parts);
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
}

function modelDirOf(runId: number): string {
  const store = openStore(db(), { mustExist: true });
  try {
    return store.getRun(runId).artifacts.find((a) => a.kind === 'model')!.path;
  } finally {
    store.close();
  }
}

async function train(seed: number, splitSeed: number): Promise<number> {
  const r = await runCli(['train', file('table.mwproj'), '--seed', String(seed), '--split-seed', String(splitSeed), '--epochs', '4', '--db', db(), '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!).runId as number;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await writeFile(file('table.mwproj'), serializeProject(projectFromTemplate(getTemplate('tabular-classifier')!)));
  for (const seed of [1, 2, 3]) members.push(await train(seed, 7));
  otherSplit = await train(4, 8);
}, 180_000);
afterAll(() => scratch.cleanup());

describe('modelwright ensemble', () => {
  it('fuses three seeds: at least the members\' mean on the test split, one exported model that reloads in plain TF.js', async () => {
    const r = await runCli(['ensemble', ...members.map(String), '--method', 'average', '--out', file('average'), '--db', db(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as EnsembleJson;
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['runId', 'test', 'members', 'modelDir']));
    expect(out.members.map((m) => m.runId)).toEqual(members);
    expect(out.modelDir).toBe(file('average'));
    const mean = out.members.reduce((s, m) => s + m.test.accuracy, 0) / out.members.length;
    expect(out.test.accuracy).toBeGreaterThanOrEqual(mean);
    expect(out.verification).toMatchObject({ passed: true, source: 'test-split', maxAbsDiff: 0 });
    expect(await readdir(file('average'))).toEqual(expect.arrayContaining(['model.json', 'group1-shard1of1.bin', 'verification.json']));

    // One layers model whose parameter count is the members' sum, predicting the mean of their probabilities.
    const fused = await loadPlain(file('average'));
    const parts = await Promise.all(members.map((id) => loadPlain(modelDirOf(id))));
    expect(fused.countParams()).toBe(parts.reduce((s, m) => s + m.countParams(), 0));
    expect(fused.countParams()).toBe(out.params);
    const x = tf.randomNormal([64, 4], 0, 1, 'float32', 5);
    const got = await (fused.predict(x) as tf.Tensor).array() as number[][];
    const memberOutputs = await Promise.all(parts.map((m) => (m.predict(x) as tf.Tensor).array() as Promise<number[][]>));
    got.forEach((row, i) => row.forEach((v, c) => {
      expect(v).toBeCloseTo(memberOutputs.reduce((s, o) => s + o[i][c], 0) / members.length, 5);
    }));
  });

  it('records the ensemble as a run of its own, beside its members, with its members and method', async () => {
    const r = await runCli(['ensemble', ...members.map(String), '--method', 'weighted', '--out', file('weighted'), '--db', db(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as EnsembleJson;
    const weights = out.members.map((m) => m.weight);
    expect(weights.every((w) => w >= 0)).toBe(true);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const store = openStore(db(), { mustExist: true });
    try {
      expect(ensembleOf(store, out.runId)).toEqual({ method: 'weighted', members: members.map((id, i) => ({ position: i, runId: id, weight: weights[i] })) });
      expect(ensembleOf(store, members[0])).toBeNull();
      const run = store.getRun(out.runId);
      expect(run.status).toBe('completed');
      expect(run.test.accuracy).toBe(out.test.accuracy);
      expect(run.evaluation?.task).toBe('classification');
      expect(run.datasetBinding).toEqual(store.getRun(members[0]).datasetBinding);
    } finally {
      store.close();
    }
    const compare = await runCli(['compare', String(out.runId), String(members[0]), '--db', db()]);
    expect(compare.code, compare.stderr).toBe(0);
    const show = await runCli(['show', String(out.runId), '--db', db()]);
    expect(show.stdout).toMatch(new RegExp(`Ensemble:\\s+weighted of run ${members[0]} \\(weight \\d\\.\\d{3}\\), run ${members[1]}`));
    // The exported weighted model gives the weighted mean with the recorded weights.
    const fused = await loadPlain(file('weighted'));
    const parts = await Promise.all(members.map((id) => loadPlain(modelDirOf(id))));
    const x = tf.randomNormal([32, 4], 0, 1, 'float32', 6);
    const got = await (fused.predict(x) as tf.Tensor).array() as number[][];
    const outs = await Promise.all(parts.map((m) => (m.predict(x) as tf.Tensor).array() as Promise<number[][]>));
    got.forEach((row, i) => row.forEach((v, c) => expect(v).toBeCloseTo(outs.reduce((s, o, j) => s + weights[j] * o[i][c], 0), 5)));
  });

  it('votes: the exported model picks the class most members pick', async () => {
    const r = await runCli(['ensemble', ...members.map(String), '--method', 'vote', '--out', file('vote'), '--db', db(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const fused = await loadPlain(file('vote'));
    const parts = await Promise.all(members.map((id) => loadPlain(modelDirOf(id))));
    const x = tf.randomNormal([200, 4], 0, 2, 'float32', 7);
    const got = await (fused.predict(x) as tf.Tensor).array() as number[][];
    const outs = await Promise.all(parts.map((m) => (m.predict(x) as tf.Tensor).array() as Promise<number[][]>));
    const argmax = (row: number[]) => row.indexOf(Math.max(...row));
    got.forEach((row, i) => {
      const votes = [0, 0, 0];
      for (const o of outs) votes[argmax(o[i])]++;
      const top = Math.max(...votes);
      if (votes.filter((v) => v === top).length === 1) expect(argmax(row)).toBe(votes.indexOf(top));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    });
  });

  it('fuses two runs of the same seed, and says they are one model twice and what to do', async () => {
    const copy = await train(1, 7);
    const r = await runCli(['ensemble', String(members[0]), String(copy), '--out', file('copies'), '--db', db()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Note: runs #${members[0]} and #${copy} give the same answers on every test row (the same settings and seed train the same model), so fusing them adds nothing: train the members with different random seeds and one split seed`);
    // Three seeds are three models: no such note.
    const seeds = await runCli(['ensemble', ...members.map(String), '--out', file('seeds'), '--db', db()]);
    expect(seeds.code, seeds.stderr).toBe(0);
    expect(seeds.stdout).not.toContain('same answers');
  });

  it('refuses with one line and exit code 2: fewer than 2 runs, a run twice, a missing run, a different split', async () => {
    const cases: [string[], RegExp][] = [
      [[String(members[0])], /at least 2 runs, got 1/],
      [[String(members[0]), String(members[0])], /given twice/],
      [[String(members[0]), '999'], /there is no run 999/],
      [[String(members[0]), String(otherSplit)], /split their data differently .*split seed 7 against .*split seed 8/],
      [[String(members[0]), String(members[1]), '--method', 'mean'], /--method must be one of average, weighted, vote/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['ensemble', ...args, '--db', db()]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(expectOneLine(r.stderr)).toMatch(message);
    }
  });

  it('refuses a run without a saved model', async () => {
    const store = openStore(db(), { mustExist: true });
    const detail = store.getRun(members[0]);
    const failed = store.createRun({ graph: detail.graph, config: detail.config, backend: 'cpu', datasetBinding: detail.datasetBinding ?? undefined });
    store.finishRun(failed, 'failed', { error: 'out of memory' });
    store.close();
    const r = await runCli(['ensemble', String(members[0]), String(failed), '--db', db()]);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toMatch(new RegExp(`run ${failed} has no trained model to fuse`));
  });
});
