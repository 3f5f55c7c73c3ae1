// Pure helpers shared by the store and the compare view: value and graph diffs, sort specs, metric direction.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, diffGraphs, diffValues, flattenPaths } from '../../../app/store/diff.ts';
import { metricDirection, parseSortSpec } from '../../../app/store/types.ts';
import type { Graph } from '../../../app/graph/types.ts';

describe('canonicalJson', () => {
  it('gives the same text for objects that differ only in key order', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
    }));
  });
});

describe('diffValues', () => {
  it('lists only paths whose values differ, with a value per object (missing → null)', () => {
    const diffs = diffValues([
      { optimizer: { name: 'adam', learningRate: 0.001 }, epochs: 10, metrics: ['accuracy'], classWeights: 'none' },
      { optimizer: { name: 'adam', learningRate: 0.01 }, epochs: 10, metrics: ['accuracy', 'mse'], classWeights: { a: 2 } },
    ]);
    expect(diffs).toEqual([
      { path: 'optimizer.learningRate', values: [0.001, 0.01] },
      { path: 'metrics', values: [['accuracy'], ['accuracy', 'mse']] },
      { path: 'classWeights', values: ['none', null] },
      { path: 'classWeights.a', values: [null, 2] },
    ]);
  });

  it('finds nothing between equal objects', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(diffValues([{ v }, structuredClone({ v })])).toEqual([]);
    }));
  });

  it('flattens nested objects to dotted paths', () => {
    expect([...flattenPaths({ a: { b: { c: 1 } }, d: [1, { e: 2 }], f: {} })]).toEqual([['a.b.c', 1], ['d', [1, { e: 2 }]], ['f', {}]]);
  });
});

describe('diffGraphs', () => {
  const base: Graph = {
    layers: [
      { id: '1', type: 'Input', name: 'in', params: { shape: [8] } },
      { id: '2', type: 'Dense', name: 'fc', params: { units: 4 } },
      { id: '3', type: 'Dropout', name: 'drop', params: { rate: 0.2 } },
    ],
    connections: [{ from: '1', to: '2', toSlot: 0 }, { from: '2', to: '3', toSlot: 0 }],
  };

  it('matches layers by name, not by id', () => {
    const renumbered: Graph = {
      layers: base.layers.map((l) => ({ ...l, id: `x${l.id}` })),
      connections: base.connections.map((c) => ({ ...c, from: `x${c.from}`, to: `x${c.to}` })),
    };
    expect(diffGraphs(base, renumbered)).toEqual({ identical: true, added: [], removed: [], changed: [] });
  });

  it('reports added, removed and changed layers with parameter and type differences', () => {
    const other: Graph = {
      layers: [
        { id: '1', type: 'Input', name: 'in', params: { shape: [8] } },
        { id: '2', type: 'Conv1D', name: 'fc', params: { units: 4, kernelSize: 3 } },
        { id: '4', type: 'Dense', name: 'out', params: { units: 2 } },
      ],
      connections: [{ from: '1', to: '2', toSlot: 0 }, { from: '2', to: '4', toSlot: 0 }],
    };
    const diff = diffGraphs(base, other);
    expect(diff.identical).toBe(false);
    expect(diff.added).toEqual([{ name: 'out', type: 'Dense', params: { units: 2 } }]);
    expect(diff.removed).toEqual([{ name: 'drop', type: 'Dropout', params: { rate: 0.2 } }]);
    expect(diff.changed).toEqual([{ name: 'fc', type: { before: 'Dense', after: 'Conv1D' }, params: [{ key: 'kernelSize', before: null, after: 3 }] }]);
  });
});

describe('sort specs and metric direction', () => {
  it('reads fields, metrics, scopes and directions', () => {
    expect(parseSortSpec('startedAt')).toEqual({ by: 'startedAt', direction: undefined });
    expect(parseSortSpec('name:asc')).toEqual({ by: 'name', direction: 'asc' });
    expect(parseSortSpec('val_accuracy')).toEqual({ by: 'metric', metric: 'val_accuracy', scope: 'best', direction: undefined });
    expect(parseSortSpec('final:loss:desc')).toEqual({ by: 'metric', metric: 'loss', scope: 'final', direction: 'desc' });
    expect(parseSortSpec('test:accuracy')).toEqual({ by: 'metric', metric: 'accuracy', scope: 'test', direction: undefined });
    expect(() => parseSortSpec('  ')).toThrow(/not a sort order/);
  });

  it('knows that accuracy-like metrics go up and losses go down', () => {
    for (const up of ['accuracy', 'val_accuracy', 'acc', 'auc', 'val_f1', 'precision', 'recall', 'r2']) expect(metricDirection(up), up).toBe('max');
    for (const down of ['loss', 'val_loss', 'mse', 'val_mae', 'categoricalCrossentropy', 'lr']) expect(metricDirection(down), down).toBe('min');
  });
});
