// `modelwright train` and `modelwright predict`, run as child processes on a template project and
// built-in data (cpu backend): JSON result, progress lines, the history record, exit codes, prediction from raw rows.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-cli-train-'));
  // Early stopping off (the template stops early) so that every epoch asked for is trained and printed.
  const iris = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' });
  iris.training = { ...iris.training!, earlyStopping: { ...iris.training!.earlyStopping, enabled: false } };
  await writeFile(file('iris.mwproj'), serializeProject(iris));
  await writeFile(file('intents.mwproj'), serializeProject(projectFromTemplate(getTemplate('intent-classifier')!, { name: 'Intents' })));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('modelwright train', () => {
  it('names each run after what changed since the project\'s previous one, unless --name is given', async () => {
    const train = async (...flags: string[]) => {
      const run = await runCli(['train', file('iris.mwproj'), '--epochs', '1', '--backend', 'cpu', '--db', file('names.db'), '--json', ...flags]);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout).name as string;
    };
    expect(await train()).toBe('Iris on iris');
    expect(await train('--learning-rate', '0.003', '--batch-size', '8')).toBe('lr 0.003 · batch 8');
    expect(await train('--learning-rate', '0.003', '--batch-size', '8')).toMatch(/^same settings as #\d+$/);
    expect(await train('--name', 'my baseline')).toBe('my baseline');
  }, 120_000);

  it('trains, prints one JSON object, records the run and saves a model that predict can use on raw CSV rows', async () => {
    const run = await runCli(['train', file('iris.mwproj'), '--epochs', '30', '--learning-rate', '0.03', '--backend', 'cpu', '--db', file('h.db'), '--out', file('iris-model'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ status: 'completed', backend: 'cpu', epochs: 30, modelDir: file('iris-model'), name: 'Iris on iris' });
    expect(out.history.loss).toHaveLength(30);
    expect(out.history.val_accuracy).toHaveLength(30);
    expect(out.history.loss[29]).toBeLessThan(out.history.loss[0]);
    expect(out.test.accuracy).toBeGreaterThan(0.8);
    expect(out.test.loss).toBeTypeOf('number');
    expect(out.samplesPerSec).toBeGreaterThan(0);
    expect(out.durationMs).toBeGreaterThan(0);
    // Progress goes to stderr, one line per epoch when stderr is not a terminal.
    expect(run.stderr).toMatch(/^training on cpu with 1 thread: 96 training, 24 validation, 30 test rows/m);
    expect(run.stderr.match(/^epoch \d+\/30 {2}loss /gm)).toHaveLength(30);

    const store = openStore(file('h.db'), { mustExist: true });
    try {
      const detail = store.getRun(out.runId);
      expect(detail.status).toBe('completed');
      expect(JSON.stringify(detail)).toContain('iris-model');
    } finally {
      store.close();
    }

    await writeFile(file('flowers.csv'), 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n');
    const predicted = await runCli(['predict', file('iris-model'), '--input', file('flowers.csv'), '--json', '--backend', 'cpu']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const { predictions } = JSON.parse(predicted.stdout);
    expect(predictions.map((p: { label: string }) => p.label)).toEqual(['setosa', 'virginica']);
    const sum = Object.values(predictions[0].probabilities as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);

    const plain = await runCli(['predict', file('iris-model'), '--input', file('flowers.csv'), '--backend', 'cpu']);
    expect(plain.stdout.split('\n')[0]).toMatch(/^setosa\t\(setosa [01]\.\d{3}, /);
  });

  // wasm: the cpu backend's Embedding gradient (UnsortedSegmentSum) trains this model at about 1 sample/s.
  it('a text model predicts intents from raw sentences', async () => {
    const run = await runCli(['train', file('intents.mwproj'), '--epochs', '2', '--backend', 'wasm', '--db', file('h.db'), '--out', file('intents-model'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    await writeFile(file('questions.json'), JSON.stringify(['where is my order?', 'this is the worst service ever']));
    const predicted = await runCli(['predict', file('intents-model'), '--input', file('questions.json'), '--json', '--backend', 'wasm']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const { predictions } = JSON.parse(predicted.stdout);
    expect(predictions).toHaveLength(2);
    for (const p of predictions) expect(['help', 'info', 'complaint', 'other']).toContain(p.label);
  });

  it('exits 1 with the reason when the run fails, 2 on bad usage or unreadable input', async () => {
    const badGraph = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Bad' });
    badGraph.graph.layers.find((l) => l.type === 'Input')!.params.shape = [5];
    await writeFile(file('bad.mwproj'), serializeProject(badGraph));
    const failed = await runCli(['train', file('bad.mwproj'), '--epochs', '1', '--backend', 'cpu', '--db', file('h.db')]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^failed: the Input layer "measurements" has shape \[5\] but each row has 4 input values after encoding\nwhat to do: set the Input shape to \[4\]/);

    expect(failed.stdout).toMatch(/^recorded as run \d+/m);

    const missing = await runCli(['train', file('iris.mwproj'), '--data', file('nope.csv'), '--db', file('h.db')]);
    expect(missing.code).toBe(2);
    expect(expectOneLine(missing.stderr)).toMatch(/--data: ".*nope.csv" does not exist/);

    const usage = await runCli(['train', file('iris.mwproj'), '--epochs', 'many', '--db', file('h.db')]);
    expect(usage.code).toBe(2);
    expect(expectOneLine(usage.stderr)).toMatch(/--epochs needs a whole number/);

    const noModel = await runCli(['predict', file('nowhere'), '--input', '-']);
    expect(noModel.code).toBe(2);
    expect(expectOneLine(noModel.stderr)).toMatch(/is not a saved model folder/);
    expect(existsSync(file('nowhere'))).toBe(false);
  });
});

describe('modelwright train records runs that fail before training starts', () => {
  it('keeps a shape mismatch and unusable data in the history as failed, with the reason, and --json gives the run id', async () => {
    const db = file('failed.db');
    const wide = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Wide' });
    wide.graph.layers.find((l) => l.type === 'Input')!.params.shape = [7];
    await writeFile(file('wide.mwproj'), serializeProject(wide));
    const mismatch = await runCli(['train', file('wide.mwproj'), '--epochs', '1', '--backend', 'cpu', '--db', db, '--json']);
    expect(mismatch.code, mismatch.stderr).toBe(1);
    const out = JSON.parse(mismatch.stdout);
    expect(out.status).toBe('failed');
    expect(out.runId).toBeTypeOf('number');

    // One class only: the data pipeline refuses it before any model is built.
    await writeFile(file('one-class.csv'), 'a,b,label\n1,2,yes\n3,4,yes\n5,6,yes\n7,8,yes\n9,1,yes\n');
    const oneClass = await runCli(['train', file('iris.mwproj'), '--data', file('one-class.csv'), '--target', 'label', '--backend', 'cpu', '--db', db, '--json']);
    expect(oneClass.code, oneClass.stderr).toBe(1);
    const bad = JSON.parse(oneClass.stdout);
    expect(bad.runId).toBeTypeOf('number');
    expect(bad.runId).not.toBe(out.runId);

    const store = openStore(db, { mustExist: true });
    try {
      const first = store.getRun(out.runId);
      expect(first.status).toBe('failed');
      expect(first.error).toMatch(/^the Input layer "measurements" has shape \[7\] but each row has 4 input values after encoding; set the Input shape to \[4\]/);
      const second = store.getRun(bad.runId);
      expect(second.status).toBe('failed');
      expect(second.error).toMatch(/has only one value/);
      expect(JSON.stringify(second)).toContain('one-class.csv');
      expect(store.listRuns({}).runs.map((r) => r.id).sort()).toEqual([out.runId, bad.runId].sort());
    } finally {
      store.close();
    }
  });
});

describe('modelwright predict input parsing', () => {
  it('reads JSON rows and number lists', async () => {
    const { parseInputs } = await import('../../../main/cli/commands/predict.ts');
    expect(parseInputs('[{"a": 1}, [1, 2]]', 'x.json', false)).toEqual([{ a: 1 }, [1, 2]]);
    expect(parseInputs('hello there\n\nwhere is it\n', '-', true)).toEqual(['hello there', 'where is it']);
    expect(parseInputs('a,b\n1,2\n', 'rows.csv', false)).toEqual([{ a: '1', b: '2' }]);
    expect(() => parseInputs('[1, 2]', 'x.json', false)).toThrow(/input 1 is 1/);
  });
});
