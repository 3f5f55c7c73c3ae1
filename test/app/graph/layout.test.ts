// Automatic layout: boxes never overlap and data flows in the requested direction.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { autoLayout, DEFAULT_NODE_HEIGHT, DEFAULT_NODE_WIDTH } from '../../../app/graph/layout.ts';
import type { Graph } from '../../../app/graph/types.ts';

function layer(id: string, type = 'Dense') {
  return { id, type, name: id, params: {} };
}

/** A residual block with a merge and a second input: the shape that trips naive layouts. */
const residual: Graph = {
  layers: ['in', 'conv1', 'bn', 'conv2', 'add', 'aux', 'cat', 'out'].map((id) => layer(id)),
  connections: [
    { from: 'in', to: 'conv1', toSlot: 0 },
    { from: 'conv1', to: 'bn', toSlot: 0 },
    { from: 'bn', to: 'conv2', toSlot: 0 },
    { from: 'conv2', to: 'add', toSlot: 0 },
    { from: 'in', to: 'add', toSlot: 1 },
    { from: 'add', to: 'cat', toSlot: 0 },
    { from: 'aux', to: 'cat', toSlot: 1 },
    { from: 'cat', to: 'out', toSlot: 0 },
  ],
};

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }, w: number, h: number): boolean {
  return a.x < b.x + w && b.x < a.x + w && a.y < b.y + h && b.y < a.y + h;
}

function assertNoOverlap(pos: Record<string, { x: number; y: number }>, w: number, h: number): void {
  const ids = Object.keys(pos);
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      expect(overlaps(pos[ids[i]], pos[ids[j]], w, h), `${ids[i]} overlaps ${ids[j]}`).toBe(false);
    }
  }
}

describe('autoLayout', () => {
  it('places every layer, without overlaps, with every edge pointing downward (TB)', () => {
    const pos = autoLayout(residual);
    expect(Object.keys(pos).sort()).toEqual(residual.layers.map((l) => l.id).sort());
    assertNoOverlap(pos, DEFAULT_NODE_WIDTH, DEFAULT_NODE_HEIGHT);
    for (const c of residual.connections) {
      // Downward means the consumer's top edge is below the producer's bottom edge.
      expect(pos[c.to].y, `${c.from} -> ${c.to}`).toBeGreaterThanOrEqual(pos[c.from].y + DEFAULT_NODE_HEIGHT);
    }
  });

  it('flows left to right for LR and honours custom node sizes', () => {
    const w = 300;
    const h = 40;
    const pos = autoLayout(residual, { direction: 'LR', nodeWidth: w, nodeHeight: h });
    assertNoOverlap(pos, w, h);
    for (const c of residual.connections) {
      expect(pos[c.to].x, `${c.from} -> ${c.to}`).toBeGreaterThanOrEqual(pos[c.from].x + w);
    }
  });

  it('keeps both edges of a merge that takes the same tensor twice, and tolerates dangling connections', () => {
    const g: Graph = {
      layers: [layer('a'), layer('b'), layer('add', 'Add')],
      connections: [
        { from: 'a', to: 'b', toSlot: 0 },
        { from: 'b', to: 'add', toSlot: 0 },
        { from: 'b', to: 'add', toSlot: 1 },
        { from: 'ghost', to: 'add', toSlot: 2 },
      ],
    };
    const pos = autoLayout(g);
    expect(pos.b.y).toBeGreaterThanOrEqual(pos.a.y + DEFAULT_NODE_HEIGHT);
    expect(pos.add.y).toBeGreaterThanOrEqual(pos.b.y + DEFAULT_NODE_HEIGHT);
    expect(pos.ghost).toBeUndefined();
  });

  it('lays out an empty graph and rejects nonsense sizes with a clear message', () => {
    expect(autoLayout({ layers: [], connections: [] })).toEqual({});
    expect(() => autoLayout(residual, { nodeWidth: 0 })).toThrow(/nodeWidth must be a positive number/);
    expect(() => autoLayout(residual, { nodeHeight: Number.NaN })).toThrow(/nodeHeight/);
  });

  it('never overlaps and always points down on random DAGs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }))),
        ([n, pairs]) => {
          const layers = Array.from({ length: n }, (_, i) => layer(`n${i}`));
          // Edges only from lower to higher index keep the graph acyclic.
          const connections = pairs.filter(([a, b]) => a < b).map(([a, b], i) => ({ from: `n${a}`, to: `n${b}`, toSlot: i }));
          const pos = autoLayout({ layers, connections });
          assertNoOverlap(pos, DEFAULT_NODE_WIDTH, DEFAULT_NODE_HEIGHT);
          for (const c of connections) expect(pos[c.to].y).toBeGreaterThan(pos[c.from].y);
        },
      ),
      { numRuns: 40 },
    );
  });
});
