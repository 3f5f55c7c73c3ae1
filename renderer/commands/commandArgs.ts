// The closed list of command ids and what each one takes: `commands.execute('setParam', {...})` with an id
// that does not exist, or arguments of the wrong shape, is a type error. A command without arguments
// takes `undefined`; one whose arguments are optional takes `X | undefined`.
import type { ClipboardContent, Position } from '../state/patch.ts';
import type { AddLayerArgs, ConnectArgs, RemoveArgs, SetParamArgs, setDataset, setTraining } from './graphEdits.ts';
import type { insertBlock, MakeBlockArgs } from './blockEdits.ts';
import type { applyModelFix, fitModelToData, newHeadForData } from './modelFixEdits.ts';
import type { applySweepSettings } from './tuningEdits.ts';
import type { SetFrozenArgs } from './freezeEdits.ts';

export interface CommandArgs {
  // graph edits (appCommands.ts): each becomes one undoable step
  addLayer: AddLayerArgs;
  removeLayers: RemoveArgs;
  connectLayers: ConnectArgs;
  disconnect: { connections: string[] };
  setParam: SetParamArgs;
  renameLayer: { layerId: string; name: string };
  /** Frozen layers keep their weights through training (`trainable: false`). */
  setFrozen: SetFrozenArgs;
  /** Freezes the layer and every layer upstream of it that has weights. */
  freezeUpTo: { layerId: string };
  moveLayers: { positions: Record<string, Position> };
  /** Without a clip, the clipboard's. */
  paste: { clip?: ClipboardContent; offset?: Position } | undefined;
  /** Without ids, the selected layers. */
  duplicate: { ids?: string[] } | undefined;
  autoLayout: { direction?: 'TB' | 'LR' } | undefined;
  applyModelFix: Parameters<typeof applyModelFix>[1];
  fitModelToData: Parameters<typeof fitModelToData>[1];
  /** Replaces the head (last Dense and what follows it) with a fresh Dense sized from the data; the body stays. */
  newHeadForData: Parameters<typeof newHeadForData>[1];
  setDataset: Parameters<typeof setDataset>[1];
  setTraining: Parameters<typeof setTraining>[1];
  /** A sweep trial's settings written into the project (Tune mode's "Use best settings"). */
  applySweepSettings: Parameters<typeof applySweepSettings>[1];
  renameProject: { name: string };
  /** Without ids, the selected layers; on exactly the layers of the block last expanded, that block again. */
  makeBlock: Partial<MakeBlockArgs> | undefined;
  /** Without an id, the one selected block. */
  expandBlock: { id?: string } | undefined;
  insertBlock: Parameters<typeof insertBlock>[1];
  /** Adds the type after the one selected layer (or into the one selected connection). */
  addLayerAfterSelection: { type: string };
  // selection, clipboard, history, files, view and help
  deleteSelection: undefined;
  copy: undefined;
  cut: undefined;
  selectAll: undefined;
  clearSelection: undefined;
  undo: undefined;
  redo: undefined;
  save: undefined;
  saveAs: undefined;
  open: undefined;
  goToStart: undefined;
  importModelFolder: undefined;
  fitView: undefined;
  showShortcuts: undefined;
  /** One per panel (App.tsx), so panel shortcuts appear in the shortcut list too. */
  [showPanel: `showPanel:${string}`]: undefined;
}

export type CommandId = keyof CommandArgs;

/** What `execute(id, ...)` takes after the id: the arguments, which may be left out when they are optional. */
export type CommandArgList<K extends CommandId> = undefined extends CommandArgs[K] ? [args?: CommandArgs[K]] : [args: CommandArgs[K]];
