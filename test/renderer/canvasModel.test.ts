// The canvas model under edits of a 300-layer graph: an edit recomputes shapes well under 50 ms, and only
// the nodes whose layer, shape, weights or errors changed get new objects (the rest skip re-rendering).
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../app/graph/analyze.ts';
import { analyze } from '../../renderer/state/analysis.ts';
import { NodeModel, keyParamSummary, type LayerFlowNode } from '../../renderer/panels/canvas/nodeModel.ts';
import { getLayerDef } from '../../app/graph/catalog.ts';
import { denseChain, setup, templateDoc } from './helpers.ts';

const none = { layers: [], connections: [] };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

describe('canvas model', () => {
  it('a parameter edit on a 300-layer graph commits and recomputes shapes in well under 50 ms', () => {
    const ctx = setup(denseChain(300));
    analyze(ctx.doc().graph);
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      ctx.commands.execute('setParam', { layerId: 'd100', name: 'units', value: 20 + i });
      const a = analyze(ctx.doc().graph);
      times.push(performance.now() - t0);
      expect(a.layers.d100.outputShape).toEqual([20 + i]);
      expect(a.layers.d101.params).toBe((20 + i) * 64 + 64);
    }
    console.log(`300-layer setParam + analyzeGraph: median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);
    expect(median(times)).toBeLessThan(25);
  });

  it('analysis is memoized per graph object and never stored in the document', () => {
    const ctx = setup();
    const g = ctx.doc().graph;
    expect(analyze(g)).toBe(analyze(g));
    expect(Object.keys(ctx.doc())).not.toContain('analysis');
    ctx.commands.execute('moveLayers', { positions: { [g.layers[0].id]: { x: 1, y: 1 } } });
    // Moving changes the layout, not the graph: the same analysis serves.
    expect(ctx.doc().graph).toBe(g);
  });

  it('after an edit only the affected nodes are new objects', () => {
    const ctx = setup(denseChain(300));
    const model = new NodeModel();
    const first = model.nodes(ctx.doc(), analyze(ctx.doc().graph), none, []);
    expect(first).toHaveLength(300);
    ctx.commands.execute('setParam', { layerId: 'd100', name: 'units', value: 7 });
    const second = model.nodes(ctx.doc(), analyze(ctx.doc().graph), none, first);
    const changed = second.filter((n, i) => n !== first[i]).map((n) => n.id);
    // d100 changed its own parameters and shape; d101's weight count depends on d100's units.
    expect(changed).toEqual(['d100', 'd101']);
    expect(second.find((n) => n.id === 'd100')!.data.outputShape).toBe('[7]');

    // A move only replaces the moved node; a selection change only the (de)selected ones.
    ctx.commands.execute('moveLayers', { positions: { d5: { x: 999, y: 1 } } });
    const third = model.nodes(ctx.doc(), analyze(ctx.doc().graph), none, second);
    expect(third.filter((n, i) => n !== second[i]).map((n) => n.id)).toEqual(['d5']);
    expect(third.find((n) => n.id === 'd5')!.data).toBe(second.find((n) => n.id === 'd5')!.data);
    const fourth = model.nodes(ctx.doc(), analyze(ctx.doc().graph), { layers: ['d7'], connections: [] }, third);
    expect(fourth.filter((n, i) => n !== third[i]).map((n) => n.id)).toEqual(['d7']);
  });

  it('keeps what React Flow measured when a node is rebuilt', () => {
    const ctx = setup();
    const model = new NodeModel();
    const nodes = model.nodes(ctx.doc(), analyze(ctx.doc().graph), none, []).map((n) => ({ ...n, measured: { width: 180, height: 70 } })) as LayerFlowNode[];
    const l = ctx.doc().graph.layers[1];
    ctx.commands.execute('setParam', { layerId: l.id, name: 'units', value: 3 });
    const next = model.nodes(ctx.doc(), analyze(ctx.doc().graph), none, nodes);
    expect(next[1]).not.toBe(nodes[1]);
    expect(next[1].measured).toEqual({ width: 180, height: 70 });
  });

  it('an invalid layer carries its plain-language error and fix; edges carry the tensor shape', () => {
    const ctx = setup(templateDoc('digit-recognizer'));
    const input = ctx.doc().graph.layers.find((l) => l.type === 'Input')!;
    ctx.commands.execute('setParam', { layerId: input.id, name: 'shape', value: [784] });
    const model = new NodeModel();
    const a = analyze(ctx.doc().graph);
    const nodes = model.nodes(ctx.doc(), a, none, []);
    const bad = nodes.filter((n) => n.data.errors.length > 0);
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0].data.errors[0]).toEqual(analyzeGraph(ctx.doc().graph).errors.find((e) => e.layerId === bad[0].id));
    const edges = model.edges(ctx.doc(), a, none);
    const fromInput = edges.find((e) => e.source === input.id)!;
    expect(fromInput.label).toBe('[784]');
    expect(fromInput.targetHandle).toBe('in-0');
  });

  it('merge layers get one input handle per connected slot plus a free one', () => {
    const ctx = setup(templateDoc('residual-cnn'));
    const model = new NodeModel();
    const nodes = model.nodes(ctx.doc(), analyze(ctx.doc().graph), none, []);
    const add = nodes.find((n) => n.data.layer.type === 'Add')!;
    expect(add.data.inputSlots).toBe(3);
    const dense = nodes.find((n) => n.data.layer.type === 'Dense')!;
    expect(dense.data.inputSlots).toBe(1);
    expect(nodes.find((n) => n.data.layer.type === 'Input')!.data.inputSlots).toBe(0);
  });

  it('summarises key parameters the way a node shows them', () => {
    expect(keyParamSummary({ id: 'x', type: 'Dense', name: 'x', params: { units: 64, activation: 'relu' } } as never, getLayerDef('Dense'))).toBe('units 64 · relu');
    expect(keyParamSummary({ id: 'x', type: 'Conv2D', name: 'x', params: { filters: 8, kernelSize: [3, 3] } } as never, getLayerDef('Conv2D'))).toContain('kernelSize [3, 3]');
  });
});
