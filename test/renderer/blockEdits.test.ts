// Block edits through the command registry: make a block of the transformer template's encoder layers
// (analysis unchanged through it), expand it, collapse it again under its name, undo each step exactly,
// refusals in plain words, and a built-in block dropped from the palette.
import { beforeEach, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../app/graph/analyze.ts';
import { transformerEncoderBlock } from '../../app/graph/builtinBlocks.ts';
import type { ProjectDocument } from '../../app/project/document.ts';
import { setUi, uiStore } from '../../renderer/state/uiStore.ts';
import { setup, templateDoc } from './helpers.ts';

const encoderIds = ['attention', 'residual1', 'norm1', 'ff1', 'ff2', 'residual2', 'norm2'];
const names = (doc: ProjectDocument) => doc.graph.layers.map((l) => l.name);

describe('block edits', () => {
  beforeEach(() => setUi({ expandedBlock: null }));

  it('make block: the selection becomes one node, shapes and parameter counts flow through it; undo restores exactly', () => {
    const ctx = setup(templateDoc('transformer-intent'));
    const before = ctx.doc();
    const flat = analyzeGraph(before.graph);
    ctx.store.getState().setSelection({ layers: encoderIds, connections: [] });
    expect(ctx.commands.execute('makeBlock')).toMatchObject({ ok: true, changed: true });
    const after = ctx.doc();
    const block = after.graph.layers.find((l) => l.type === 'Block')!;
    expect(block).toMatchObject({ name: 'block', block: { definition: 'Block', output: 'norm2', inputs: [[{ layer: 'attention', slot: 0 }, { layer: 'residual1', slot: 0 }]] } });
    expect(after.graph.layers).toHaveLength(before.graph.layers.length - encoderIds.length + 1);
    expect(after.graph.connections).toContainEqual({ from: 'embedding', to: block.id, toSlot: 0 });
    expect(after.graph.connections).toContainEqual({ from: block.id, to: 'pool', toSlot: 0 });
    expect(after.layout.positions[block.id]).toBeDefined();
    expect(ctx.store.getState().selection.layers).toEqual([block.id]);
    const a = analyzeGraph(after.graph);
    expect(a.errors).toEqual([]);
    expect(a.totalParams).toBe(flat.totalParams);
    expect(a.layers[block.id].outputShape).toEqual(flat.layers.norm2.outputShape);
    expect(ctx.commands.execute('undo').ok).toBe(true);
    expect(ctx.doc()).toEqual(before);
    expect(ctx.commands.execute('redo').ok).toBe(true);
    expect(ctx.doc()).toEqual(after);
  });

  it('expand puts the layers back wired as before; Make block on them collapses the same block; undo walks back', () => {
    const ctx = setup(templateDoc('transformer-intent'));
    const original = ctx.doc();
    ctx.commands.execute('makeBlock', { ids: encoderIds, name: 'encoder', definition: 'TransformerEncoder' });
    const made = ctx.doc();
    const blockId = made.graph.layers.find((l) => l.type === 'Block')!.id;
    expect(ctx.commands.execute('expandBlock', { id: blockId })).toMatchObject({ ok: true });
    const expanded = ctx.doc();
    expect(new Set(names(expanded))).toEqual(new Set(names(original)));
    expect(new Set(expanded.graph.connections.map((c) => `${c.from}>${c.to}:${c.toSlot}`))).toEqual(new Set(original.graph.connections.map((c) => `${c.from}>${c.to}:${c.toSlot}`)));
    expect(analyzeGraph(expanded.graph).totalParams).toBe(analyzeGraph(original.graph).totalParams);
    expect(new Set(ctx.store.getState().selection.layers)).toEqual(new Set(encoderIds));
    expect(uiStore.getState().expandedBlock).toMatchObject({ name: 'encoder', definition: 'TransformerEncoder', version: 1 });
    // Collapse: Make block on the expanded layers gives the block its name and kind back.
    ctx.commands.execute('makeBlock');
    const collapsed = ctx.doc();
    expect(collapsed.graph.layers.find((l) => l.type === 'Block')).toMatchObject({ name: 'encoder', block: { definition: 'TransformerEncoder' } });
    expect(analyzeGraph(collapsed.graph).layers[blockId]?.params ?? analyzeGraph(collapsed.graph).totalParams).toBeGreaterThan(0);
    ctx.commands.execute('undo');
    expect(ctx.doc()).toEqual(expanded);
    ctx.commands.execute('undo');
    expect(ctx.doc()).toEqual(made);
    ctx.commands.execute('undo');
    expect(ctx.doc()).toEqual(original);
  });

  it('refuses selections that cannot be one block, in plain words, leaving no history', () => {
    const ctx = setup(templateDoc('transformer-intent'));
    const refuse = (ids: string[], message: RegExp) => {
      const outcome = ctx.commands.execute('makeBlock', { ids });
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? '' : outcome.error).toMatch(message);
    };
    refuse(['input', 'embedding'], /An Input layer cannot go into a block.*"message"/);
    refuse(['attention', 'residual1', 'norm1', 'ff1'], /A block has one output, but "attention_norm", "feed_forward" feed layers outside/);
    refuse([], /Select the layers/);
    expect(ctx.store.getState().past).toHaveLength(0);
    ctx.commands.execute('makeBlock', { ids: encoderIds });
    const blockId = ctx.doc().graph.layers.find((l) => l.type === 'Block')!.id;
    refuse([blockId, 'pool'], /Blocks do not go inside blocks: expand "block" first/);
  });

  it('inserts a copy of the built-in TransformerEncoder, which works once connected', () => {
    const ctx = setup(templateDoc('transformer-intent'));
    ctx.store.getState().setSelection({ layers: encoderIds, connections: [] });
    ctx.commands.execute('deleteSelection');
    expect(ctx.commands.execute('insertBlock', { block: transformerEncoderBlock() })).toMatchObject({ ok: true, changed: true });
    const node = ctx.doc().graph.layers.at(-1)!;
    expect(node).toMatchObject({ type: 'Block', name: 'transformer_encoder', block: { definition: 'TransformerEncoder' } });
    ctx.commands.execute('connectLayers', { from: 'embedding', to: node.id, toSlot: 0 });
    ctx.commands.execute('connectLayers', { from: node.id, to: 'pool', toSlot: 0 });
    const a = analyzeGraph(ctx.doc().graph);
    expect(a.errors).toEqual([]);
    expect(a.totalParams).toBe(analyzeGraph(templateDoc('transformer-intent').graph).totalParams);
  });
});
