// The project store and its history: dirty tracking through edits, undo and saves; random edit
// sequences undone and redone exactly (fast-check); shortcuts mapped to commands; history limits.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ProjectDocument } from '../../app/project/document.ts';
import { eventCombo, normalizeCombo } from '../../renderer/commands/registry.ts';
import { connectionKey } from '../../renderer/state/patch.ts';
import { denseChain, setup, templateDoc } from './helpers.ts';

describe('dirty flag and saving', () => {
  it('is clean after opening, dirty after an edit, clean again after undoing back to the saved state', () => {
    const ctx = setup();
    const s = () => ctx.store.getState();
    expect(s().dirty).toBe(false);
    const layer = ctx.doc().graph.layers[1];
    ctx.commands.execute('setParam', { layerId: layer.id, name: 'units', value: 8 });
    expect(s().dirty).toBe(true);
    ctx.commands.execute('undo');
    expect(s().dirty).toBe(false);
    ctx.commands.execute('redo');
    expect(s().dirty).toBe(true);
  });

  it('markSaved records the saved version: edits made while saving stay unsaved, undo past a save is dirty', () => {
    const ctx = setup();
    const s = () => ctx.store.getState();
    const layer = ctx.doc().graph.layers[1];
    ctx.commands.execute('setParam', { layerId: layer.id, name: 'units', value: 8 });
    const savingVersion = s().version;
    ctx.commands.execute('setParam', { layerId: layer.id, name: 'units', value: 9 });
    s().markSaved('/tmp/a.mwproj', savingVersion, { ...ctx.doc(), modifiedAt: '2030-01-01T00:00:00.000Z' });
    expect(s().dirty).toBe(true);
    expect(s().filePath).toBe('/tmp/a.mwproj');
    // The edit made during the save is kept; its modifiedAt is not replaced by the older save's.
    expect(ctx.doc().graph.layers[1].params.units).toBe(9);
    expect(ctx.doc().modifiedAt).not.toBe('2030-01-01T00:00:00.000Z');
    ctx.commands.execute('undo');
    expect(s().dirty).toBe(false);
    ctx.commands.execute('undo');
    expect(s().dirty).toBe(true);
  });

  it('a recovered or imported document opens dirty, and a new edit clears redo', () => {
    const ctx = setup();
    ctx.store.getState().openDocument(templateDoc('regression'), null, { dirty: true });
    expect(ctx.store.getState().dirty).toBe(true);
    const l = ctx.doc().graph.layers[0];
    ctx.commands.execute('renameLayer', { layerId: l.id, name: 'x1' });
    ctx.commands.execute('undo');
    expect(ctx.store.getState().future).toHaveLength(1);
    ctx.commands.execute('renameLayer', { layerId: l.id, name: 'x2' });
    expect(ctx.store.getState().future).toHaveLength(0);
    expect(ctx.commands.isEnabled('redo')).toBe(false);
  });

  it('undo and redo with empty stacks do nothing and report nothing', () => {
    const ctx = setup();
    const before = ctx.doc();
    expect(ctx.commands.execute('undo')).toEqual({ ok: true, changed: false });
    expect(ctx.commands.execute('redo')).toEqual({ ok: true, changed: false });
    expect(ctx.doc()).toBe(before);
    expect(ctx.reported).toEqual([]);
  });

  it('keeps at most 500 steps and still undoes back to the oldest kept state', () => {
    const ctx = setup();
    const id = ctx.doc().graph.layers[1].id;
    for (let i = 1; i <= 520; i++) ctx.commands.execute('moveLayers', { positions: { [id]: { x: i, y: 0 } } });
    expect(ctx.store.getState().past).toHaveLength(500);
    while (ctx.store.getState().past.length) ctx.commands.execute('undo');
    expect(ctx.doc().layout.positions[id]).toEqual({ x: 20, y: 0 });
    expect(ctx.store.getState().dirty).toBe(true);
  });
});

describe('random edit sequences', () => {
  type Step =
    | { kind: 'add'; type: string; pick: number }
    | { kind: 'remove'; pick: number }
    | { kind: 'connect'; a: number; b: number; slot: number }
    | { kind: 'disconnect'; pick: number }
    | { kind: 'param'; pick: number; units: number }
    | { kind: 'move'; pick: number; x: number; y: number }
    | { kind: 'duplicate'; pick: number }
    | { kind: 'layout' };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), type: fc.constantFrom('Dense', 'Dropout', 'Add', 'Concatenate', 'Flatten'), pick: fc.nat() }),
    fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('connect' as const), a: fc.nat(), b: fc.nat(), slot: fc.nat({ max: 2 }) }),
    fc.record({ kind: fc.constant('disconnect' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('param' as const), pick: fc.nat(), units: fc.integer({ min: -2, max: 200 }) }),
    fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), x: fc.integer({ min: -500, max: 500 }), y: fc.integer({ min: -500, max: 500 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }),
    fc.constant({ kind: 'layout' as const }),
  );

  function run(ctx: ReturnType<typeof setup>, s: Step) {
    const d = ctx.doc();
    const layers = d.graph.layers;
    const at = (n: number) => layers[n % Math.max(layers.length, 1)];
    switch (s.kind) {
      case 'add': return ctx.commands.execute('addLayer', { type: s.type, after: at(s.pick)?.id });
      case 'remove': return layers.length ? ctx.commands.execute('removeLayers', { layers: [at(s.pick).id] }) : null;
      case 'connect': return layers.length ? ctx.commands.execute('connectLayers', { from: at(s.a).id, to: at(s.b).id, toSlot: s.slot }) : null;
      case 'disconnect': {
        const c = d.graph.connections[s.pick % Math.max(d.graph.connections.length, 1)];
        return c ? ctx.commands.execute('disconnect', { connections: [connectionKey(c)] }) : null;
      }
      case 'param': {
        const l = layers.find((x, i) => x.type === 'Dense' && i >= s.pick % Math.max(layers.length, 1)) ?? layers.find((x) => x.type === 'Dense');
        return l ? ctx.commands.execute('setParam', { layerId: l.id, name: 'units', value: s.units }) : null;
      }
      case 'move': return layers.length ? ctx.commands.execute('moveLayers', { positions: { [at(s.pick).id]: { x: s.x, y: s.y } } }) : null;
      case 'duplicate': return layers.length ? ctx.commands.execute('duplicate', { ids: [at(s.pick).id] }) : null;
      case 'layout': return ctx.commands.execute('autoLayout');
    }
  }

  it('undoing every step restores the original document exactly; redoing them restores the final one', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const ctx = setup(templateDoc('residual-cnn'));
        const original = ctx.doc();
        const states: ProjectDocument[] = [original];
        for (const s of steps) {
          run(ctx, s);
          if (ctx.doc() !== states[states.length - 1]) states.push(ctx.doc());
        }
        // Every change is one history entry; refused or empty edits add none.
        expect(ctx.store.getState().past).toHaveLength(states.length - 1);
        for (let i = states.length - 2; i >= 0; i--) {
          ctx.commands.execute('undo');
          expect(ctx.doc()).toEqual(states[i]);
        }
        expect(ctx.store.getState().dirty).toBe(false);
        for (let i = 1; i < states.length; i++) {
          ctx.commands.execute('redo');
          expect(ctx.doc()).toEqual(states[i]);
        }
        // Ids stay unique whatever happened (pasted and added layers never collide).
        expect(new Set(ctx.doc().graph.layers.map((l) => l.id)).size).toBe(ctx.doc().graph.layers.length);
      }),
      { numRuns: 60 },
    );
  });

  it('the same holds on a 300-layer graph', () => {
    const ctx = setup(denseChain(300));
    const original = ctx.doc();
    ctx.commands.execute('setParam', { layerId: 'd150', name: 'units', value: 10 });
    ctx.commands.execute('removeLayers', { layers: ['d10', 'd11'] });
    ctx.commands.execute('connectLayers', { from: 'd9', to: 'd12' });
    ctx.commands.execute('autoLayout');
    expect(ctx.store.getState().past).toHaveLength(4);
    for (let i = 0; i < 4; i++) ctx.commands.execute('undo');
    expect(ctx.doc()).toEqual(original);
  });
});

describe('shortcuts', () => {
  const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}) =>
    ({ key: k, ctrlKey: Boolean(mods.ctrl), metaKey: Boolean(mods.meta), shiftKey: Boolean(mods.shift), altKey: Boolean(mods.alt) });

  it('map Ctrl/⌘+Z, Ctrl+Shift+Z, Ctrl+Y, Ctrl+S, Ctrl+O, Delete, ? to their commands', () => {
    const { commands } = setup();
    expect(commands.commandForKey(key('z', { ctrl: true }))?.id).toBe('undo');
    expect(commands.commandForKey(key('z', { meta: true }))?.id).toBe('undo');
    expect(commands.commandForKey(key('Z', { ctrl: true, shift: true }))?.id).toBe('redo');
    expect(commands.commandForKey(key('y', { ctrl: true }))?.id).toBe('redo');
    expect(commands.commandForKey(key('s', { ctrl: true }))?.id).toBe('save');
    expect(commands.commandForKey(key('S', { ctrl: true, shift: true }))?.id).toBe('saveAs');
    expect(commands.commandForKey(key('o', { ctrl: true }))?.id).toBe('open');
    expect(commands.commandForKey(key('Delete'))?.id).toBe('deleteSelection');
    expect(commands.commandForKey(key('?', { shift: true }))?.id).toBe('showShortcuts');
    expect(commands.commandForKey(key('c', { ctrl: true }))?.id).toBe('copy');
    expect(commands.commandForKey(key('v', { ctrl: true }))?.id).toBe('paste');
    expect(commands.commandForKey(key('z'))).toBeUndefined();
    expect(commands.commandForKey(key('f'))?.id).toBe('fitView');
    // The typed Latin letter counts (AZERTY Ctrl+Z has code KeyW); else the physical key (⌥1 types "¡", Cyrillic Ctrl+я).
    expect(commands.commandForKey({ ...key('z', { ctrl: true }), code: 'KeyW' })?.id).toBe('undo');
    expect(eventCombo({ ...key('¡', { alt: true }), code: 'Digit1' })).toBe('Alt+1');
    expect(commands.commandForKey({ ...key('я', { ctrl: true }), code: 'KeyZ' })?.id).toBe('undo');
  });

  it('no two commands share a shortcut', () => {
    const { commands } = setup();
    const seen = new Map<string, string>();
    for (const c of commands.list()) {
      for (const s of c.shortcuts ?? []) {
        const combo = normalizeCombo(s);
        expect(seen.get(combo), `${s} of ${c.id}`).toBeUndefined();
        seen.set(combo, c.id);
      }
    }
    expect(eventCombo(key('Z', { ctrl: true, shift: true }))).toBe(normalizeCombo('Ctrl+Shift+z'));
  });

  it('Delete does nothing without a selection; with one it deletes through removeLayers (one undo step)', () => {
    const ctx = setup();
    expect(ctx.commands.isEnabled('deleteSelection')).toBe(false);
    const id = ctx.doc().graph.layers[2].id;
    ctx.store.getState().setSelection({ layers: [id], connections: [] });
    expect(ctx.commands.execute('deleteSelection')).toEqual({ ok: true, changed: true });
    expect(ctx.store.getState().past.map((e) => e.command)).toEqual(['removeLayers']);
  });
});
