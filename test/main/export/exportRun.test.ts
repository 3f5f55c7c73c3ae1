// Export of a real trained run (iris MLP, cpu backend): the files load in plain TF.js and predict what
// the trained model predicts (exactly, or within the quantization's tolerance), the reported numbers
// match a recomputation, the Node example prints the right labels, and damaged exports fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../../main/data/load.ts';
import { exportRun, exportRunForApi, verifyExport, type ExportReport } from '../../../main/export/exportRun.ts';
import { folderLoadHandler } from '../../../main/model/modelFiles.ts';
import { loadTrainedModel } from '../../../main/model/predict.ts';
import { registerCustomLayers } from '../../../app/graph/buildModel.ts';
import { runCli, expectOneLine } from '../cli/cliHarness.ts';
import { runNodeExample, trainAndRecord, type TrainedRun } from './fixtures.ts';

let run: TrainedRun;
let testX: tf.Tensor;
let testY: Float32Array;
let studioOut: Float32Array;
const reports: Record<string, ExportReport> = {};

/** A loader written the way a user of the files would: plain TF.js APIs, nothing from Modelwright. */
function plainLoader(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers = await Promise.all(manifest.flatMap((g) => g.paths).map(async (p) => new Uint8Array(await readFile(join(dir, p))).buffer));
        return [manifest.flatMap((g) => g.weights), tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

async function predictions(dir: string): Promise<Float32Array> {
  const model = await tf.loadLayersModel(plainLoader(dir));
  const out = model.predict(testX) as tf.Tensor;
  const values = new Float32Array(await out.data());
  out.dispose();
  model.dispose();
  return values;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

function accuracy(outputs: Float32Array, labels: Float32Array): number {
  const k = outputs.length / labels.length;
  let right = 0;
  labels.forEach((label, i) => {
    const row = outputs.subarray(i * k, (i + 1) * k);
    if (row.indexOf(Math.max(...row)) === label) right++;
  });
  return right / labels.length;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers(tf);
  run = await trainAndRecord();
  // The test split as the trainer made it, recreated independently of the exporter.
  const detail = run.store.getRun(run.runId);
  const data = await loadDataset(detail.datasetBinding, { validationSplit: detail.config.validationSplit, testSplit: detail.config.testSplit, seed: detail.config.seed });
  testX = tf.tensor(data.test.x, [data.test.count, 4]);
  testY = data.test.y;
  const studio = await tf.loadLayersModel(folderLoadHandler(tf, run.modelDir));
  studioOut = new Float32Array(await (studio.predict(testX) as tf.Tensor).data());
  studio.dispose();
  for (const quantize of ['none', 'float16', 'uint8'] as const) {
    reports[quantize] = await exportRun({ store: run.store, runId: run.runId, outputDir: join(run.root, `export-${quantize}`), quantize, backend: 'cpu' });
  }
}, 120_000);

afterAll(async () => {
  testX?.dispose();
  await run?.cleanup();
});

describe('exportRun', () => {
  it('writes a TF.js layers model that plain tf.loadLayersModel loads and that predicts exactly what the trained model does', async () => {
    const report = reports.none;
    expect(report.verification.passed, report.verification.message).toBe(true);
    expect(report.verification.source).toBe('test-split');
    expect(report.verification.samples).toBe(testY.length);
    expect(report.files.map((f) => f.path).sort()).toEqual([
      'README.md', 'example-input.json', 'group1-shard1of1.bin', 'model.json', 'model.keras.json',
      'modelwright-preprocess.mjs', 'predict-browser.html', 'predict-node.mjs', 'verification.json',
    ]);
    const out = await predictions(report.dir);
    expect(maxDiff(out, studioOut)).toBeLessThanOrEqual(1e-6);
    expect(report.verification.maxAbsDiff).toBeLessThanOrEqual(1e-6);
    // The accuracy the exporter measured is the trainer's own test accuracy: the split was recreated exactly.
    const recorded = run.store.getRun(run.runId).test.accuracy;
    expect(report.verification.metric).toMatchObject({ name: 'accuracy', before: recorded, after: recorded, change: 0 });
    expect(accuracy(out, testY)).toBeCloseTo(recorded!, 10);
  });

  it('carries the preprocessing in userDefinedMetadata and writes the Keras topology of the same model', async () => {
    const dir = reports.none.dir;
    const exported = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const trained = JSON.parse(await readFile(join(run.modelDir, 'model.json'), 'utf8'));
    expect(exported.userDefinedMetadata.modelwright).toEqual(trained.userDefinedMetadata.modelwright);
    expect(exported.userDefinedMetadata.modelwright.preprocessor.target.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(exported.userDefinedMetadata.modelwrightExport).toMatchObject({ format: 'modelwright-export', version: 1, runId: run.runId, quantization: 'none' });
    const model = await tf.loadLayersModel(plainLoader(dir));
    expect(model.getUserDefinedMetadata()).toEqual(exported.userDefinedMetadata);
    const keras = JSON.parse(await readFile(join(dir, 'model.keras.json'), 'utf8'));
    expect(keras.class_name).toBe('Model');
    const rebuilt = await tf.models.modelFromJSON(keras);
    expect(rebuilt.countParams()).toBe(model.countParams());
    expect(rebuilt.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    rebuilt.dispose();
    model.dispose();
  });

  for (const [quantize, bytesPerWeight, tolerance] of [['float16', 2, 2e-2], ['uint8', 1, 1e-1]] as const) {
    it(`quantizes to ${quantize}: smaller files, TF.js dequantizes on load, reported numbers match a recomputation`, async () => {
      const report = reports[quantize];
      expect(report.verification.passed, report.verification.message).toBe(true);
      const plainSize = (await stat(join(reports.none.dir, 'group1-shard1of1.bin'))).size;
      expect((await stat(join(report.dir, 'group1-shard1of1.bin'))).size).toBe((plainSize / 4) * bytesPerWeight);
      const manifest = JSON.parse(await readFile(join(report.dir, 'model.json'), 'utf8')).weightsManifest[0].weights;
      expect(manifest.every((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === quantize)).toBe(true);

      const out = await predictions(report.dir);
      const diff = maxDiff(out, studioOut);
      expect(diff).toBeGreaterThan(0);
      expect(diff).toBeLessThanOrEqual(tolerance);
      expect(report.verification.maxAbsDiff).toBeCloseTo(diff, 6);
      const before = accuracy(studioOut, testY);
      const after = accuracy(out, testY);
      expect(report.verification.metric!.before).toBeCloseTo(before, 10);
      expect(report.verification.metric!.after).toBeCloseTo(after, 10);
      expect(report.verification.metric!.change).toBeCloseTo(after - before, 10);
      // Shown before saving: what the written files then really do.
      expect(report.preview.metric).toEqual(report.verification.metric);
      expect(report.preview.maxAbsDiff).toBeCloseTo(diff, 6);
    });
  }

  it('records each export with its run in the history', () => {
    const artifacts = run.store.getRun(run.runId).artifacts.filter((a) => a.kind === 'export');
    expect(artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(Object.values(reports).map((r) => r.dir)));
  });

  it('the generated Node example, run as a child process, prints the trained model\'s labels for raw rows', async () => {
    const dir = reports.none.dir;
    const lines = await runNodeExample(run, dir);
    const inputs = JSON.parse(await readFile(join(dir, 'example-input.json'), 'utf8'));
    expect(inputs.length).toBe(3);
    expect(Object.keys(inputs[0])).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    const studio = await loadTrainedModel(run.modelDir, { backend: 'cpu' });
    const expected = await studio.predict(inputs);
    studio.dispose();
    expect(lines.map((l) => l.label)).toEqual(expected.map((p) => (p.kind === 'classification' ? p.label : null)));
    lines.forEach((line, i) => {
      const p = expected[i];
      if (p.kind !== 'classification') throw new Error('expected a classification');
      for (const [label, prob] of Object.entries(p.probabilities)) expect(line.probabilities[label]).toBeCloseTo(prob, 5);
    });
  });

  it('a damaged export fails verification: truncated weights are refused, altered weights do not reproduce the model', async () => {
    const intact = join(run.root, 'copy-intact');
    await cp(reports.none.dir, intact, { recursive: true });
    expect((await verifyExport({ store: run.store, runId: run.runId, dir: intact, backend: 'cpu' })).passed).toBe(true);

    const truncated = join(run.root, 'copy-truncated');
    await cp(reports.none.dir, truncated, { recursive: true });
    const shard = join(truncated, 'group1-shard1of1.bin');
    await truncate(shard, (await stat(shard)).size - 8);
    const cut = await verifyExport({ store: run.store, runId: run.runId, dir: truncated, backend: 'cpu' });
    expect(cut.passed).toBe(false);
    expect(cut.message).toMatch(/^FAILED: the exported files cannot be loaded again: .*too short.*"output\/bias"/);

    const altered = join(run.root, 'copy-altered');
    await cp(reports.uint8.dir, altered, { recursive: true });
    const bytes = await readFile(join(altered, 'group1-shard1of1.bin'));
    bytes[5] ^= 0x40;
    await writeFile(join(altered, 'group1-shard1of1.bin'), bytes);
    const changed = await verifyExport({ store: run.store, runId: run.runId, dir: altered, backend: 'cpu' });
    expect(changed.passed).toBe(false);
    expect(changed.message).toMatch(/do not reproduce the weights that were written/);
  });

  it('replaces an earlier export in place, removing its stale shards, and refuses other non-empty folders', async () => {
    const dir = join(run.root, 'export-reused');
    const many = await exportRun({ store: run.store, runId: run.runId, outputDir: dir, backend: 'cpu', shardBytes: 64, record: false });
    expect(many.verification.passed).toBe(true);
    expect(many.files.filter((f) => f.path.endsWith('.bin')).length).toBeGreaterThan(2);
    const again = await exportRun({ store: run.store, runId: run.runId, outputDir: dir, backend: 'cpu', record: false });
    expect(again.verification.passed).toBe(true);
    expect((await readdir(dir)).filter((n) => n.endsWith('.bin'))).toEqual(['group1-shard1of1.bin']);
    await expect(exportRun({ store: run.store, runId: run.runId, outputDir: run.root, backend: 'cpu' })).rejects.toThrow(/is not empty and does not hold an earlier Modelwright export/);
  });

  it('without the run\'s data it still verifies, on random inputs, and says the accuracy change is not measured', async () => {
    const detail = run.store.getRun(run.runId);
    const id = run.store.createRun({ name: 'no data', graph: detail.graph, config: detail.config, backend: 'cpu' });
    run.store.finishRun(id, 'completed', { artifacts: [{ kind: 'model', path: run.modelDir, owned: false }] });
    const report = await exportRun({ store: run.store, runId: id, outputDir: join(run.root, 'export-nodata'), backend: 'cpu', quantize: 'float16' });
    expect(report.verification.passed).toBe(true);
    expect(report.verification.source).toBe('synthetic');
    expect(report.verification.metric).toBeNull();
    expect(report.verification.notes.join(' ')).toMatch(/random inputs instead of the test split: the run records no dataset/);
  });
});

describe('exportRunForApi (the export service\'s model())', () => {
  it('writes beside the run\'s model by default, never over an unrelated folder, and reports the verification', async () => {
    const first = await exportRunForApi(run.store, run.runId, { quantize: 'float16' }, { backend: 'cpu' });
    expect(first.dir).toBe(`${run.modelDir}-export`);
    expect(first.verification).toMatchObject({ passed: true, samples: testY.length });
    expect(first.files.map((f) => f.path)).toContain('model.json');
    const keras = await exportRunForApi(run.store, run.runId, { format: 'keras-json' }, { backend: 'cpu' });
    expect(keras.dir).toBe(`${run.modelDir}-export-2`);
    expect(keras.verification).toBeNull();
    expect(JSON.parse(await readFile(join(keras.dir, 'model.keras.json'), 'utf8')).class_name).toBe('Model');
  });
});

describe('modelwright export --run', () => {
  it('prints the verification and exits 0; --json gives the report', async () => {
    const db = join(run.root, 'history.db');
    const human = await runCli(['export', '--run', String(run.runId), '--format', 'tfjs', '--quantize', 'float16', '-o', join(run.root, 'cli-f16'), '--db', db, '--backend', 'cpu']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toMatch(/float16 weights, measured before writing on 30 test rows: accuracy/);
    expect(human.stdout).toMatch(/Verification PASSED/);
    expect(human.stdout).toMatch(/largest prediction difference from the trained model: /);
    const json = await runCli(['export', '--run', String(run.runId), '--format', 'tfjs', '-o', join(run.root, 'cli-json'), '--db', db, '--backend', 'cpu', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as ExportReport;
    expect(report.verification.passed).toBe(true);
    expect(report.verification.maxAbsDiff).toBeLessThanOrEqual(1e-6);
  });

  it('an export that does not reproduce its model within the tolerance is FAILED: exit 1, recorded as export-failed', async () => {
    const db = join(run.root, 'history.db');
    const dir = join(run.root, 'cli-strict');
    const result = await runCli(['export', '--run', String(run.runId), '--format', 'tfjs', '--quantize', 'uint8', '--tolerance', '1e-9', '-o', dir, '--db', db, '--backend', 'cpu']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/Verification FAILED: the export's predictions differ from the trained model's by up to/);
    expect(run.store.getRun(run.runId).artifacts.find((a) => a.path === dir)?.kind).toBe('export-failed');
  });

  it('bad requests end with one line and exit 2', async () => {
    const db = join(run.root, 'history.db');
    const base = ['export', '--run', String(run.runId), '--db', db];
    const cases: [string[], RegExp][] = [
      [[...base, '--format', 'tfjs'], /needs -o DIR/],
      [[...base, '--format', 'tfjs', '--quantize', 'int4', '-o', join(run.root, 'x')], /--quantize must be float16 or uint8/],
      [[...base, '--format', 'js', '-o', join(run.root, 'x')], /--format tfjs or onnx, not "js"/],
      [[...base, '-o', join(run.root, 'x')], /needs --format tfjs/],
      [['export', '--run', '999', '--db', db, '--format', 'tfjs', '-o', join(run.root, 'x')], /there is no run 999/],
      [['export', '--run', 'abc', '--db', db, '--format', 'tfjs', '-o', join(run.root, 'x')], /not a run id/],
      [[...base, '--format', 'tfjs', '-o', run.root], /is not empty/],
    ];
    for (const [args, pattern] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(expectOneLine(result.stderr)).toMatch(pattern);
    }
  });
});
