// Property test of shape inference against TF.js on random sequence graphs: Conv1D, recurrent layers
// (with and without returnSequences), Dense on sequences, two branches joined by Add or Concatenate, and a
// Reshape to one axis. Complements the conv/pool/dense chain property in buildModel.test.ts.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { buildTfModel } from '../../../app/graph/buildModel.ts';
import type { Graph, LayerNode } from '../../../app/graph/types.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  tf.disposeVariables();
});

const trunkStep = fc.oneof(
  fc.record({ type: fc.constant('Conv1D'), filters: fc.integer({ min: 1, max: 4 }), kernelSize: fc.integer({ min: 1, max: 6 }), padding: fc.constantFrom('valid', 'same') }),
  fc.record({ type: fc.constantFrom('LSTM', 'GRU', 'SimpleRNN'), units: fc.integer({ min: 1, max: 5 }), returnSequences: fc.constant(true) }),
  fc.record({ type: fc.constant('Dense'), units: fc.integer({ min: 1, max: 5 }) }),
);

const graphArb = fc.record({
  input: fc.tuple(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 6 })),
  trunk: fc.array(trunkStep, { maxLength: 2 }),
  branches: fc.tuple(fc.constantFrom('LSTM', 'GRU', 'SimpleRNN', 'Dense'), fc.constantFrom('LSTM', 'GRU', 'SimpleRNN', 'Dense')),
  units: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
  returnSequences: fc.boolean(),
  merge: fc.constantFrom('Add', 'Concatenate'),
  flatten: fc.constantFrom('Reshape', 'Flatten'),
  outUnits: fc.integer({ min: 1, max: 4 }),
});

type Spec = typeof graphArb extends fc.Arbitrary<infer T> ? T : never;

function buildGraph(g: Spec): Graph {
  const layers: LayerNode[] = [{ id: 'in', type: 'Input', name: 'in', params: { shape: g.input } }];
  const connections: Graph['connections'] = [];
  const add = (id: string, type: string, params: LayerNode['params'], from: string[]) => {
    layers.push({ id, type, name: id, params });
    from.forEach((f, slot) => connections.push({ from: f, to: id, toSlot: slot }));
    return id;
  };
  let last = 'in';
  g.trunk.forEach((s, i) => {
    const { type, ...params } = s;
    last = add(`t${i}`, type, params, [last]);
  });
  // Add needs equal shapes; Concatenate joins on the last axis. Dense keeps the time axis, so a branch of
  // Dense joins a recurrent branch only when that one returns sequences too.
  const units = g.merge === 'Add' ? [g.units[0], g.units[0]] : [g.units[0], g.units[1]];
  const sequences = g.returnSequences || g.branches.includes('Dense');
  const branch = (k: 0 | 1) => {
    const type = g.branches[k];
    return add(`b${k}`, type, type === 'Dense' ? { units: units[k] } : { units: units[k], returnSequences: sequences }, [last]);
  };
  const merged = add('merge', g.merge, {}, [branch(0), branch(1)]);
  const flat = sequences ? add('flat', g.flatten, {}, [merged]) : merged;
  add('out', 'Dense', { units: g.outUnits }, [flat]);
  const graph = { layers, connections };
  if (sequences && g.flatten === 'Reshape') {
    // A -1 would stay unknown in TF.js too (Dense could not follow), so the Reshape names the size, as a user must.
    const shape = analyzeGraph(graph).layers.merge?.outputShape;
    const size = shape?.every((d) => typeof d === 'number') ? shape.reduce((a, b) => a * b, 1) : 1;
    layers.find((l) => l.id === 'flat')!.params = { targetShape: [size] };
  }
  return graph;
}

describe('random sequence graphs with merges, reshapes and recurrent layers agree with TF.js', () => {
  it('valid graphs build with the inferred shape of every layer and the inferred parameter count; invalid ones only fail on a kernel that does not fit', () => {
    const seen = { valid: 0, invalid: 0, merges: new Set<string>(), recurrent: 0 };
    fc.assert(
      fc.property(graphArb, (spec) => {
        const g = buildGraph(spec);
        const analysis = analyzeGraph(g);
        if (!analysis.valid) {
          seen.invalid++;
          expect(analysis.errors.map((e) => e.kind)).toEqual(expect.arrayContaining(['kernel-too-large']));
          expect(new Set(analysis.errors.map((e) => e.kind))).toEqual(new Set(['kernel-too-large']));
          return;
        }
        seen.valid++;
        seen.merges.add(spec.merge);
        if (spec.branches.some((b) => b !== 'Dense')) seen.recurrent++;
        const model = buildTfModel(g, tf);
        try {
          expect(model.countParams()).toBe(analysis.totalParams);
          for (const layer of model.layers) {
            expect((layer.outputShape as (number | null)[]).slice(1), layer.name).toEqual(analysis.layers[layer.name].outputShape);
          }
        } finally {
          model.dispose();
        }
      }),
      { numRuns: 60, seed: 20261122 },
    );
    // Every branch of the property was exercised.
    expect(seen.valid).toBeGreaterThan(20);
    expect(seen.invalid).toBeGreaterThan(0);
    expect([...seen.merges].sort()).toEqual(['Add', 'Concatenate']);
    expect(seen.recurrent).toBeGreaterThan(10);
  });
});
