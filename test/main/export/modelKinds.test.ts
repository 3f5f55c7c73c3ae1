// Export beyond the iris MLP: a text model (tokenizer in the metadata, int32 input), a regression model
// (metric in the target's units) and a graph with the studio's own Subtract layer, each trained for real.
import { afterAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportRun } from '../../../main/export/exportRun.ts';
import { loadTrainedModel } from '../../../main/model/predict.ts';
import { intentClassifier } from '../../../app/templates/intentClassifier.ts';
import { regression } from '../../../app/templates/regression.ts';
import { functional } from '../../../app/templates/types.ts';
import { runNodeExample, smallTextGraph, trainAndRecord, type TrainedRun } from './fixtures.ts';

const runs: TrainedRun[] = [];
afterAll(async () => {
  for (const r of runs) await r.cleanup();
});

async function studioLabels(run: TrainedRun, inputs: unknown[]): Promise<(string | number)[]> {
  const model = await loadTrainedModel(run.modelDir, { backend: 'cpu' });
  try {
    return (await model.predict(inputs as never)).map((p) => (p.kind === 'classification' ? p.label : p.kind === 'regression' ? p.value : NaN));
  } finally {
    model.dispose();
  }
}

describe('exporting other kinds of models', () => {
  it('a text classifier: uint8 export verifies, and the exported Node example labels raw sentences like the studio', async () => {
    // A small embedding model on the intent template's data: the tokenizer path is what matters here,
    // and the wasm backend trains embeddings in seconds where the cpu backend takes minutes.
    const graph = smallTextGraph();
    const run = await trainAndRecord({ graph, binding: intentClassifier.dataset!, epochs: 2, learningRate: 0.01, backend: 'wasm' });
    runs.push(run);
    const report = await exportRun({ store: run.store, runId: run.runId, outputDir: join(run.root, 'text-export'), quantize: 'uint8', backend: 'cpu' });
    expect(report.verification.passed, report.verification.message).toBe(true);
    expect(report.verification.metric!.before).toBeCloseTo(run.store.getRun(run.runId).test.accuracy!, 10);
    const sentences = ['where is my parcel, it has not arrived', 'I want to speak to a manager about this terrible service', 'what time do you open on sunday?', 'Ünïcödé 注文 📦 words the model never saw'];
    const inputFile = join(run.root, 'sentences.json');
    await writeFile(inputFile, JSON.stringify(sentences));
    // Labels are compared on the exact (unquantized) export: a uint8 model may flip a near-tie.
    const exact = await exportRun({ store: run.store, runId: run.runId, outputDir: join(run.root, 'text-exact'), backend: 'cpu' });
    expect(exact.verification.maxAbsDiff).toBeLessThanOrEqual(1e-6);
    const lines = await runNodeExample(run, exact.dir, inputFile);
    expect(lines.map((l) => l.input)).toEqual(sentences);
    const expected = await studioLabels(run, sentences);
    expect(lines.map((l) => l.label)).toEqual(expected);
    // The example inputs are sentences rebuilt from the test rows' token ids.
    const examples = JSON.parse(await readFile(join(exact.dir, 'example-input.json'), 'utf8'));
    expect(examples.every((e: unknown) => typeof e === 'string' && e.length > 0)).toBe(true);
  }, 120_000);

  it('a regression model: the metric is the mean absolute error in the target\'s units, equal to the trainer\'s', async () => {
    const run = await trainAndRecord({ graph: regression.graph, binding: regression.dataset!, epochs: 3, learningRate: 0.01 });
    runs.push(run);
    const report = await exportRun({ store: run.store, runId: run.runId, outputDir: join(run.root, 'reg-export'), quantize: 'float16', backend: 'cpu' });
    expect(report.verification.passed, report.verification.message).toBe(true);
    expect(report.verification.metric!.name).toBe('mae');
    expect(report.verification.metric!.before).toBeCloseTo(run.store.getRun(run.runId).test.mae!, 6);
    const lines = await runNodeExample(run, report.dir);
    const inputs = lines.map((l) => l.input);
    const expected = await studioLabels(run, inputs) as number[];
    lines.forEach((l, i) => expect(Math.abs(l.value - expected[i])).toBeLessThanOrEqual(Math.abs(expected[i]) * 0.01 + 1));
  }, 120_000);

  it('a graph using the studio\'s Subtract layer loads in plain TF.js through registerModelwrightLayers', async () => {
    const graph = functional([
      { id: 'in', type: 'Input', name: 'features', params: { shape: [4] } },
      { id: 'a', type: 'Dense', name: 'left', params: { units: 8, activation: 'relu' }, inputs: ['in'] },
      { id: 'b', type: 'Dense', name: 'right', params: { units: 8, activation: 'relu' }, inputs: ['in'] },
      { id: 'd', type: 'Subtract', name: 'difference', inputs: ['a', 'b'] },
      { id: 'out', type: 'Dense', name: 'species', params: { units: 3, activation: 'softmax' }, inputs: ['d'] },
    ]);
    const run = await trainAndRecord({ graph });
    runs.push(run);
    const report = await exportRun({ store: run.store, runId: run.runId, outputDir: join(run.root, 'sub-export'), backend: 'cpu' });
    expect(report.verification.passed, report.verification.message).toBe(true);
    const lines = await runNodeExample(run, report.dir);
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.label)).toEqual(await studioLabels(run, lines.map((l) => l.input)));
  }, 120_000);
});
