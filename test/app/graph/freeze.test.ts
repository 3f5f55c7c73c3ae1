// Frozen layers (issue 16): `trainable: false` on a layer (or a block) counts its weights as
// non-trainable, builds a TF.js layer the optimizer leaves alone (its weights are bit-identical after
// fitting while the others change), and is written by every code generator.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { buildTfModel, registerCustomLayers } from '../../../app/graph/buildModel.ts';
import { graphSchema } from '../../../app/graph/schema.ts';
import { exportKerasModel } from '../../../app/keras/export.ts';
import type { Graph, LayerNode } from '../../../app/graph/types.ts';
import { newProject, parseProject, serializeProject } from '../../../app/project/document.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers(tf);
});
afterEach(() => tf.disposeVariables());

/** Input(4) → Dense 8 (first) → BatchNormalization (norm) → Dense 3 (head). */
function mlp(frozen: string[] = []): Graph {
  const layers: LayerNode[] = [
    { id: 'in', type: 'Input', name: 'in', params: { shape: [4] } },
    { id: 'first', type: 'Dense', name: 'first', params: { units: 8, activation: 'relu' } },
    { id: 'norm', type: 'BatchNormalization', name: 'norm', params: {} },
    { id: 'head', type: 'Dense', name: 'head', params: { units: 3, activation: 'softmax' } },
  ];
  return {
    layers: layers.map((l) => (frozen.includes(l.id) ? { ...l, trainable: false } : l)),
    connections: [{ from: 'in', to: 'first', toSlot: 0 }, { from: 'first', to: 'norm', toSlot: 0 }, { from: 'norm', to: 'head', toSlot: 0 }],
  };
}

describe('frozen layers', () => {
  it('old graphs load unchanged; trainable is optional and must be a boolean', () => {
    const plain = graphSchema.parse(mlp());
    expect(plain.layers.every((l) => !('trainable' in l))).toBe(true);
    expect(graphSchema.parse(mlp(['first'])).layers[1].trainable).toBe(false);
    expect(graphSchema.safeParse({ ...mlp(), layers: [{ ...mlp().layers[0], trainable: 'no' }] }).success).toBe(false);
  });

  it('a project file keeps trainable: false and writes nothing for a trainable layer', () => {
    const doc = { ...newProject('p'), graph: { ...mlp(['first']), layers: mlp(['first']).layers.map((l) => (l.id === 'head' ? { ...l, trainable: true } : l)) } };
    const text = serializeProject(doc);
    expect(text.match(/"trainable"/g)).toHaveLength(1);
    const back = parseProject(text).graph.layers;
    expect(back.map((l) => l.trainable)).toEqual([undefined, false, undefined, undefined]);
  });

  it('counts a frozen layer\'s weights as non-trainable (BatchNormalization moving statistics always are)', () => {
    const open = analyzeGraph(mlp());
    // first 4·8+8 = 40, norm 4·8 = 32 (16 of them moving statistics), head 8·3+3 = 27.
    expect(open.totalParams).toBe(99);
    expect(open.trainableParams).toBe(99 - 16);
    const frozen = analyzeGraph(mlp(['first', 'norm']));
    expect(frozen.totalParams).toBe(99);
    expect(frozen.trainableParams).toBe(27);
    expect(frozen.layers.first.trainableParams).toBe(0);
    expect(frozen.layers.head.trainableParams).toBe(27);
  });

  it('freezes every layer of a frozen block', () => {
    const graph: Graph = {
      layers: [
        { id: 'in', type: 'Input', name: 'in', params: { shape: [4] } },
        {
          id: 'b', type: 'Block', name: 'b', params: {}, trainable: false,
          block: {
            definition: 'Pair', version: 1,
            layers: [{ id: 'x', type: 'Dense', name: 'x', params: { units: 5 } }, { id: 'y', type: 'Dense', name: 'y', params: { units: 2 } }],
            connections: [{ from: 'x', to: 'y', toSlot: 0 }],
            inputs: [[{ layer: 'x', slot: 0 }]],
            output: 'y',
          },
        },
        { id: 'out', type: 'Dense', name: 'out', params: { units: 1 } },
      ],
      connections: [{ from: 'in', to: 'b', toSlot: 0 }, { from: 'b', to: 'out', toSlot: 0 }],
    };
    const a = analyzeGraph(graph);
    expect(a.errors).toEqual([]);
    expect(a.totalParams).toBe(25 + 12 + 3);
    expect(a.trainableParams).toBe(3);
    expect(a.layers.b.trainableParams).toBe(0);
    const model = buildTfModel(graph, tf);
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['out/kernel', 'out/bias']);
    model.dispose();
  });

  it('leaves a frozen layer\'s weights bit-identical through training while the others change', async () => {
    const model = buildTfModel(mlp(['first']), tf);
    expect(model.getLayer('first').trainable).toBe(false);
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    const before = (name: string) => model.getLayer(name).getWeights().map((w) => w.dataSync().slice());
    const first = before('first');
    const head = before('head');
    const xs = tf.randomUniform([32, 4], -1, 1, 'float32', 7);
    const ys = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), 'int32'), 3);
    await model.fit(xs, ys, { epochs: 5, batchSize: 8, verbose: 0 });
    const after = (name: string) => model.getLayer(name).getWeights().map((w) => w.dataSync());
    after('first').forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(first[i].buffer))).toBe(true));
    after('head').forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(head[i].buffer))).toBe(false));
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('a frozen BatchNormalization runs in inference mode: its moving statistics stay bit-identical (an unfrozen one moves)', async () => {
    const stats = async (frozen: string[]) => {
      const model = buildTfModel(mlp(frozen), tf);
      model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
      const read = () => model.getLayer('norm').getWeights().map((w) => Buffer.from(w.dataSync().slice().buffer));
      const before = read();
      const xs = tf.randomUniform([32, 4], -1, 1, 'float32', 7);
      const ys = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), 'int32'), 3);
      await model.fit(xs, ys, { epochs: 3, batchSize: 8, verbose: 0 });
      const after = read();
      tf.dispose([xs, ys]);
      model.dispose();
      // gamma, beta, moving_mean, moving_variance
      return after.map((w, i) => w.equals(before[i]));
    };
    expect(await stats(['norm'])).toEqual([true, true, true, true]);
    expect(await stats([])).toEqual([false, false, false, false]);
  });

  it('Keras export writes trainable: false on a frozen layer and on the layer a frozen Bidirectional wraps', () => {
    const graph: Graph = {
      layers: [
        { id: 'in', type: 'Input', name: 'in', params: { shape: [5, 3] } },
        { id: 'bi', type: 'Bidirectional', name: 'bi', params: { layer: { type: 'LSTM', params: { units: 4 } } }, trainable: false },
        { id: 'out', type: 'Dense', name: 'out', params: { units: 1 } },
      ],
      connections: [{ from: 'in', to: 'bi', toSlot: 0 }, { from: 'bi', to: 'out', toSlot: 0 }],
    };
    const json = exportKerasModel(graph) as unknown as { config: { layers: { name: string; config: { trainable: boolean; layer?: { config: { trainable: boolean } } } }[] } };
    const bi = json.config.layers.find((l) => l.name === 'bi')!;
    expect(bi.config.trainable).toBe(false);
    expect(bi.config.layer!.config.trainable).toBe(false);
    expect(json.config.layers.find((l) => l.name === 'out')!.config.trainable).toBe(true);
    const model = buildTfModel(graph, tf);
    expect(model.trainableWeights.map((w) => w.originalName).every((n) => n.startsWith('out/'))).toBe(true);
    model.dispose();
  });

  it('generated code freezes the same layers (Keras trainable=False, TF.js trainable: false, PyTorch requires_grad_(False))', () => {
    const graph = mlp(['first']);
    const python = generateCode({ graph, data: null }, { language: 'python' }).code;
    expect(python).toMatch(/first = layers\.Dense\([^)]*trainable=False, name="first"\)/);
    expect(python.match(/trainable=False/g)).toHaveLength(1);
    const js = generateCode({ graph, data: null }, { language: 'js', runtime: 'tfjs' }).code;
    expect(js).toContain("const first = tf.layers.dense({ units: 8, activation: 'relu', trainable: false, name: 'first' })");
    expect(js.match(/trainable: false/g)).toHaveLength(1);
    const torch = generateCode({ graph, data: null }, { language: 'pytorch' }).code;
    expect(torch).toMatch(/^ *self\.first = .*nn\.Linear\(4, 8\).*\.requires_grad_\(False\)$/m);
    expect(torch.match(/requires_grad_\(False\)/g)).toHaveLength(1);
  });
});
