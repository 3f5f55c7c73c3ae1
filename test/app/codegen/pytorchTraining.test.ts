// The generated PyTorch script trained for real (Debian's python3-torch) next to a real studio training
// of the same template on the same data and split: every template, a short training each, and the test
// scores must be close (tolerances below, documented in docs/codegen.md). Then one template under
// `python3 -m torch.distributed.run --nproc_per_node=2` (DistributedDataParallel on gloo).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import type { DatasetBinding } from '../../../app/data/binding.ts';
import { parseCsv } from '../../../app/data/csv.ts';
import { getTemplate } from '../../../app/templates/index.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { planProjectData } from '../../../main/codegen/projectData.ts';
import { testSummary } from '../../../main/trainer/recording.ts';
import { startTraining } from '../../../main/trainer/supervisor.ts';
import { resourcesDir, scratchDir, torchPython as findTorchPython } from './fixtures.ts';

const torchPython = findTorchPython();
if (!torchPython) console.warn('Skipping the PyTorch trainings: no python3 with torch, numpy, pandas, regex and onnx here (Debian: apt-get install python3-torch python3-pandas python3-regex python3-onnx).');


const scratch = scratchDir('pytorch-train');
afterAll(() => scratch.cleanup());

/** Epochs per template: short, but long enough for both to learn (early stopping may end sooner). */
const runs: [string, number][] = [
  ['tabular-classifier', 60], ['binary-classifier', 40], ['regression', 40], ['intent-classifier', 40],
  ['sentiment', 20], ['digit-recognizer', 3], ['residual-cnn', 3], ['autoencoder', 5], ['transformer-intent', 20],
];

/** Test accuracy within 0.1; R² within 0.05; reconstruction error within 25%. */
function expectClose(task: string, torch: Record<string, number | null>, studio: Record<string, number | null>): void {
  if (task === 'classification') expect(Math.abs(torch.accuracy! - studio.accuracy!), `accuracy ${torch.accuracy} vs the studio's ${studio.accuracy}`).toBeLessThanOrEqual(0.1);
  else if (task === 'regression') expect(Math.abs(torch.r2! - studio.r2!), `R² ${torch.r2} vs the studio's ${studio.r2}`).toBeLessThanOrEqual(0.05);
  else expect(Math.abs(torch.mse! / studio.mse! - 1), `mse ${torch.mse} vs the studio's ${studio.mse}`).toBeLessThanOrEqual(0.25);
}

/** The script's last stdout line, which must be one JSON object. */
function lastJson(stdout: string): { test: Record<string, number | null>; epochs: number } {
  const last = stdout.trimEnd().split('\n').pop()!;
  return JSON.parse(last);
}

describe.skipIf(!torchPython)('generated PyTorch script trained beside the studio', () => {
  it.each(runs)('%s (%i epochs): test scores close to the studio\'s on the same split, same metric names', { timeout: 300_000 }, async (id, epochs) => {
    const template = getTemplate(id)!;
    const dir = join(scratch.dir, id);
    mkdirSync(dir, { recursive: true });
    const training = { ...template.training, epochs };
    const studio = await startTraining({
      model: { kind: 'graph', graph: template.graph },
      data: { kind: 'binding', binding: template.dataset },
      config: { ...training, backend: 'wasm' },
      outputDir: join(dir, 'studio'),
    }).done;
    expect(studio.status, studio.message).toBe('completed');
    const studioTest = testSummary(studio)!;

    const data = await planProjectData(template.dataset, { baseDir: dir });
    writeFileSync(join(dir, 'train.py'), generateCode({ graph: template.graph, data, training }, { language: 'pytorch' }).code);
    const r = spawnSync(torchPython!, ['train.py'], { cwd: dir, encoding: 'utf8', timeout: 280_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.status).toBe(0);
    const result = lastJson(r.stdout);
    expect(Object.keys(result.test).sort()).toEqual(Object.keys(studioTest).sort());
    expect(result.epochs).toBeGreaterThan(0);
    expect(result.epochs).toBeLessThanOrEqual(epochs);
    expectClose(template.dataset.task, result.test, studioTest);
    for (const file of ['model.pt', 'model.onnx', 'preprocessor.json']) expect(existsSync(join(dir, 'model', file)), file).toBe(true);
    const checker = spawnSync(torchPython!, ['-c', 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]))', join(dir, 'model', 'model.onnx')], { encoding: 'utf8' });
    expect(checker.stderr, 'onnx.checker').toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'model', 'preprocessor.json'), 'utf8')).format).toBe('modelwright-preprocessor');
  });

  const settings: [string, string, Record<string, unknown>, Partial<DatasetBinding>][] = [
    ['no test or validation split, class weights, SGD with Nesterov momentum, reduce-LR-on-plateau', 'tabular-classifier', {
      testSplit: 0, validationSplit: 0, classWeights: 'auto', optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true },
      reduceLrOnPlateau: { enabled: true, monitor: 'val_loss', factor: 0.5, patience: 1, minLearningRate: 0.001 },
    }, {}],
    ['categorical crossentropy with an mse metric', 'tabular-classifier', { loss: 'categoricalCrossentropy', metrics: ['accuracy', 'mse'] }, {}],
    ['Huber loss, RMSprop, min-max scaling', 'regression', { loss: 'huber', optimizer: { name: 'rmsprop', learningRate: 0.01 } }, { scaling: 'minmax' }],
    ['mean absolute error, Adagrad, no scaling, no shuffle', 'regression', { loss: 'meanAbsoluteError', shuffle: false, optimizer: { name: 'adagrad', learningRate: 0.1 } }, { scaling: 'none' }],
  ];
  it.each(settings)('other settings: %s', { timeout: 120_000 }, async (title, id, training, binding) => {
    const template = getTemplate(id)!;
    const dir = join(scratch.dir, `settings-${settings.findIndex((s) => s[0] === title)}`);
    mkdirSync(dir, { recursive: true });
    const config = makeTrainingConfig({ ...template.training, ...training, epochs: 4 });
    const data = await planProjectData({ ...template.dataset, ...binding }, { baseDir: dir });
    writeFileSync(join(dir, 'train.py'), generateCode({ graph: template.graph, data, training: config }, { language: 'pytorch' }).code);
    const r = spawnSync(torchPython!, ['train.py'], { cwd: dir, encoding: 'utf8', timeout: 110_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.status).toBe(0);
    const result = lastJson(r.stdout);
    expect(result.epochs).toBe(4);
    if (config.testSplit === 0) expect(result.test).toBeNull();
    else expect(Object.keys(result.test).sort()).toEqual(template.dataset.task === 'classification'
      ? ['accuracy', 'auc', 'loss', 'macroF1', 'macroPrecision', 'macroRecall', ...(config.metrics.includes('mse') ? ['mse'] : [])].sort()
      : ['loss', 'mae', 'mse', 'r2']);
  });

  it('--data and --target train on another file (columns reordered, target renamed); a missing column is one plain message', { timeout: 120_000 }, async () => {
    const template = getTemplate('tabular-classifier')!;
    const dir = join(scratch.dir, 'other-data');
    mkdirSync(dir, { recursive: true });
    const data = await planProjectData(template.dataset, { baseDir: dir });
    writeFileSync(join(dir, 'train.py'), generateCode({ graph: template.graph, data, training: template.training }, { language: 'pytorch' }).code);
    const iris = parseCsv(readFileSync(join(resourcesDir, 'iris.csv'), 'utf8'));
    const target = iris.columns.indexOf('species');
    const order = [target, ...iris.columns.map((_, i) => i).filter((i) => i !== target).reverse()];
    const csv = (names: string[], rows: string[][]) => [names, ...rows].map((r) => r.join(',')).join('\n');
    const names = order.map((i) => (i === target ? 'kind' : iris.columns[i]));
    writeFileSync(join(dir, 'flowers.csv'), csv(names, iris.rows.map((r) => order.map((i) => r[i]))));
    const r = spawnSync(torchPython!, ['train.py', '--data', 'flowers.csv', '--target', 'kind', '--epochs', '30', '--model-dir', 'flowers-model'], { cwd: dir, encoding: 'utf8', timeout: 110_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.status).toBe(0);
    const result = lastJson(r.stdout);
    expect(result.epochs).toBeLessThanOrEqual(30);
    expect(result.test.accuracy).toBeGreaterThanOrEqual(0.8);
    const saved = JSON.parse(readFileSync(join(dir, 'flowers-model', 'preprocessor.json'), 'utf8'));
    expect(saved.target.name).toBe('kind');
    expect(saved.features.map((f: { name: string }) => f.name)).toEqual(data!.kind === 'table' ? data!.features.map((f) => f.name) : []);

    writeFileSync(join(dir, 'short.csv'), csv(names.slice(0, 2), iris.rows.map((r) => order.slice(0, 2).map((i) => r[i]))));
    const bad = spawnSync(torchPython!, ['train.py', '--data', 'short.csv', '--target', 'kind'], { cwd: dir, encoding: 'utf8', timeout: 110_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^short\.csv has no column '\w+'; its columns are kind, \w+\.$/);
  });

  it('runs unchanged under torch.distributed.run with 2 processes (DDP on gloo), printing and saving once', { timeout: 300_000 }, async () => {
    const template = getTemplate('tabular-classifier')!;
    const dir = join(scratch.dir, 'torchrun');
    mkdirSync(dir, { recursive: true });
    const data = await planProjectData(template.dataset, { baseDir: dir });
    writeFileSync(join(dir, 'train.py'), generateCode({ graph: template.graph, data, training: template.training }, { language: 'pytorch' }).code);
    // Debian 12's torch 1.13 on Python 3.11 crashes on torchrun's default stream options (Std.from_str("0")
    // is None there); any non-default value avoids it (docs/codegen.md).
    const r = spawnSync(torchPython!, ['-m', 'torch.distributed.run', '--nproc_per_node=2', '--redirects', '0:2', '--tee', '0:2', 'train.py', '--model-dir', 'ddp-model'], {
      cwd: dir, encoding: 'utf8', timeout: 280_000,
    });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Training in 2 processes (gloo on cpu)');
    // Only the first process prints: one line per epoch, one result.
    const epochLines = r.stdout.split('\n').filter((l) => /^epoch \d+\//.test(l));
    const result = lastJson(r.stdout);
    expect(epochLines).toHaveLength(result.epochs);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('{"test"'))).toHaveLength(1);
    expect(result.test.accuracy).toBeGreaterThanOrEqual(0.85);
    for (const file of ['model.pt', 'model.onnx', 'preprocessor.json']) expect(existsSync(join(dir, 'ddp-model', file)), file).toBe(true);
  });
});
