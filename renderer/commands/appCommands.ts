// The studio's commands: every graph edit, undo/redo, clipboard, files and view, registered once in a
// registry bound to a project store; the app, the shortcuts and the tests all run these.
import { getLayerDef } from '../../app/graph/catalog.ts';
import type { ProjectStore } from '../state/projectStore.ts';
import { setUi, uiStore } from '../state/uiStore.ts';
import { importModelFolder, openProject, saveProject, saveProjectAs } from '../files/fileActions.ts';
import { notify } from '../ui/notify.ts';
import * as edits from './graphEdits.ts';
import { expandBlock, insertBlock, makeBlock, type MakeBlockArgs } from './blockEdits.ts';
import { applyModelFix, fitModelToData, newHeadForData } from './modelFixEdits.ts';
import { applySweepSettings } from './tuningEdits.ts';
import { freezeUpTo, setFrozen } from './freezeEdits.ts';
import { CommandRegistry } from './registry.ts';

function layerName(doc: { graph: { layers: { id: string; name: string }[] } }, id: string): string {
  return doc.graph.layers.find((l) => l.id === id)?.name ?? 'layer';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const hasDocument = (s: { document: unknown }) => s.document !== null;
const hasSelection = (s: { selection: { layers: string[]; connections: string[] } }) =>
  s.selection.layers.length + s.selection.connections.length > 0;

/** Making a block of exactly the layers of the block last expanded collapses that block: same name, kind and version. */
function collapseArgs(ids: string[]): MakeBlockArgs {
  const last = uiStore.getState().expandedBlock;
  const same = last && last.ids.length === ids.length && last.ids.every((id) => ids.includes(id));
  return same ? { ids, name: last.name, definition: last.definition, version: last.version } : { ids };
}

/** Registers the built-in commands on `registry` (which is bound to `store`). */
export function registerAppCommands(registry: CommandRegistry, store: ProjectStore): void {
  // ---- graph edits: each becomes one undoable step
  registry.register({
    id: 'addLayer', title: 'Add layer', category: 'Layers', edit: edits.addLayer,
    label: (a, doc) => (a.after ? `Insert ${a.type} after ${layerName(doc, a.after)}` : a.onConnection ? `Insert ${a.type} into a connection` : `Add ${a.type}`),
  });
  registry.register({
    id: 'removeLayers', title: 'Delete layers', category: 'Layers', edit: edits.removeLayers,
    label: (a) => `Delete ${plural(a.layers?.length ?? 0, 'layer')}${a.connections?.length ? ` and ${plural(a.connections.length, 'connection')}` : ''}`,
  });
  registry.register({
    id: 'connectLayers', title: 'Connect layers', category: 'Layers', edit: edits.connectLayers,
    label: (a, doc) => `Connect ${layerName(doc, a.from)} to ${layerName(doc, a.to)}`,
  });
  registry.register({
    id: 'disconnect', title: 'Remove connection', category: 'Layers', edit: edits.disconnect,
    label: (a) => `Remove ${plural(a.connections.length, 'connection')}`,
  });
  registry.register({
    id: 'setParam', title: 'Set parameter', category: 'Layers', edit: edits.setParam,
    label: (a, doc) => `Set ${a.name} of ${layerName(doc, a.layerId)}`,
  });
  registry.register({
    id: 'renameLayer', title: 'Rename layer', category: 'Layers', edit: edits.renameLayer,
    label: (a) => `Rename to ${a.name}`,
  });
  registry.register({
    id: 'setFrozen', title: 'Freeze or unfreeze layers', category: 'Layers', edit: setFrozen,
    label: (a, doc) => `${a.frozen ? 'Freeze' : 'Unfreeze'} ${a.layerIds.length === 1 ? layerName(doc, a.layerIds[0]) : plural(a.layerIds.length, 'layer')}`,
  });
  registry.register({
    id: 'freezeUpTo', title: 'Freeze everything up to here', category: 'Layers', edit: freezeUpTo,
    label: (a, doc) => `Freeze everything up to ${layerName(doc, a.layerId)}`,
  });
  registry.register({
    id: 'moveLayers', title: 'Move layers', category: 'Layers', edit: edits.moveLayers,
    label: (a) => `Move ${plural(Object.keys(a.positions).length, 'layer')}`,
  });
  registry.register({
    id: 'paste', title: 'Paste', category: 'Edit', shortcuts: ['Mod+V'],
    edit: (doc, args, state) => {
      const clip = args?.clip ?? state.clipboard;
      if (!clip) throw new edits.CommandError('The clipboard is empty: select layers and copy them (Ctrl+C) first.');
      return edits.paste(doc, { clip, offset: args?.offset });
    },
    label: (a) => `Paste ${plural(a?.clip?.layers.length ?? store.getState().clipboard?.layers.length ?? 0, 'layer')}`,
  });
  registry.register({
    id: 'duplicate', title: 'Duplicate', category: 'Edit', shortcuts: ['Mod+D'],
    edit: (doc, args, state) => edits.duplicate(doc, { ids: args?.ids ?? state.selection.layers }),
    enabled: (s) => s.selection.layers.length > 0,
  });
  registry.register({
    id: 'autoLayout', title: 'Automatic layout', category: 'Layers', shortcuts: ['Mod+Shift+L'],
    edit: (doc, args) => edits.autoLayout(doc, args ?? {}),
  });
  registry.register({
    id: 'applyModelFix', title: 'Fix the model', category: 'Layers', edit: applyModelFix, label: (args) => args.fix.label,
  });
  registry.register({
    id: 'fitModelToData', title: 'Make the model fit the data', category: 'Layers', edit: fitModelToData,
  });
  registry.register({
    id: 'newHeadForData', title: 'New head for this data', category: 'Layers', edit: newHeadForData,
  });
  registry.register({
    id: 'setDataset', title: 'Change the data', category: 'Edit', edit: edits.setDataset,
  });
  registry.register({
    id: 'setTraining', title: 'Change training settings', category: 'Edit', edit: edits.setTraining,
  });
  registry.register({
    id: 'applySweepSettings', title: 'Use the sweep\'s settings', category: 'Edit', edit: applySweepSettings,
  });
  registry.register({
    id: 'makeBlock', title: 'Make block', category: 'Layers', shortcuts: ['Mod+G'],
    enabled: hasDocument,
    edit: (doc, args, state) => makeBlock(doc, { ...collapseArgs(args?.ids ?? state.selection.layers), ...args }),
    label: (a) => (a?.name ? `Make block ${a.name}` : 'Make block'),
  });
  registry.register({
    id: 'expandBlock', title: 'Expand block', category: 'Layers', shortcuts: ['Mod+Shift+G'],
    enabled: hasDocument,
    run: (args, ctx) => {
      const s = ctx.store.getState();
      if (!s.document) return null;
      const id = args?.id ?? (s.selection.layers.length === 1 ? s.selection.layers[0] : undefined);
      if (!id) throw new edits.CommandError('Select one block to expand.');
      const result = expandBlock(s.document, { id });
      s.commit('expandBlock', `Expand block ${result.expanded.name}`, result);
      setUi({ expandedBlock: result.expanded });
      return result.expanded;
    },
  });
  registry.register({
    id: 'insertBlock', title: 'Insert block', category: 'Layers', edit: insertBlock,
    label: (a) => `Add block ${a.block.definition}`,
  });
  registry.register({
    id: 'renameProject', title: 'Rename project', category: 'File', edit: edits.renameProject,
  });

  // ---- selection and clipboard
  registry.register({
    id: 'deleteSelection', title: 'Delete selection', category: 'Edit', shortcuts: ['Delete', 'Backspace'],
    enabled: hasSelection,
    run: (_a, ctx) => {
      const { selection } = ctx.store.getState();
      return ctx.registry.execute('removeLayers', { layers: selection.layers, connections: selection.connections });
    },
  });
  registry.register({
    id: 'copy', title: 'Copy', category: 'Edit', shortcuts: ['Mod+C'],
    enabled: (s) => s.selection.layers.length > 0,
    run: (_a, ctx) => {
      const s = ctx.store.getState();
      const clip = s.document ? edits.copyLayers(s.document, s.selection.layers) : null;
      if (clip) s.setClipboard(clip);
      return clip;
    },
  });
  registry.register({
    id: 'cut', title: 'Cut', category: 'Edit', shortcuts: ['Mod+X'],
    enabled: (s) => s.selection.layers.length > 0,
    run: (_a, ctx) => {
      ctx.registry.execute('copy');
      return ctx.registry.execute('deleteSelection');
    },
  });
  registry.register({
    id: 'selectAll', title: 'Select all layers', category: 'Edit', shortcuts: ['Mod+A'], enabled: hasDocument,
    run: (_a, ctx) => {
      const s = ctx.store.getState();
      s.setSelection({ layers: s.document?.graph.layers.map((l) => l.id) ?? [], connections: [] });
    },
  });
  registry.register({
    id: 'clearSelection', title: 'Clear selection', category: 'Edit', shortcuts: ['Escape'],
    run: (_a, ctx) => {
      if (uiStore.getState().shortcutsOpen || uiStore.getState().dialog) setUi({ shortcutsOpen: false, dialog: null });
      else ctx.store.getState().setSelection({ layers: [], connections: [] });
    },
  });

  // ---- history
  registry.register({
    id: 'undo', title: 'Undo', category: 'Edit', shortcuts: ['Mod+Z'],
    enabled: (s) => s.past.length > 0,
    run: (_a, ctx) => ctx.store.getState().undo(),
  });
  registry.register({
    id: 'redo', title: 'Redo', category: 'Edit', shortcuts: ['Mod+Shift+Z', 'Mod+Y'],
    enabled: (s) => s.future.length > 0,
    run: (_a, ctx) => ctx.store.getState().redo(),
  });

  // ---- files
  registry.register({
    id: 'save', title: 'Save', category: 'File', shortcuts: ['Mod+S'], whileTyping: true, enabled: hasDocument,
    run: (_a, ctx) => saveProject(ctx.store),
  });
  registry.register({
    id: 'saveAs', title: 'Save as…', category: 'File', shortcuts: ['Mod+Shift+S'], whileTyping: true, enabled: hasDocument,
    run: (_a, ctx) => saveProjectAs(undefined, ctx.store),
  });
  registry.register({
    id: 'open', title: 'Open…', category: 'File', shortcuts: ['Mod+O'], whileTyping: true,
    run: (_a, ctx) => openProject(ctx.store),
  });
  registry.register({
    id: 'importModelFolder', title: 'Import model folder (with weights)…', category: 'File',
    run: (_a, ctx) => importModelFolder(null, ctx.store),
  });
  registry.register({
    id: 'goToStart', title: 'Start page', category: 'File',
    run: () => setUi({ showStart: true }),
  });

  // ---- view and help
  registry.register({
    id: 'fitView', title: 'Fit the model in view', category: 'View', shortcuts: ['F'],
    run: () => setUi({ fitViewRequest: uiStore.getState().fitViewRequest + 1 }),
  });
  registry.register({
    id: 'showShortcuts', title: 'Keyboard shortcuts', category: 'Help', shortcuts: ['?'],
    run: () => setUi({ shortcutsOpen: !uiStore.getState().shortcutsOpen }),
  });
  registry.register({
    id: 'addLayerAfterSelection', title: 'Add layer after the selected one', category: 'Layers',
    run: (args, ctx) => {
      const { selection } = ctx.store.getState();
      const after = selection.layers.length === 1 ? selection.layers[0] : undefined;
      const onConnection = !after && selection.layers.length === 0 && selection.connections.length === 1 ? selection.connections[0] : undefined;
      const def = getLayerDef(args.type);
      if (def && def.maxInputs === 0 && (after || onConnection)) notify.info(`${args.type} starts a model, so it was added unconnected.`);
      return ctx.registry.execute('addLayer', { type: args.type, after, onConnection });
    },
  });
}

export function createAppCommands(store: ProjectStore, options?: ConstructorParameters<typeof CommandRegistry>[1]): CommandRegistry {
  const registry = new CommandRegistry(store, options);
  registerAppCommands(registry, store);
  return registry;
}
