// Property test: any valid project document survives serialize → parse unchanged, and its bytes do
// not depend on the order its keys were built in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newProject, parseProject, serializeProject } from '../../../app/project/document.ts';
import type { ParamValue } from '../../../app/graph/types.ts';

const dimension = fc.integer({ min: 1, max: 4096 });
const plainParam: fc.Arbitrary<ParamValue> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.option(fc.integer({ min: -10, max: 10 }), { nil: null }), { maxLength: 4 }),
  fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 2, maxLength: 2 }), { minLength: 2, maxLength: 2 }),
);
const paramName = fc.constantFrom('activation', 'rate', 'useBias', 'padding', 'axis', 'mergeMode', 'alpha', 'kernelInitializer');
const params = fc
  .tuple(
    fc.dictionary(paramName, plainParam, { maxKeys: 4 }),
    fc.option(dimension, { nil: undefined }),
    fc.option(fc.array(fc.option(fc.integer({ min: 1, max: 64 }), { nil: null }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    fc.option(fc.record({ type: fc.constantFrom('LSTM', 'GRU', 'Dense'), params: fc.dictionary(paramName, plainParam, { maxKeys: 3 }) }), { nil: undefined }),
  )
  .map(([rest, units, shape, layer]) => {
    const p: Record<string, ParamValue> = { ...rest };
    if (units !== undefined) p.units = units;
    if (shape !== undefined) p.shape = shape;
    if (layer !== undefined) p.layer = { type: layer.type, params: layer.params };
    return p;
  });

const projectArb = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 12 }).filter((id) => !['__proto__', 'constructor', 'prototype'].includes(id)), { minLength: 1, maxLength: 12 })
  .chain((ids) =>
    fc.record({
      name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
      layers: fc.tuple(...ids.map((id) => fc.record({
        id: fc.constant(id),
        type: fc.constantFrom('Input', 'Dense', 'Conv2D', 'Add', 'Bidirectional', 'NotALayer'),
        name: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== ''),
        params,
      }))),
      connections: fc.array(
        fc.record({ from: fc.constantFrom(...ids, 'missing'), to: fc.constantFrom(...ids), toSlot: fc.integer({ min: 0, max: 3 }) }),
        { maxLength: 20 },
      ),
      positions: fc.dictionary(fc.constantFrom(...ids), fc.record({ x: fc.integer({ min: -5000, max: 5000 }), y: fc.double({ min: -1e4, max: 1e4, noNaN: true }) })),
      withSettings: fc.boolean(),
      notes: fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
    }),
  )
  .map((r) =>
    newProject(r.name, {
      graph: { layers: r.layers, connections: r.connections },
      layout: { positions: r.positions },
      dataset: r.withSettings ? { source: 'builtin:iris', kind: 'table', task: 'auto', columns: [], scaling: 'standard', missing: 'drop-row' } : null,
      training: r.withSettings ? undefined : null,
      notes: r.notes,
      now: '2025-01-01T00:00:00.000Z',
    }),
  );

/** The same value with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  }
  return value;
}

describe('project round trip (property)', () => {
  it('parse(serialize(doc)) equals doc, and serializing again gives the same bytes', () => {
    fc.assert(
      fc.property(projectArb, (doc) => {
        const text = serializeProject(doc);
        const back = parseProject(text);
        // JSON has no -0; everything else comes back exactly.
        expect(back).toEqual(JSON.parse(JSON.stringify(doc)));
        expect(serializeProject(back)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('writes the same bytes whatever order the keys were in', () => {
    fc.assert(
      fc.property(projectArb, (doc) => {
        expect(serializeProject(parseProject(JSON.stringify(reverseKeys(doc))))).toBe(serializeProject(doc));
      }),
      { numRuns: 100 },
    );
  });
});
