// How a wasm run uses several cores (main/engine/parallelPlan.ts): replicas of the model unless it has a
// BatchNormalization anywhere (a block's inner layers or a nested Keras model included).
import { describe, expect, it } from 'vitest';
import { parallelPlan, usesBatchNormalization } from '../../../main/engine/parallelPlan.ts';
import { getTemplate, templates } from '../../../app/templates/index.ts';

const digits = getTemplate('digit-recognizer')!.graph;
const withBatchNorm = { ...digits, layers: [...digits.layers, { ...digits.layers[1], id: 'bn', name: 'bn', type: 'BatchNormalization', params: {} }] };

describe('parallelPlan', () => {
  it('one thread: the single-threaded build, no replicas', () => {
    expect(parallelPlan({ kind: 'graph', graph: digits }, 1)).toEqual({ wasmThreads: 1, replicas: 1 });
  });

  it('several threads: replicas on the single-threaded build, or the threaded build for BatchNormalization', () => {
    expect(parallelPlan({ kind: 'graph', graph: digits }, 4)).toEqual({ wasmThreads: 1, replicas: 4, parallelism: 'replicas' });
    expect(parallelPlan({ kind: 'graph', graph: withBatchNorm }, 4)).toEqual({ wasmThreads: 4, replicas: 1, parallelism: 'threaded-build' });
  });

  it('finds BatchNormalization in a graph, in a nested Keras model, and nowhere in the templates', () => {
    expect(usesBatchNormalization({ kind: 'graph', graph: withBatchNorm })).toBe(true);
    const nested = { class_name: 'Sequential', config: { layers: [{ class_name: 'Sequential', config: { layers: [{ class_name: 'BatchNormalization', config: {} }] } }] } };
    expect(usesBatchNormalization({ kind: 'keras', topology: nested })).toBe(true);
    expect(usesBatchNormalization({ kind: 'keras', topology: JSON.stringify(nested) })).toBe(true);
    // A layer merely named so is not one.
    expect(usesBatchNormalization({ kind: 'graph', graph: { ...digits, layers: [{ ...digits.layers[1], name: 'BatchNormalization' }] } })).toBe(false);
    for (const t of templates) expect(usesBatchNormalization({ kind: 'graph', graph: t.graph }), t.id).toBe(false);
  });
});
