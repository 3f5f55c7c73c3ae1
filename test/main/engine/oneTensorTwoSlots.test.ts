// One tensor connected into two input slots of one layer (Add(x, x), Concatenate(x, x), Multiply(x, x),
// attention with query = key) while another layer also reads it. tfjs-layers' inference executor counts a
// tensor's readers by layer but counts them down by input slot, so it disposed the tensor before its last
// reader ran: "Tensor is disposed" in validation, predict, evaluate and in a reloaded export. The model
// builder gives every repeated slot its own pass-through copy; these models train on wasm with
// validation, predict, evaluate, reload with the same predictions, and compute what the graph says.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildTfModel } from '../../../app/graph/buildModel.ts';
import { functional } from '../../../app/templates/types.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { loadBackend } from '../../../main/engine/backends.ts';
import { randomData, relativeMaxDiff } from './parityHelpers.ts';

const dense = (id: string, units: number, inputs?: string[]) => ({ id, type: 'Dense', name: id, params: { units, activation: 'tanh' }, ...(inputs ? { inputs } : {}) });
const input = { id: 'input', type: 'Input', name: 'features', params: { shape: [5] } };

const graphs: Record<string, Graph> = {
  // h → Add(h, h) → Add(h, doubled): h has two reading layers, one of them reads it twice.
  'Add(x, x) beside another reader': functional([input, dense('h', 4),
    { id: 'doubled', type: 'Add', name: 'doubled', inputs: ['h', 'h'] },
    { id: 'tripled', type: 'Add', name: 'tripled', inputs: ['h', 'doubled'] },
    { ...dense('output', 3, ['tripled']), params: { units: 3, activation: 'softmax' } }]),
  'Concatenate(x, x) beside another reader': functional([input, dense('h', 4),
    { id: 'pair', type: 'Concatenate', name: 'pair', inputs: ['h', 'h'] },
    { id: 'three', type: 'Concatenate', name: 'three', inputs: ['pair', 'h'] },
    { ...dense('output', 3, ['three']), params: { units: 3, activation: 'softmax' } }]),
  'Multiply(x, x) beside another reader': functional([input, dense('h', 4),
    { id: 'squared', type: 'Multiply', name: 'squared', inputs: ['h', 'h'] },
    { id: 'sum', type: 'Add', name: 'sum', inputs: ['squared', 'h'] },
    { ...dense('output', 3, ['sum']), params: { units: 3, activation: 'softmax' } }]),
  'attention with query = key, another value, beside a residual': functional([
    { id: 'input', type: 'Input', name: 'steps', params: { shape: [6, 5] } },
    dense('h', 4), dense('v', 4, ['input']),
    { id: 'attention', type: 'MultiHeadAttention', name: 'attention', params: { numHeads: 2, keyDim: 2 }, inputs: ['h', 'v', 'h'] },
    { id: 'residual', type: 'Add', name: 'residual', inputs: ['h', 'attention'] },
    { id: 'pool', type: 'GlobalAveragePooling1D', name: 'pool' },
    { ...dense('output', 3, ['pool']), params: { units: 3, activation: 'softmax' } }]),
};

function data(graph: Graph, batch: number) {
  const shape = (graph.layers[0].params.shape as number[]);
  const x = tf.tensor(randomData([batch, ...shape], 41).values, [batch, ...shape]);
  const labels = Array.from(randomData([batch], 42).values, (v) => Math.floor(((v + 1) / 2) * 3));
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat();
  return { x, y };
}

beforeAll(async () => {
  await loadBackend('wasm');
});

describe('one tensor in two input slots of a layer, read by another layer too', () => {
  it.each(Object.entries(graphs))('%s: trains on wasm with validation, predicts, evaluates, reloads with the same predictions', async (_, graph) => {
    await tf.setBackend('wasm');
    const model = buildTfModel(graph, tf);
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
    const { x, y } = data(graph, 32);
    const history = await model.fit(x, y, { epochs: 6, batchSize: 8, validationSplit: 0.25, verbose: 0, shuffle: false });
    expect((history.history.val_loss as number[]).every(Number.isFinite)).toBe(true);
    const predicted = model.predict(x) as tf.Tensor;
    expect(predicted.shape).toEqual([32, 3]);
    const evaluated = model.evaluate(x, y) as tf.Scalar;
    expect(Number.isFinite((await evaluated.data())[0])).toBe(true);
    // The export path: save as a TF.js layers model, load it back, same predictions.
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const again = reloaded.predict(x) as tf.Tensor;
    expect(relativeMaxDiff(await again.data(), await predicted.data())).toBeLessThan(1e-6);
    // Still the user's layers: the copies have no weights and the same output.
    expect(reloaded.countParams()).toBe(model.countParams());
    tf.dispose([x, y, predicted, evaluated, again]);
    model.dispose();
    reloaded.dispose();
  });

  it('Add(x, x) computes 2x and Multiply(x, x) computes x²', async () => {
    await tf.setBackend('wasm');
    const graph = functional([input,
      { id: 'doubled', type: 'Add', name: 'doubled', inputs: ['input', 'input'] },
      { id: 'squared', type: 'Multiply', name: 'squared', inputs: ['input', 'input'] },
      { id: 'both', type: 'Concatenate', name: 'both', inputs: ['doubled', 'squared', 'input'] }]);
    const model = buildTfModel(graph, tf);
    const x = tf.tensor2d([[1, -2, 3, 0.5, 4]]);
    const out = Array.from(await (model.predict(x) as tf.Tensor).data());
    expect(out).toEqual([2, -4, 6, 1, 8, 1, 4, 9, 0.25, 16, 1, -2, 3, 0.5, 4]);
    model.dispose();
    x.dispose();
  });
});
