// `modelwright validate` says whether a model is ready to train — the studio's readiness check — and, with
// --data, checks it against that data: the loose end, the linear classification output and the Conv2D on a
// table are each named on their layer with the fix, and exit 1; a template on its own data exits 0. A model
// too large to train (a billion parameters) exits 1 even without data, and `train` refuses it in the same words.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../../app/project/document.ts';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { customersCsv } from '../../fixtures/customers.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

let dir: string;
const file = (name: string) => join(dir, name);

async function project(name: string, edit: (doc: ProjectDocument) => void): Promise<string> {
  const doc = projectFromTemplate(getTemplate('tabular-classifier')!, { name });
  edit(doc);
  await writeFile(file(`${name}.mwproj`), serializeProject(doc));
  return file(`${name}.mwproj`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-cli-validate-ready-'));
  await writeFile(file('customers.csv'), customersCsv());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('modelwright validate: ready to train', () => {
  it('a template is valid and ready to train on its own data', async () => {
    const path = await project('iris', () => {});
    const { code, stdout, stderr } = await runCli(['validate', path, '--data', 'builtin:iris']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('The model is valid and ready to train on builtin:iris.');
    const plain = await runCli(['validate', path]);
    expect(plain.stdout).toContain('The model is valid. (With --data SOURCE');
  });

  it('a loose end is named with its fixes even without data (valid, but not ready: exit 0 without --data)', async () => {
    const path = await project('loose', (doc) => {
      doc.graph.layers.push({ id: 'extra', type: 'Dense', name: 'extra', params: { units: 8 } });
      doc.graph.connections.push({ from: 'hidden1', to: 'extra', toSlot: 0 });
    });
    const text = await runCli(['validate', path]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/The model is valid, but not ready to train:\n {2}extra: Dense "extra" is a loose end.*Fix: connect "extra" into the chain, or remove it\./);
    const json = JSON.parse((await runCli(['validate', path, '--json'])).stdout);
    expect(json).toMatchObject({ valid: true, ready: false });
    expect(json.readiness[0]).toMatchObject({ layer: 'extra', fixes: ['Connect "extra" into the chain, before "hidden_2"', 'Remove "extra"'] });
    const withData = await runCli(['validate', path, '--data', 'builtin:iris']);
    expect(withData.code).toBe(1);
    expect(expectOneLine(withData.stderr)).toMatch(/is not ready to train on builtin:iris/);
  });

  it('with --data: a two-unit linear output and a Conv2D on a table are refused with advice for a table', async () => {
    const linear = await project('linear', (doc) => {
      doc.graph.layers.find((l) => l.type === 'Input')!.params.shape = [7];
      doc.graph.layers.find((l) => l.name === 'species')!.params = { units: 2, activation: 'linear' };
    });
    const a = await runCli(['validate', linear, '--data', file('customers.csv'), '--target', 'outcome']);
    expect(a.code).toBe(1);
    expect(a.stdout).toMatch(/not ready to train on .*customers\.csv:\n {2}species: The output layer "species" gives raw scores \(linear activation\).*Fix: set activation to softmax\./);

    const conv = await project('conv', (doc) => {
      doc.graph.layers.find((l) => l.type === 'Input')!.params.shape = [7];
      doc.graph.layers.find((l) => l.name === 'species')!.params = { units: 2, activation: 'softmax' };
      doc.graph.layers.find((l) => l.name === 'hidden_2')!.type = 'Conv2D';
      doc.graph.layers.find((l) => l.name === 'hidden_2')!.params = { filters: 8, kernelSize: 3 };
    });
    const b = await runCli(['validate', conv, '--data', file('customers.csv'), '--target', 'outcome']);
    expect(b.code).toBe(1);
    expect(b.stdout).toMatch(/hidden_2: Conv2D "hidden_2" is for images.*the data is a table.*Fix: use a Dense layer instead/);
    expect(b.stdout).not.toMatch(/Reshape/);
    // Without the data, the shape rule's own advice stands.
    expect((await runCli(['validate', conv])).stdout).toMatch(/Reshape/);
  });

  it('unreadable data or a stray --target are one-line errors with exit 2', async () => {
    const path = await project('iris2', () => {});
    const missing = await runCli(['validate', path, '--data', file('nope.csv')]);
    expect(missing.code).toBe(2);
    expect(expectOneLine(missing.stderr)).toMatch(/--data: ".*nope\.csv" does not exist/);
    const stray = await runCli(['validate', path, '--target', 'x']);
    expect(stray.code).toBe(2);
    expect(expectOneLine(stray.stderr)).toMatch(/--target goes with --data/);
  });

  it('a model too large to train exits 1 with one line naming its size and the limit; train refuses it in the same words', async () => {
    const path = await project('huge', (doc) => {
      doc.graph.layers.find((l) => l.name === 'hidden_1')!.params.units = 1_000_000;
      doc.graph.layers.find((l) => l.name === 'hidden_2')!.params.units = 1000;
    });
    const size = 'the model has 1,005,004,003 parameters (3.7 GB of weights), too many to train here';
    const validate = await runCli(['validate', path]);
    expect(validate.code).toBe(1);
    expect(expectOneLine(validate.stderr)).toMatch(new RegExp(`^modelwright validate: .*huge\\.mwproj cannot be trained: ${size.replace(/[()]/g, '\\$&')}.*at most 4 GB; make it at most 268,435,456 parameters`));
    expect(validate.stdout).toContain('The model is valid, but it cannot be trained here:');
    const json = JSON.parse((await runCli(['validate', path, '--json'])).stdout);
    expect(json).toMatchObject({ valid: true, ready: false, totalParams: 1_005_004_003 });
    expect(json.readiness[0].message).toContain(size);

    const train = await runCli(['train', path, '--backend', 'cpu', '--db', file('h.db'), '--json']);
    expect(train.code).toBe(1);
    const out = JSON.parse(train.stdout);
    expect(out).toMatchObject({ status: 'failed', epochs: 0, message: json.readiness[0].message, advice: json.readiness[0].fix });
  }, 60_000);

  it('a Keras model of a trillion parameters is refused too', async () => {
    const keras = { class_name: 'Sequential', config: { name: 's', layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 1_000_000], name: 'in' } },
      { class_name: 'Dense', config: { units: 1_000_000, name: 'd', activation: 'linear', use_bias: true } },
    ] } };
    await writeFile(file('trillion.json'), JSON.stringify(keras));
    const { code, stderr } = await runCli(['validate', file('trillion.json')]);
    expect(code).toBe(1);
    expect(expectOneLine(stderr)).toMatch(/cannot be trained: the model has 1,000,001,000,000 parameters \(3\.6 TB of weights\)/);
  });
});
