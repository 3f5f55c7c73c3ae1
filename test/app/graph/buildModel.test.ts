// buildTfModel: functional models with several inputs and outputs, names and order kept, refusal of
// invalid graphs, the custom Subtract layer, and a property test of random conv/pool/dense chains.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { buildTfModel, GraphBuildError, registerCustomLayers } from '../../../app/graph/buildModel.ts';
import type { Graph, LayerNode } from '../../../app/graph/types.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  tf.disposeVariables();
});

const node = (id: string, type: string, params: LayerNode['params'] = {}): LayerNode => ({ id, type, name: id, params });

const twoHeads: Graph = {
  layers: [
    node('meta', 'Input', { shape: [5] }),
    node('image', 'Input', { shape: [12, 12, 1] }),
    node('conv', 'Conv2D', { filters: 4, kernelSize: 3, activation: 'relu' }),
    node('gap', 'GlobalAveragePooling2D'),
    node('dm', 'Dense', { units: 4 }),
    node('diff', 'Subtract'),
    node('cat', 'Concatenate'),
    node('cls', 'Dense', { units: 3, activation: 'softmax' }),
    node('reg', 'Dense', { units: 1 }),
  ],
  connections: [
    { from: 'image', to: 'conv', toSlot: 0 },
    { from: 'conv', to: 'gap', toSlot: 0 },
    { from: 'meta', to: 'dm', toSlot: 0 },
    { from: 'gap', to: 'diff', toSlot: 0 },
    { from: 'dm', to: 'diff', toSlot: 1 },
    { from: 'diff', to: 'cat', toSlot: 0 },
    { from: 'meta', to: 'cat', toSlot: 1 },
    { from: 'cat', to: 'cls', toSlot: 0 },
    { from: 'diff', to: 'reg', toSlot: 0 },
  ],
};

describe('buildTfModel', () => {
  it('builds a two-input, two-output model with our names, order and shapes', () => {
    const before = tf.memory().numTensors;
    const analysis = analyzeGraph(twoHeads);
    const model = buildTfModel(twoHeads, tf);
    expect(model.inputNames).toEqual(['meta', 'image']);
    expect(model.outputNames).toEqual(['cls', 'reg']);
    expect(model.layers.map((l) => l.name).sort()).toEqual(twoHeads.layers.map((l) => l.name).sort());
    expect(model.countParams()).toBe(analysis.totalParams);
    for (const layer of model.layers) {
      const ours = analysis.layers[layer.name];
      expect((layer.outputShape as (number | null)[]).slice(1)).toEqual(ours.outputShape);
    }
    const outputs = tf.tidy(() => model.predict([tf.ones([2, 5]), tf.ones([2, 12, 12, 1])]) as tf.Tensor[]);
    const [cls, reg] = outputs.map((t) => t.shape);
    tf.dispose(outputs);
    expect(cls).toEqual([2, 3]);
    expect(reg).toEqual([2, 1]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('merges inputs in slot order (Subtract computes first minus second)', () => {
    const g: Graph = {
      layers: [node('a', 'Input', { shape: [3] }), node('b', 'Input', { shape: [3] }), node('s', 'Subtract')],
      connections: [{ from: 'b', to: 's', toSlot: 1 }, { from: 'a', to: 's', toSlot: 0 }],
    };
    const model = buildTfModel(g, tf);
    const out = tf.tidy(() => (model.predict([tf.tensor2d([[5, 5, 5]]), tf.tensor2d([[1, 2, 3]])]) as tf.Tensor).arraySync());
    expect(out).toEqual([[4, 3, 2]]);
    model.dispose();
  });

  it('saves and reloads a model with the custom Subtract layer once it is registered', async () => {
    registerCustomLayers(tf);
    const g: Graph = {
      layers: [node('a', 'Input', { shape: [2] }), node('b', 'Input', { shape: [2] }), node('s', 'Subtract'), node('d', 'Dense', { units: 1 })],
      connections: [{ from: 'a', to: 's', toSlot: 0 }, { from: 'b', to: 's', toSlot: 1 }, { from: 's', to: 'd', toSlot: 0 }],
    };
    const model = buildTfModel(g, tf);
    type Topology = Extract<Parameters<typeof tf.models.modelFromJSON>[0], { modelTopology: unknown }>['modelTopology'];
    const topology = model.toJSON(null, false) as Topology;
    const again = await tf.models.modelFromJSON({ modelTopology: topology });
    expect(again.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'InputLayer', 'Subtract', 'Dense']);
    expect(again.countParams()).toBe(3);
    model.dispose();
    again.dispose();
  });

  it('refuses a graph with problems, with the plain-language message', () => {
    const g: Graph = {
      layers: [node('in', 'Input', { shape: [13] }), node('conv', 'Conv2D', { filters: 2, kernelSize: 3 })],
      connections: [{ from: 'in', to: 'conv', toSlot: 0 }],
    };
    let caught: unknown;
    try {
      buildTfModel(g, tf);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GraphBuildError);
    expect((caught as Error).message).toBe(
      "The model can't be built: conv: Conv2D needs an image-shaped input [height, width, channels] but gets [13]; add a Reshape layer before it",
    );
    expect((caught as GraphBuildError).errors).toHaveLength(1);
  });
});

// Random image chains: Conv2D / pooling steps that may or may not fit, then Flatten and Dense.
const stepArb = fc.oneof(
  fc.record({
    type: fc.constant('Conv2D'),
    filters: fc.integer({ min: 1, max: 4 }),
    kernelSize: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
    strides: fc.integer({ min: 1, max: 3 }),
    padding: fc.constantFrom('valid', 'same'),
  }),
  fc.record({
    type: fc.constantFrom('MaxPooling2D', 'AveragePooling2D'),
    poolSize: fc.integer({ min: 1, max: 4 }),
    strides: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    padding: fc.constantFrom('valid', 'same'),
  }),
);

describe('random conv/pool/dense chains agree with TF.js', () => {
  it('valid chains build with the same shapes and weights; invalid ones only fail on windows that do not fit', () => {
    const seen = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 3, max: 20 }), fc.integer({ min: 3, max: 20 }), fc.integer({ min: 1, max: 3 })),
        fc.array(stepArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        (input, steps, units) => {
          const layers: LayerNode[] = [node('in', 'Input', { shape: input })];
          steps.forEach((s, i) => {
            const { type, ...params } = s;
            layers.push(node(`s${i}`, type, params));
          });
          layers.push(node('flat', 'Flatten'), node('out', 'Dense', { units }));
          const g: Graph = { layers, connections: layers.slice(1).map((l, i) => ({ from: layers[i].id, to: l.id, toSlot: 0 })) };
          const analysis = analyzeGraph(g);
          if (!analysis.valid) {
            seen.invalid++;
            expect(analysis.errors.map((e) => e.kind)).toEqual(['kernel-too-large']);
            return;
          }
          seen.valid++;
          const model = buildTfModel(g, tf);
          try {
            expect(model.countParams()).toBe(analysis.totalParams);
            for (const layer of model.layers) {
              expect((layer.outputShape as (number | null)[]).slice(1)).toEqual(analysis.layers[layer.name].outputShape);
            }
          } finally {
            model.dispose();
          }
        },
      ),
      { numRuns: 60, seed: 20240601 },
    );
    // Both branches of the property must actually have been exercised.
    expect(seen.valid).toBeGreaterThan(10);
    expect(seen.invalid).toBeGreaterThan(0);
  });
});
