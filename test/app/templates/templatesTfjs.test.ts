// Every template builds as a real TF.js model whose parameter count and output shape match
// analyzeGraph, and takes a training step on data shaped like its dataset binding.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { buildTfModel } from '../../../app/graph/buildModel.ts';
import { templates } from '../../../app/templates/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  tf.disposeVariables();
});

describe.each(templates.map((t) => [t.id, t] as const))('template %s in TF.js', (_id, template) => {
  it('builds with the parameter count and output shape of analyzeGraph and trains one step', async () => {
    const analysis = analyzeGraph(template.graph);
    const model = buildTfModel(template.graph, tf);
    expect(model.countParams()).toBe(analysis.totalParams);
    const outputShape = analysis.layers[analysis.outputs[0]].outputShape!;
    expect(model.outputs[0].shape).toEqual([null, ...outputShape]);

    const batch = 2;
    const inputShape = analysis.layers[analysis.inputs[0]].outputShape as number[];
    const text = template.dataset.text;
    const x = text
      ? tf.randomUniform([batch, ...inputShape], 0, text.vocabSize, 'int32')
      : tf.randomUniform([batch, ...inputShape]);
    const units = outputShape[outputShape.length - 1] as number;
    const y =
      template.dataset.task === 'regression' || template.dataset.task === 'reconstruction'
        ? tf.randomUniform([batch, units])
        : units === 1
          ? tf.tensor2d([[0], [1]])
          : tf.oneHot(tf.tensor1d([0, units - 1], 'int32'), units).toFloat();
    const loss =
      template.dataset.task === 'classification' ? (units === 1 ? 'binaryCrossentropy' : 'categoricalCrossentropy') : 'meanSquaredError';
    model.compile({ optimizer: tf.train.adam(template.training.optimizer.learningRate), loss });
    const value = (await model.trainOnBatch(x, y)) as number;
    expect(Number.isFinite(value)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });
});
