// Freezing through the command registry: one layer frozen and unfrozen, "freeze everything up to here"
// (the layer and the layers with weights upstream of it, not those after it), totals that count frozen
// weights as non-trainable, and undo restoring the project exactly.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../app/graph/analyze.ts';
import type { ProjectDocument } from '../../app/project/document.ts';
import { setup } from './helpers.ts';

const frozenNames = (doc: ProjectDocument) => doc.graph.layers.filter((l) => l.trainable === false).map((l) => l.name);
const idOf = (doc: ProjectDocument, name: string) => doc.graph.layers.find((l) => l.name === name)!.id;

describe('freeze edits', () => {
  it('freezes everything up to a layer in one undoable step; totals count those weights as non-trainable', () => {
    const ctx = setup();
    const before = ctx.doc();
    const open = analyzeGraph(before.graph);
    expect(ctx.commands.execute('freezeUpTo', { layerId: idOf(before, 'hidden_2') })).toMatchObject({ ok: true, changed: true });
    const after = ctx.doc();
    expect(frozenNames(after)).toEqual(['hidden_1', 'hidden_2']);
    const frozen = analyzeGraph(after.graph);
    expect(frozen.totalParams).toBe(open.totalParams);
    expect(frozen.trainableParams).toBe(open.trainableParams - open.layers[idOf(before, 'hidden_1')].params - open.layers[idOf(before, 'hidden_2')].params);
    expect(ctx.commands.execute('undo').ok).toBe(true);
    expect(ctx.doc()).toEqual(before);
    expect(ctx.commands.execute('redo').ok).toBe(true);
    expect(ctx.doc()).toEqual(after);
  });

  it('freezes and unfreezes one layer; an unchanged state is no edit', () => {
    const ctx = setup();
    const before = ctx.doc();
    const id = idOf(before, 'hidden_1');
    expect(ctx.commands.execute('setFrozen', { layerIds: [id], frozen: true })).toMatchObject({ ok: true, changed: true });
    expect(frozenNames(ctx.doc())).toEqual(['hidden_1']);
    expect(ctx.commands.execute('setFrozen', { layerIds: [id], frozen: true })).toMatchObject({ ok: true, changed: false });
    expect(ctx.commands.execute('setFrozen', { layerIds: [id], frozen: false })).toMatchObject({ ok: true, changed: true });
    expect(ctx.doc()).toEqual(before);
    expect(ctx.doc().graph.layers.some((l) => 'trainable' in l)).toBe(false);
  });

  it('refuses to freeze up to the Input layer, in plain words', () => {
    const ctx = setup();
    const input = ctx.doc().graph.layers.find((l) => l.type === 'Input')!;
    const outcome = ctx.commands.execute('freezeUpTo', { layerId: input.id });
    expect(outcome.ok).toBe(false);
    expect(ctx.reported.join(' ') + (outcome.ok ? '' : outcome.error)).toMatch(/Nothing to freeze/);
  });
});
