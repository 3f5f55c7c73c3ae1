// ONNX export of real trained runs: the iris MLP, a branching model and the intent template's text CNN
// are trained by the real trainer, exported, and ONNX Runtime must reproduce the studio model on the
// test split within 1e-4; the Node example labels raw inputs like the studio; Debian's checker accepts
// the file; a damaged file is FAILED; the CLI prints the result, and refuses what ONNX cannot express.
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intentClassifier } from '../../../../app/templates/intentClassifier.ts';
import { functional, sequential } from '../../../../app/templates/types.ts';
import { decodeModel } from '../../../../main/export/onnx/builder.ts';
import { exportOnnx, verifyOnnxExport, type OnnxExportReport } from '../../../../main/export/onnx/exportOnnx.ts';
import { loadTrainedModel } from '../../../../main/model/predict.ts';
import { pythonWith } from '../../../app/codegen/fixtures.ts';
import { expectOneLine, runCli } from '../../cli/cliHarness.ts';
import { trainAndRecord, type TrainedRun } from '../fixtures.ts';
import { execFile } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const runs: TrainedRun[] = [];
let iris: TrainedRun;
let report: OnnxExportReport;
const onnxPython = pythonWith(['onnx']);
if (!onnxPython) console.warn('[onnx] the python3-onnx checker test is skipped: no python3 with the onnx module (apt-get install python3-onnx)');

beforeAll(async () => {
  iris = await trainAndRecord();
  runs.push(iris);
  report = await exportOnnx({ store: iris.store, runId: iris.runId, outputDir: join(iris.root, 'onnx'), backend: 'cpu' });
}, 120_000);

afterAll(async () => {
  for (const r of runs) await r.cleanup();
});

function checkWithDebianOnnx(file: string): { ok: boolean; error?: string } {
  const r = spawnSync(onnxPython!, [new URL('./checkOnnx.py', import.meta.url).pathname, file], { encoding: 'utf8' });
  return JSON.parse(r.stdout.trim());
}

async function runOnnxExample(run: TrainedRun, dir: string, inputFile: string): Promise<Record<string, any>[]> {
  await symlink(fileURLToPath(new URL('../../../../node_modules', import.meta.url)), join(run.root, 'node_modules')).catch(() => {});
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [join(dir, 'predict-onnx.mjs'), inputFile], { cwd: run.root }, (err, out, errText) => (err ? reject(new Error(`${err.message}\n${errText}`)) : resolve(out)));
  });
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

describe('ONNX export of a trained iris MLP', () => {
  it('is verified by ONNX Runtime on the run\'s test split within 1e-4, with the trained accuracy', () => {
    const v = report.verification;
    expect(v.passed, v.message).toBe(true);
    expect(v.source).toBe('test-split');
    expect(v.samples).toBe(30);
    expect(v.maxAbsDiff!).toBeLessThanOrEqual(1e-4);
    expect(v.metric!.name).toBe('accuracy');
    expect(v.metric!.before).toBeCloseTo(iris.store.getRun(iris.runId).test.accuracy!, 10);
    expect(v.metric!.after).toBe(v.metric!.before);
    expect(report.files.map((f) => f.path).sort()).toEqual(['README.md', 'example-input.json', 'model.onnx', 'modelwright-preprocess.mjs', 'predict-onnx.mjs', 'preprocessing.json', 'verification.json']);
    expect(iris.store.getRun(iris.runId).artifacts.some((a) => a.kind === 'export' && a.path === report.dir)).toBe(true);
  });

  it('writes the preprocessed-feature input and the model output, with the preprocessing beside it and inside', async () => {
    const info = JSON.parse(await readFile(join(report.dir, 'preprocessing.json'), 'utf8'));
    expect(info.input).toEqual({ name: 'features', dtype: 'float32', shape: ['batch', 4] });
    expect(info.output).toEqual({ name: 'output', dtype: 'float32', shape: ['batch', 3] });
    const saved = JSON.parse(await readFile(join(iris.modelDir, 'model.json'), 'utf8')).userDefinedMetadata.modelwright;
    expect(info.modelwright).toEqual(saved);
    const model = decodeModel(new Uint8Array(await readFile(join(report.dir, 'model.onnx'))));
    expect(Number(model.irVersion)).toBe(8);
    expect(model.producerName).toBe('Modelwright');
    expect(JSON.parse(model.metadataProps.find((p) => p.key === 'modelwright')!.value!)).toEqual(saved);
  });

  it('its Node example labels raw rows with ONNX Runtime exactly as the studio model does', async () => {
    const rows = [
      { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
      { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
      { sepal_length: '5,9', sepal_width: 3.0, petal_length: 4.2, petal_width: 1.5 },
    ];
    const file = join(iris.root, 'rows.json');
    await writeFile(file, JSON.stringify(rows));
    const lines = await runOnnxExample(iris, report.dir, file);
    const studio = await loadTrainedModel(iris.modelDir, { backend: 'cpu' });
    const expected = await studio.predict(rows);
    studio.dispose();
    expect(lines.map((l) => l.label)).toEqual(expected.map((p) => (p.kind === 'classification' ? p.label : null)));
    lines.forEach((l, i) => {
      const p = expected[i];
      if (p.kind !== 'classification') throw new Error('expected a classification');
      for (const [label, prob] of Object.entries(p.probabilities)) expect(l.probabilities[label]).toBeCloseTo(prob, 4);
    });
  });

  it.skipIf(!onnxPython)('passes Debian\'s python3-onnx checker', () => {
    expect(checkWithDebianOnnx(join(report.dir, 'model.onnx'))).toMatchObject({ ok: true });
  });

  it('a damaged model.onnx (one weight changed) is FAILED on re-verification', async () => {
    const dir = join(iris.root, 'onnx');
    const bytes = await readFile(join(dir, 'model.onnx'));
    const model = decodeModel(new Uint8Array(bytes));
    const kernel = model.graph!.initializer!.find((t) => t.name!.endsWith('/kernel'))!;
    const values = new Float32Array(kernel.rawData!.slice().buffer);
    values[0] += 0.5;
    kernel.rawData = new Uint8Array(values.buffer);
    const { default: proto } = await import('onnx-proto');
    await writeFile(join(dir, 'model.onnx'), proto.onnx.ModelProto.encode(model).finish());
    const v = await verifyOnnxExport({ store: iris.store, runId: iris.runId, dir, backend: 'cpu' });
    expect(v.passed).toBe(false);
    expect(v.message).toMatch(/^FAILED: ONNX Runtime's predictions differ from the trained model's by up to [\d.e-]+ on 30 test rows/);
  });

  it('the CLI exports and verifies (exit 0), refuses --quantize and a non-export folder (exit 2)', async () => {
    const db = join(iris.root, 'history.db');
    iris.store.close();
    try {
      const ok = await runCli(['export', '--run', String(iris.runId), '--format', 'onnx', '-o', join(iris.root, 'cli-onnx'), '--db', db, '--backend', 'cpu']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/Wrote .*cli-onnx \(ONNX opset 17, 7 files/);
      expect(ok.stdout).toMatch(/Verification PASSED: ONNX Runtime reproduces the trained model on 30 test rows/);
      const again = await runCli(['export', '--run', String(iris.runId), '--format', 'onnx', '-o', join(iris.root, 'cli-onnx'), '--db', db, '--backend', 'cpu', '--json']);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).verification.passed).toBe(true);
      const q = await runCli(['export', '--run', String(iris.runId), '--format', 'onnx', '--quantize', 'uint8', '-o', join(iris.root, 'q'), '--db', db]);
      expect(q.code).toBe(2);
      expect(expectOneLine(q.stderr)).toMatch(/--quantize applies to --format tfjs only/);
      const notEmpty = await runCli(['export', '--run', String(iris.runId), '--format', 'onnx', '-o', iris.root, '--db', db]);
      expect(notEmpty.code).toBe(2);
      expect(expectOneLine(notEmpty.stderr)).toMatch(/is not empty and does not hold an earlier Modelwright export/);
    } finally {
      const { openStore } = await import('../../../../main/store/experimentStore.ts');
      iris.store = openStore(db);
    }
  }, 120_000);
});

describe('ONNX parity on other trained models', () => {
  it('a branching model (Subtract, Concatenate, BatchNormalization) trained on iris', async () => {
    const graph = functional([
      { id: 'in', type: 'Input', name: 'features', params: { shape: [4] } },
      { id: 'a', type: 'Dense', name: 'left', params: { units: 8, activation: 'relu' }, inputs: ['in'] },
      { id: 'b', type: 'Dense', name: 'right', params: { units: 8, activation: 'tanh' }, inputs: ['in'] },
      { id: 'bn', type: 'BatchNormalization', name: 'norm', params: {}, inputs: ['b'] },
      { id: 'diff', type: 'Subtract', name: 'difference', params: {}, inputs: ['a', 'bn'] },
      { id: 'cat', type: 'Concatenate', name: 'both', params: {}, inputs: ['diff', 'a'] },
      { id: 'out', type: 'Dense', name: 'species', params: { units: 3, activation: 'softmax' }, inputs: ['cat'] },
    ]);
    const run = await trainAndRecord({ graph, epochs: 3 });
    runs.push(run);
    const r = await exportOnnx({ store: run.store, runId: run.runId, outputDir: join(run.root, 'onnx'), backend: 'cpu' });
    expect(r.verification.passed, r.verification.message).toBe(true);
    expect(r.verification.maxAbsDiff!).toBeLessThanOrEqual(1e-4);
  }, 120_000);

  it('the intent template\'s text CNN (int32 token ids, Embedding, Conv1D, global max pooling)', async () => {
    const run = await trainAndRecord({ graph: intentClassifier.graph, binding: intentClassifier.dataset!, epochs: 1, learningRate: 0.005, backend: 'wasm' });
    runs.push(run);
    const r = await exportOnnx({ store: run.store, runId: run.runId, outputDir: join(run.root, 'onnx'), backend: 'wasm' });
    expect(r.verification.passed, r.verification.message).toBe(true);
    expect(r.verification.source).toBe('test-split');
    expect(r.verification.maxAbsDiff!).toBeLessThanOrEqual(1e-4);
    const info = JSON.parse(await readFile(join(r.dir, 'preprocessing.json'), 'utf8'));
    expect(info.input.dtype).toBe('int32');
    const sentences = ['where is my order?', 'I want to complain about the delivery'];
    const file = join(run.root, 'sentences.json');
    await writeFile(file, JSON.stringify(sentences));
    const lines = await runOnnxExample(run, r.dir, file);
    const studio = await loadTrainedModel(run.modelDir, { backend: 'wasm' });
    const expected = await studio.predict(sentences);
    studio.dispose();
    expect(lines.map((l) => l.label)).toEqual(expected.map((p) => (p.kind === 'classification' ? p.label : null)));
    if (onnxPython) expect(checkWithDebianOnnx(join(r.dir, 'model.onnx'))).toMatchObject({ ok: true });
  }, 180_000);

  it('the CLI refuses a layer ONNX cannot express with one line and exit 1', async () => {
    const graph = sequential([
      { id: 'in', type: 'Input', name: 'features', params: { shape: [4] } },
      { id: 'r', type: 'Reshape', name: 'steps', params: { targetShape: [4, 1] } },
      { id: 'rnn', type: 'SimpleRNN', name: 'memory', params: { units: 4, activation: 'gelu' } },
      { id: 'out', type: 'Dense', name: 'species', params: { units: 3, activation: 'softmax' } },
    ]);
    const run = await trainAndRecord({ graph, epochs: 1 });
    runs.push(run);
    run.store.close();
    const result = await runCli(['export', '--run', String(run.runId), '--format', 'onnx', '-o', join(run.root, 'onnx'), '--db', join(run.root, 'history.db'), '--backend', 'cpu']);
    expect(result.code).toBe(1);
    expect(expectOneLine(result.stderr)).toMatch(/layer "memory" \(SimpleRNN\) cannot be exported to ONNX: ONNX recurrent operators have no "gelu" activation; use tanh, /);
    const { openStore } = await import('../../../../main/store/experimentStore.ts');
    run.store = openStore(join(run.root, 'history.db'));
  }, 120_000);
});
