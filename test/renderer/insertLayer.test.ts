// Inserting a layer where the user points: after the selected layer (its outgoing connections rerouted
// through the new one), into a connection (a drop on a wire), placed so that no two layers overlap, the
// model still valid, and the whole edit one undo step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../app/graph/analyze.ts';
import { templates } from '../../app/templates/index.ts';
import type { ProjectDocument } from '../../app/project/document.ts';
import { overlaps } from '../../renderer/commands/placement.ts';
import { connectionKey } from '../../renderer/state/patch.ts';
import { setup, templateDoc } from './helpers.ts';

const idOf = (doc: ProjectDocument, name: string) => doc.graph.layers.find((l) => l.name === name)!.id;
const chain = (doc: ProjectDocument) => doc.graph.connections.map((c) => `${doc.graph.layers.find((l) => l.id === c.from)!.name}>${doc.graph.layers.find((l) => l.id === c.to)!.name}`).sort();

function overlapping(doc: ProjectDocument): string[] {
  const out: string[] = [];
  const entries = Object.entries(doc.layout.positions);
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) if (overlaps(entries[i][1], entries[j][1])) out.push(`${entries[i][0]}/${entries[j][0]}`);
  }
  return out;
}

function undoRestores(ctx: ReturnType<typeof setup>, before: ProjectDocument) {
  const after = ctx.doc();
  expect(ctx.commands.execute('undo').ok).toBe(true);
  expect(ctx.doc()).toEqual(before);
  expect(ctx.commands.execute('redo').ok).toBe(true);
  expect(ctx.doc()).toEqual(after);
}

describe('inserting a layer', () => {
  it('clicking a palette layer with a layer selected puts it between that layer and the next, moving the rest down', () => {
    const ctx = setup();
    const before = ctx.doc();
    expect(overlapping(before)).toEqual([]);
    ctx.store.getState().setSelection({ layers: [idOf(before, 'hidden_1')], connections: [] });
    expect(ctx.commands.execute('addLayerAfterSelection', { type: 'Dropout' })).toMatchObject({ ok: true, changed: true });
    const doc = ctx.doc();
    expect(chain(doc)).toEqual(['dropout>hidden_2', 'hidden_1>dropout', 'hidden_2>species', 'measurements>hidden_1']);
    expect(analyzeGraph(doc.graph).valid).toBe(true);
    expect(overlapping(doc)).toEqual([]);
    const y = (name: string) => doc.layout.positions[idOf(doc, name)].y;
    expect(y('hidden_1')).toBeLessThan(y('dropout'));
    expect(y('dropout')).toBeLessThan(y('hidden_2'));
    expect(y('hidden_2')).toBeLessThan(y('species'));
    // Same column: the chain stays straight.
    expect(doc.layout.positions[idOf(doc, 'dropout')].x).toBe(before.layout.positions[idOf(before, 'hidden_1')].x);
    expect(ctx.store.getState().past.at(-1)?.label).toBe('Insert Dropout after hidden_1');
    undoRestores(ctx, before);
  });

  it('a layer dropped on a connection is inserted into it, in the column of the layer before it', () => {
    const ctx = setup();
    const before = ctx.doc();
    const wire = before.graph.connections.find((c) => c.from === idOf(before, 'hidden_2'))!;
    const drop = { x: before.layout.positions[wire.from].x + 10, y: before.layout.positions[wire.from].y + 60 };
    expect(ctx.commands.execute('addLayer', { type: 'BatchNormalization', onConnection: connectionKey(wire), position: drop }).ok).toBe(true);
    const doc = ctx.doc();
    expect(chain(doc)).toEqual(['batch_normalization>species', 'hidden_1>hidden_2', 'hidden_2>batch_normalization', 'measurements>hidden_1']);
    const from = before.layout.positions[wire.from];
    expect(doc.layout.positions[idOf(doc, 'batch_normalization')]).toEqual({ x: from.x, y: from.y + 100 });
    expect(overlapping(doc)).toEqual([]);
    expect(analyzeGraph(doc.graph).valid).toBe(true);
    undoRestores(ctx, before);
  });

  it('a selected connection is where a clicked palette layer goes', () => {
    const ctx = setup();
    const doc0 = ctx.doc();
    const wire = doc0.graph.connections.find((c) => c.to === idOf(doc0, 'species'))!;
    ctx.store.getState().setSelection({ layers: [], connections: [connectionKey(wire)] });
    ctx.commands.execute('addLayerAfterSelection', { type: 'Dropout' });
    expect(chain(ctx.doc())).toContain('dropout>species');
    expect(chain(ctx.doc())).toContain('hidden_2>dropout');
  });

  it('after a layer that feeds two others (a skip connection) both are fed by the new layer, at the same input slots', () => {
    const ctx = setup(templateDoc('residual-cnn'));
    const before = ctx.doc();
    const stem = idOf(before, 'stem');
    const outgoing = before.graph.connections.filter((c) => c.from === stem);
    expect(outgoing).toHaveLength(2);
    ctx.commands.execute('addLayer', { type: 'BatchNormalization', after: stem });
    const doc = ctx.doc();
    const bn = idOf(doc, 'batch_normalization');
    expect(doc.graph.connections.filter((c) => c.from === stem)).toEqual([{ from: stem, to: bn, toSlot: 0 }]);
    expect(doc.graph.connections.filter((c) => c.from === bn).map((c) => [c.to, c.toSlot]).sort())
      .toEqual(outgoing.map((c) => [c.to, c.toSlot]).sort());
    expect(analyzeGraph(doc.graph).valid).toBe(true);
    expect(overlapping(doc)).toEqual([]);
    undoRestores(ctx, before);
  });

  it('after the last layer it is simply connected below it; an Input is added on its own', () => {
    const ctx = setup();
    const last = idOf(ctx.doc(), 'species');
    ctx.commands.execute('addLayer', { type: 'Dense', after: last });
    const doc = ctx.doc();
    const dense = idOf(doc, 'dense');
    expect(doc.graph.connections).toContainEqual({ from: last, to: dense, toSlot: 0 });
    expect(doc.layout.positions[dense].y).toBeGreaterThan(doc.layout.positions[last].y);
    ctx.store.getState().setSelection({ layers: [dense], connections: [] });
    ctx.commands.execute('addLayerAfterSelection', { type: 'Input' });
    const withInput = ctx.doc();
    const input = withInput.graph.layers.at(-1)!;
    expect(input.type).toBe('Input');
    expect(withInput.graph.connections.some((c) => c.to === input.id || c.from === input.id)).toBe(false);
    expect(overlapping(withInput)).toEqual([]);
  });

  it('a connection that no longer exists is refused in plain words', () => {
    const ctx = setup();
    const outcome = ctx.commands.execute('addLayer', { type: 'Dense', onConnection: 'x->y:0' });
    expect(outcome).toEqual({ ok: false, error: expect.stringContaining('no longer exists') });
    expect(ctx.store.getState().past).toHaveLength(0);
  });

  it('any sequence of click-inserts on any template keeps every layer clear of the others and the graph valid', () => {
    const ids = templates.map((t) => t.id);
    fc.assert(fc.property(
      fc.constantFrom(...ids),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('Dropout', 'BatchNormalization', 'Activation', 'LayerNormalization')), { minLength: 1, maxLength: 6 }),
      (id, steps) => {
        const ctx = setup(templateDoc(id));
        const validBefore = analyzeGraph(ctx.doc().graph).valid;
        expect(overlapping(ctx.doc())).toEqual([]);
        for (const [pick, type] of steps) {
          // Not right after an Input: token ids must go straight into an Embedding.
          const layers = ctx.doc().graph.layers.filter((l) => l.type !== 'Input');
          ctx.commands.execute('addLayer', { type, after: layers[pick % layers.length].id });
        }
        expect(overlapping(ctx.doc())).toEqual([]);
        // Shape-preserving layers inserted anywhere keep a valid model valid.
        expect(analyzeGraph(ctx.doc().graph).valid).toBe(validBefore);
      },
    ), { numRuns: 60 });
  });
});
