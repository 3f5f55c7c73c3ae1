// `modelwright import MODEL_DIR -o FILE.mwproj` (cpu backend): a trained Iris model exported as a TF.js folder
// comes back as a project whose layers carry their weights — evaluated untrained it scores exactly what the
// original scored, one epoch at a tiny learning rate keeps that accuracy where a run from scratch does not —
// a Keras-converter-style folder imports with its values, and every bad folder is refused in one line.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject, serializeProject, type ProjectDocument } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { lineageOf } from '../../../main/store/lineage.ts';
import { expectOneLine, runCli } from './cliHarness.ts';
import { kerasConverterModel, type ModelJson } from '../model/kerasConverterFixture.ts';

let dir: string;
let db: string;
const file = (name: string) => join(dir, name);

interface Trained { runId: number; test: { accuracy: number; loss: number } | null; stderr: string }

async function train(project: string, ...flags: string[]): Promise<Trained> {
  const r = await runCli(['train', file(project), '--backend', 'cpu', '--db', db, '--json', '--seed', '1', ...flags]);
  expect(r.code, r.stderr).toBe(0);
  return { ...JSON.parse(r.stdout), stderr: r.stderr };
}

async function importFolder(model: string, out: string, ...flags: string[]) {
  return runCli(['import', file(model), '-o', file(out), ...flags]);
}

async function project(name: string): Promise<ProjectDocument> {
  return parseProject(await readFile(file(name)));
}

let original: Trained;
const irisData = ['--data', 'builtin:iris', '--target', 'species'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-import-'));
  db = file('history.db');
  const iris = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' });
  iris.training = { ...iris.training!, earlyStopping: { ...iris.training!.earlyStopping, enabled: false } };
  await writeFile(file('iris.mwproj'), serializeProject(iris));
  original = await train('iris.mwproj', '--epochs', '40');
  const exported = await runCli(['export', '--run', String(original.runId), '--format', 'tfjs', '-o', file('exported'), '--db', db]);
  expect(exported.code, exported.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('modelwright import: a model exported by Modelwright', () => {
  it('writes a project whose layers name their weights, and the weights folder beside it', async () => {
    const r = await importFolder('exported', 'imported.mwproj');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/4 layers, 3 with weights \(403 of 403 parameters\)/);
    const doc = await project('imported.mwproj');
    expect(doc.weights).toMatchObject({ folder: 'imported.weights', layers: ['hidden_1', 'hidden_2', 'species'] });
    expect(doc.weights?.from).toMatch(/Modelwright/);
    expect(doc.graph.layers.map((l) => l.type)).toEqual(['Input', 'Dense', 'Dense', 'Dense']);
    const manifest = JSON.parse(await readFile(file('imported.weights/model.json'), 'utf8'));
    expect(manifest.format).toBe('layers-model');
    expect((await readFile(file('imported.weights/weights.bin'))).length).toBe(403 * 4);
  });

  it('evaluates exactly as the original; one epoch at lr 1e-6 keeps the accuracy; from scratch it is clearly worse', async () => {
    expect(original.test!.accuracy).toBeGreaterThan(0.85);
    const untrained = await train('imported.mwproj', ...irisData, '--epochs', '0');
    expect(untrained.test!.accuracy).toBe(original.test!.accuracy);
    expect(untrained.test!.loss).toBeCloseTo(original.test!.loss, 5);

    const tuned = await train('imported.mwproj', ...irisData, '--epochs', '1', '--learning-rate', '0.000001');
    expect(tuned.stderr).toMatch(/started from imported weights \(.*imported\.weights\): 3 of 3 layers initialized from them \(hidden_1, hidden_2, species\)/);
    expect(Math.abs(tuned.test!.accuracy - original.test!.accuracy)).toBeLessThanOrEqual(0.02);

    const shown = await runCli(['show', String(tuned.runId), '--db', db]);
    expect(shown.stdout).toMatch(/Weights: +started from imported weights/);

    const scratch = await train('iris.mwproj', '--epochs', '1', '--learning-rate', '0.000001');
    expect(scratch.test!.accuracy).toBeLessThan(original.test!.accuracy - 0.1);

    const store = openStore(db, { mustExist: true });
    try {
      const lineage = lineageOf(store, tuned.runId);
      expect(lineage.parentRunId).toBeNull();
      expect(lineage.derivation?.importedWeights).toMatchObject({ layers: ['hidden_1', 'hidden_2', 'species'], skipped: [] });
      expect(store.getRun(tuned.runId).fromImportedWeights).toBe(true);
      expect(store.getRun(scratch.runId).fromImportedWeights).toBeUndefined();
    } finally {
      store.close();
    }
  }, 180_000);

  it('a sweep\'s trials start from the imported weights too', async () => {
    await writeFile(file('space.json'), JSON.stringify({ 'optimizer.learningRate': { choice: [0.000001] } }));
    const r = await runCli(['sweep', file('imported.mwproj'), ...irisData, '--space', file('space.json'), '--trials', '1', '--epochs', '1',
      '--parallel', '1', '--backend', 'cpu', '--seed', '1', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const trial = JSON.parse(r.stdout).trials[0];
    // The trial trains with the project's own seed (its own test split): compared with the imported model untrained on that split.
    const untrained = await runCli(['train', file('imported.mwproj'), ...irisData, '--backend', 'cpu', '--db', db, '--json', '--epochs', '0']);
    expect(untrained.code, untrained.stderr).toBe(0);
    expect(Math.abs(trial.test.accuracy - JSON.parse(untrained.stdout).test.accuracy)).toBeLessThanOrEqual(0.02);
    const store = openStore(db, { mustExist: true });
    try {
      expect(lineageOf(store, trial.runId).derivation?.importedWeights).toMatchObject({ layers: ['hidden_1', 'hidden_2', 'species'] });
    } finally {
      store.close();
    }
  }, 180_000);

  it('layers changed since the import start fresh, and the run says how many took the imported weights', async () => {
    const doc = await project('imported.mwproj');
    doc.graph.layers.find((l) => l.name === 'hidden_2')!.params.units = 8;
    await writeFile(file('edited.mwproj'), serializeProject(doc));
    const r = await runCli(['train', file('edited.mwproj'), ...irisData, '--backend', 'cpu', '--db', db, '--epochs', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/started from imported weights .*: 1 of 3 layers initialized from them \(hidden_1\); hidden_2 starts fresh: its weights have other shapes/);
  }, 120_000);

  it('a project moved without its weights folder is refused in one line', async () => {
    await mkdir(file('moved'));
    await writeFile(file('moved/imported.mwproj'), await readFile(file('imported.mwproj')));
    const r = await runCli(['train', file('moved/imported.mwproj'), ...irisData, '--backend', 'cpu', '--db', db]);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toMatch(/imported weights \(the folder "imported\.weights"\) are not beside it/);
  });

  it('refuses to overwrite the project or its weights without --force, and replaces both with it', async () => {
    const again = await importFolder('exported', 'imported.mwproj');
    expect(again.code).toBe(2);
    expect(expectOneLine(again.stderr)).toMatch(/already exists; add --force/);
    const forced = await importFolder('exported', 'imported.mwproj', '--force', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ layers: 4, layersWithWeights: ['hidden_1', 'hidden_2', 'species'], params: 403, importedParams: 403 });
  });
});

/** A Keras-converter folder (./../model/kerasConverterFixture.ts) written as `name`; `edit` may change it first. */
async function kerasConverterFolder(name: string, edit: (json: ModelJson, weights: Float32Array) => { json?: unknown; bin?: Uint8Array } | void = () => {}) {
  const { json, weights } = kerasConverterModel();
  const changed = edit(json, weights) ?? {};
  await mkdir(file(name), { recursive: true });
  await writeFile(file(`${name}/model.json`), JSON.stringify(changed.json ?? json));
  await writeFile(file(`${name}/group1-shard1of1.bin`), changed.bin ?? new Uint8Array(weights.buffer));
  return weights;
}

describe('modelwright import: a Keras model converted by tensorflowjs_converter', () => {
  it('imports with its weights, value for value', async () => {
    const weights = await kerasConverterFolder('keras');
    const r = await importFolder('keras', 'keras.mwproj');
    expect(r.code, r.stderr).toBe(0);
    const doc = await project('keras.mwproj');
    expect(doc.weights).toMatchObject({ folder: 'keras.weights', layers: ['dense', 'dense_1'], from: 'keras v2.15.0 · TensorFlow.js Converter v4.22.0' });
    expect(doc.graph.layers.map((l) => `${l.type}:${l.name}`)).toEqual(['Input:dense_input', 'Dense:dense', 'Dense:dense_1']);
    const saved = JSON.parse(await readFile(file('keras.weights/model.json'), 'utf8'));
    expect(saved.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias']);
    const bin = await readFile(file('keras.weights/weights.bin'));
    expect([...new Float32Array(bin.buffer, bin.byteOffset, bin.length / 4)]).toEqual([...weights]);
  });

  it('takes a cell-named weight (TF ≥ 2.2: layer/cell/weight) as TF.js does', async () => {
    await kerasConverterFolder('cellnames', (json) => {
      json.weightsManifest[0].weights[0].name = 'dense/inner_cell/kernel';
    });
    const r = await importFolder('cellnames', 'cellnames.mwproj');
    expect(r.code, r.stderr).toBe(0);
    expect((await project('cellnames.mwproj')).weights?.layers).toEqual(['dense', 'dense_1']);
  });
});

describe('modelwright import: bad input, one line and exit 2 each', () => {
  const cases: [string, () => Promise<string[]>, RegExp][] = [
    ['a folder that does not exist', async () => ['import', file('nowhere'), '-o', file('x.mwproj')], /does not exist/],
    ['a file instead of a folder', async () => { await writeFile(file('plain.txt'), 'hi'); return ['import', file('plain.txt'), '-o', file('x.mwproj')]; }, /is a file; give the folder/],
    ['a folder without model.json', async () => { await mkdir(file('empty'), { recursive: true }); return ['import', file('empty'), '-o', file('x.mwproj')]; }, /has no model\.json/],
    ['no -o', async () => ['import', file('keras')], /needs -o FILE\.mwproj/],
    ['a graph model', async () => { await kerasConverterFolder('graph', (json) => ({ json: { ...json, format: 'graph-model', modelTopology: { node: [] } } })); return ['import', file('graph'), '-o', file('x.mwproj')]; }, /graph model/],
    ['another format', async () => { await kerasConverterFolder('otherformat', (json) => ({ json: { ...json, format: 'something-else' } })); return ['import', file('otherformat'), '-o', file('x.mwproj')]; }, /not "layers-model"/],
    ['a missing shard', async () => { await kerasConverterFolder('noshard', (json) => { json.weightsManifest[0].paths = ['group1-shard2of2.bin']; }); return ['import', file('noshard'), '-o', file('x.mwproj')]; }, /weight file "group1-shard2of2\.bin" .* is missing/],
    ['a truncated shard', async () => { await kerasConverterFolder('short', (_json, w) => ({ bin: new Uint8Array(w.buffer).slice(0, 40) })); return ['import', file('short'), '-o', file('x.mwproj')]; }, /too short/],
    ['a shard path out of the folder', async () => { await kerasConverterFolder('escape', (json) => { json.weightsManifest[0].paths = ['../keras/group1-shard1of1.bin']; }); return ['import', file('escape'), '-o', file('x.mwproj')]; }, /leads out of the model folder/],
    ['a huge weight', async () => { await kerasConverterFolder('huge', (json) => { json.weightsManifest[0].weights[0].shape = [100000, 100000]; }); return ['import', file('huge'), '-o', file('x.mwproj')]; }, /more than the/],
    ['a layer Modelwright does not have', async () => {
      await kerasConverterFolder('unknown', (json) => { json.modelTopology.model_config.config.layers[2].class_name = 'MysteryDense'; });
      return ['import', file('unknown'), '-o', file('x.mwproj')];
    }, /layer "dense_1" is a MysteryDense, which is not a layer type Modelwright knows; replace it/],
    ['weights of another model', async () => {
      await kerasConverterFolder('othernames', (json) => { for (const w of json.weightsManifest[0].weights) w.name = w.name.replace('dense', 'conv'); });
      return ['import', file('othernames'), '-o', file('x.mwproj')];
    }, /none of the weights .* belong to the layers of its model\.json|does not describe a loadable model/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await runCli(await args());
      expect(r.code, r.stdout).toBe(2);
      expect(expectOneLine(r.stderr)).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }
});
