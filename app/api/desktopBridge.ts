// What the Electron preload exposes as `window.modelwright`, shared by the preload (main/) and the
// renderer's Electron host: the API contract's methods and events, native dialogs and menu commands.
import { z } from 'zod';
import type { ModelwrightApi } from './contract.ts';
import type { ApiErrorInfo } from './errors.ts';
import type { Event } from './events.ts';

/** IPC channel names: one generic RPC channel for the whole contract, plus the few desktop extras. */
export const ipcChannels = {
  /** RPC messages (app/api/rpc.ts) in both directions: requests in, responses and service events out. */
  rpc: 'modelwright:rpc',
  /** Native open/save dialogs (invoke). */
  dialog: 'modelwright:dialog',
  /** Native editing of the focused text field: undo, cut, paste... (invoke). */
  edit: 'modelwright:edit',
  /** Main → renderer: a menu item was chosen. */
  menuCommand: 'modelwright:menu-command',
  /** Renderer → main: the recent list or the open project changed, so the menu can follow (send). */
  menuState: 'modelwright:menu-state',
} as const;

/**
 * A method's outcome as it crosses contextBridge. The bridge copies thrown errors without their own
 * properties, so a rejection would lose the error `code` the UI relies on (`exists`, `not-found`...).
 */
export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorInfo };

type BridgedMember<M> =
  M extends Event<infer D> ? (listener: (data: D) => void) => () => void
    : M extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<BridgeResult<R>>
      : never;

/** A service as the preload exposes it: each method resolves to a BridgeResult; each event returns an unsubscribe function. */
export type BridgedService<S> = { readonly [K in keyof S]: BridgedMember<S[K]> };
export type BridgedApi = { readonly [S in keyof ModelwrightApi]: BridgedService<ModelwrightApi[S]> };

const fileFilter = z.strictObject({
  name: z.string().min(1).max(100),
  extensions: z.array(z.string().regex(/^(\*|[A-Za-z0-9]{1,16})$/, 'an extension is letters and digits without a dot, or *')).min(1).max(20),
});

export const openDialogOptionsSchema = z.strictObject({
  title: z.string().max(200),
  filters: z.array(fileFilter).max(10).default([]),
  /** Choose a folder (an image folder dataset) instead of a file. */
  folder: z.boolean().optional(),
});
export const saveDialogOptionsSchema = z.strictObject({
  title: z.string().max(200),
  /** A file name suggestion; folders in it are ignored (the dialog starts in the user's documents). */
  defaultPath: z.string().max(1000),
  filters: z.array(fileFilter).max(10).default([]),
});
export const dialogRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('open'), options: openDialogOptionsSchema }),
  z.strictObject({ kind: z.literal('save'), options: saveDialogOptionsSchema }),
]);
export type OpenDialogOptions = z.input<typeof openDialogOptionsSchema>;
export type SaveDialogOptions = z.input<typeof saveDialogOptionsSchema>;
export type DialogRequest = z.input<typeof dialogRequestSchema>;

export const editActions = ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll'] as const;
export type EditAction = (typeof editActions)[number];
export const editActionSchema = z.enum(editActions);

/** Panels the View menu can show (ids of renderer/panels/registry.ts). */
export const menuPanels = [
  { id: 'canvas', title: 'Model' }, { id: 'data', title: 'Data' }, { id: 'training', title: 'Training' },
  { id: 'runs', title: 'Runs' }, { id: 'evaluation', title: 'Evaluation' }, { id: 'tryit', title: 'Try it' },
  { id: 'code', title: 'Code' }, { id: 'export', title: 'Export' },
] as const;

/** Renderer command ids that menu items dispatch (the renderer's command registry runs them). */
export const menuCommandIds = [
  'newProject', 'open', 'openRecent', 'save', 'saveAs', 'importModel', 'importModelFolder', 'export',
  'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll',
  ...menuPanels.map((p) => `showPanel:${p.id}` as const), 'fitView',
  'train', 'stop',
  'showShortcuts',
] as const;
export type MenuCommandId = (typeof menuCommandIds)[number];

export interface MenuCommand {
  id: MenuCommandId;
  /** `openRecent`: the file to open. */
  args?: { path?: string };
}

/** What the renderer tells the main process so the menu matches the studio (Save greyed out without a project). */
export const menuStateSchema = z.strictObject({
  hasProject: z.boolean(),
  training: z.boolean(),
});
export type MenuState = z.infer<typeof menuStateSchema>;

/** `window.modelwright` under Electron. */
export interface DesktopBridge {
  readonly kind: 'electron';
  readonly platform: string;
  readonly api: BridgedApi;
  showOpenDialog(options: OpenDialogOptions): Promise<string | null>;
  showSaveDialog(options: SaveDialogOptions): Promise<string | null>;
  /** Runs the browser's own editing command on the focused text field (the menu's Edit items there). */
  nativeEdit(action: EditAction): Promise<void>;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  setMenuState(state: MenuState): void;
}
