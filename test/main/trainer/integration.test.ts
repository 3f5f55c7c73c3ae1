// The trainer process with the real graph builder and data pipeline: a studio graph trained on built-in data.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTraining } from '../../../main/trainer/supervisor.ts';
import type { Graph, LayerNode } from '../../../app/graph/types.ts';
import { getTemplate } from '../../../app/templates/index.ts';
import type { ClassificationEvaluation, RegressionEvaluation } from '../../../app/training/evaluate.ts';

function mlp(inputs: number, hidden: number, units: number, activation: string): Graph {
  const layers: LayerNode[] = [
    { id: 'in', type: 'Input', name: 'features', params: { shape: [inputs] } },
    { id: 'h', type: 'Dense', name: 'hidden', params: { units: hidden, activation: 'relu' } },
    { id: 'out', type: 'Dense', name: 'output', params: { units, activation } },
  ];
  return { layers, connections: [{ from: 'in', to: 'h', toSlot: 0 }, { from: 'h', to: 'out', toSlot: 0 }] };
}

describe('trainer with graph and built-in data', () => {
  it('trains a graph on builtin:iris and saves the model with its preprocessing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mw-iris-'));
    try {
      const result = await startTraining({
        model: { kind: 'graph', graph: mlp(4, 16, 3, 'softmax') },
        data: { kind: 'binding', binding: { source: 'builtin:iris', target: 'species' } },
        config: { backend: 'cpu', epochs: 40, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.02 } },
        outputDir: dir,
      }).done;
      expect(result.status, result.message).toBe('completed');
      const evaluation = result.test!.evaluation as ClassificationEvaluation;
      expect(evaluation.classes).toEqual(['setosa', 'versicolor', 'virginica']);
      expect(evaluation.count).toBe(30);
      expect(evaluation.accuracy).toBeGreaterThan(0.85);
      // Every test row is kept one by one, described in raw units, consistent with the confusion matrix.
      expect(evaluation.samples).toHaveLength(30);
      expect(evaluation.samples![0].text).toMatch(/^sepal_length=[\d.]+, sepal_width=[\d.]+, petal_length=[\d.]+, petal_width=[\d.]+$/);
      const cell = (a: number, p: number) => evaluation.samples!.filter((s) => s.actual === a && s.predicted === p).length;
      evaluation.confusion.forEach((row, a) => row.forEach((n, p) => expect(cell(a, p)).toBe(n)));
      const meta = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).userDefinedMetadata.modelwright;
      expect(meta.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
      expect(meta.preprocessor).toMatchObject({ format: 'modelwright-preprocessor', kind: 'table', task: 'classification' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports regression errors in the target\'s own units (builtin:housing prices; 7 columns, one categorical with 4 values → 11 inputs)', async () => {
    const result = await startTraining({
      model: { kind: 'graph', graph: mlp(11, 32, 1, 'linear') },
      data: { kind: 'binding', binding: { source: 'builtin:housing', target: 'price', task: 'regression' } },
      config: { backend: 'cpu', epochs: 30, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'huber' },
    }).done;
    expect(result.status, result.message).toBe('completed');
    expect(result.loss).toBe('huber');
    const evaluation = result.test!.evaluation as RegressionEvaluation;
    expect(evaluation.count).toBe(80);
    expect(evaluation.r2).toBeGreaterThan(0.5);
    // Prices are in the hundreds of thousands, not standardized units around 0.
    const meanActual = evaluation.pairs.reduce((a, [actual]) => a + actual!, 0) / evaluation.pairs.length;
    expect(meanActual).toBeGreaterThan(10_000);
    expect(evaluation.mae).toBeGreaterThan(100);
  });

  it('trains the autoencoder template: the targets are the images, shaped like the model\'s 784-unit output', async () => {
    const template = getTemplate('autoencoder')!;
    const result = await startTraining({
      model: { kind: 'graph', graph: template.graph },
      data: { kind: 'binding', binding: template.dataset },
      config: { ...template.training, backend: 'wasm', epochs: 2 },
    }).done;
    expect(result.status, result.message).toBe('completed');
    const loss = result.history.loss as number[];
    expect(loss[1]).toBeLessThan(loss[0]);
    const evaluation = result.test!.evaluation as RegressionEvaluation;
    expect(evaluation.task).toBe('regression');
    // 300 test images × 784 pixels compared one by one.
    expect(evaluation.count).toBe(300 * 784);
  });

  it('a dilated convolution, which TF.js cannot train, fails before training with the fix', async () => {
    const graph: Graph = {
      layers: [
        { id: 'in', type: 'Input', name: 'features', params: { shape: [4, 1] } },
        { id: 'c', type: 'Conv1D', name: 'wide_conv', params: { filters: 2, kernelSize: 2, dilationRate: 2 } },
        { id: 'f', type: 'Flatten', name: 'flat', params: {} },
        { id: 'out', type: 'Dense', name: 'output', params: { units: 3, activation: 'softmax' } },
      ],
      connections: [{ from: 'in', to: 'c', toSlot: 0 }, { from: 'c', to: 'f', toSlot: 0 }, { from: 'f', to: 'out', toSlot: 0 }],
    };
    const result = await startTraining({
      model: { kind: 'graph', graph },
      data: { kind: 'binding', binding: { source: 'builtin:iris', target: 'species' } },
      config: { backend: 'cpu', epochs: 1 },
    }).done;
    expect(result.status).toBe('failed');
    expect(result.message).toBe('Conv1D "wide_conv" has a dilation rate above 1, which TensorFlow.js cannot train');
    expect(result.advice).toMatch(/set its dilation rate to 1/);
  });

  it('a graph whose Input does not match the data fails with what to change', async () => {
    const result = await startTraining({
      model: { kind: 'graph', graph: mlp(5, 8, 3, 'softmax') },
      data: { kind: 'binding', binding: { source: 'builtin:iris', target: 'species' } },
      config: { backend: 'cpu', epochs: 1 },
    }).done;
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/^the Input layer "\w+" has shape \[5\] but each row has 4 input values after encoding$/);
    expect(result.advice).toBe('set the Input shape to [4]');
  });
});
