// `modelwright train` refuses, before training, a model the readiness check refuses — a two-unit linear
// output on a two-class table used to train to chance and end "completed" — and, fixed, the same model learns.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { loadDataset } from '../../../main/data/load.ts';
import { customerRows, customersCsv, logisticRegressionAccuracy, studioSplit } from '../../fixtures/customers.ts';
import { runCli } from './cliHarness.ts';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-cli-ready-'));
  await writeFile(file('customers.csv'), customersCsv());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function project(activation: string): Promise<string> {
  const { inputShape } = await loadDataset({ source: file('customers.csv'), target: 'outcome' } as never);
  const doc = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Customers' });
  for (const l of doc.graph.layers) {
    if (l.type === 'Input') l.params.shape = inputShape;
    if (l.name === 'species') l.params = { ...l.params, units: 2, activation };
  }
  doc.training = { ...doc.training!, epochs: 40, earlyStopping: { ...doc.training!.earlyStopping, enabled: false } };
  const path = file(`customers-${activation}.mwproj`);
  await writeFile(path, serializeProject(doc));
  return path;
}

describe('modelwright train and the readiness check', () => {
  it('refuses a two-unit linear output on a two-class table before training, naming the layer and the fix', async () => {
    const run = await runCli(['train', await project('linear'), '--data', file('customers.csv'), '--target', 'outcome', '--backend', 'cpu', '--db', file('h.db'), '--json']);
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.status).toBe('failed');
    expect(out.epochs).toBe(0);
    expect(out.message).toMatch(/^the output layer "species" gives raw scores \(linear activation\), not class probabilities/);
    expect(out.advice).toBe('set activation to softmax');
  }, 120_000);

  it('with the fix (softmax) the same model learns about as well as logistic regression', async () => {
    const run = await runCli(['train', await project('softmax'), '--data', file('customers.csv'), '--target', 'outcome', '--backend', 'cpu', '--db', file('h.db'), '--json', '--learning-rate', '0.01']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    // Logistic regression fitted on the same rows the studio trains on, scored on the same test rows.
    const { fit, test } = studioSplit(customerRows());
    const baseline = logisticRegressionAccuracy(fit, test);
    expect(baseline).toBeGreaterThan(0.8);
    expect(out.evaluation.count).toBe(test.length);
    expect(out.test.accuracy).toBeGreaterThan(baseline - 0.04);
  }, 180_000);
});
