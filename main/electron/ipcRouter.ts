// The main-process end of the studio's IPC: the API contract over one RPC channel (validated by the
// same RpcServer as the WebSocket host), native dialogs and editing; every message must come from our
// own app:// frame, everything else is dropped and logged.
import type { ModelwrightServices } from '../../app/api/contract.ts';
import {
  dialogRequestSchema, editActionSchema, ipcChannels, menuStateSchema, type MenuCommand, type MenuState,
} from '../../app/api/desktopBridge.ts';
import { RpcServer, type RpcServerConnection } from '../../app/api/rpc.ts';
import type { NativeDialogs } from './dialogs.ts';
import { appOrigin } from './protocol.ts';

/** The part of a webContents the router uses. */
export interface SenderLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
  undo(): void; redo(): void; cut(): void; copy(): void; paste(): void; selectAll(): void;
}

export interface IpcEventLike {
  readonly sender: SenderLike;
  /** Null when the frame navigated away or was destroyed before the message arrived. */
  readonly senderFrame: { readonly url: string; readonly parent?: unknown } | null | undefined;
}

/** The part of Electron's ipcMain the router uses. */
export interface IpcMainLike {
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeHandler(channel: string): void;
}

export interface IpcRouterOptions {
  ipcMain: IpcMainLike;
  api: ModelwrightServices;
  dialogs: NativeDialogs;
  /** The origin pages must come from (default app://modelwright). */
  origin?: string;
  /** The renderer reported what it shows (the menu follows). */
  onMenuState?: (sender: SenderLike, state: MenuState) => void;
  log?: (message: string) => void;
}

export interface IpcRouter {
  /** Channels this router listens on; nothing else is handled. */
  readonly channels: readonly string[];
  /** Connects a window at once, so service events reach it before its first call. */
  attach(target: SenderLike): void;
  /** Tells the window's renderer that a menu item was chosen. */
  sendMenuCommand(target: SenderLike, command: MenuCommand): void;
  /** Open connections (one per window that has called the API). */
  readonly connections: number;
  dispose(): void;
}

/** True when the message comes from the main frame of a page showing our bundled renderer (never a subframe). */
export function isTrustedSender(event: IpcEventLike, origin: string = appOrigin): boolean {
  const url = event.senderFrame?.url;
  if (typeof url !== 'string') return false;
  // Electron's WebFrameMain.parent is null exactly for a top-level frame; a frame without that answer is not trusted.
  if (event.senderFrame?.parent !== null) return false;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === origin;
  } catch {
    return false;
  }
}

export function createIpcRouter(options: IpcRouterOptions): IpcRouter {
  const { ipcMain, dialogs } = options;
  const origin = options.origin ?? appOrigin;
  const log = options.log ?? (() => {});
  const server = new RpcServer(options.api, { onInternalError: (err, where) => log(`internal error in ${where}: ${(err as Error)?.stack ?? err}`) });
  const connections = new Map<number, RpcServerConnection>();

  const refuse = (event: IpcEventLike, channel: string): void => {
    log(`refused an IPC message on ${channel} from ${JSON.stringify(event.senderFrame?.url ?? 'a frame that is gone')}`);
  };

  const connectionFor = (sender: SenderLike): RpcServerConnection => {
    let connection = connections.get(sender.id);
    if (!connection) {
      connection = server.connect((text) => { if (!sender.isDestroyed()) sender.send(ipcChannels.rpc, text); });
      connections.set(sender.id, connection);
      // A reloaded or closed window stops receiving events; its next call connects again.
      sender.once('destroyed', () => {
        connections.get(sender.id)?.dispose();
        connections.delete(sender.id);
      });
    }
    return connection;
  };

  const onRpc = (event: IpcEventLike, text: unknown) => {
    if (!isTrustedSender(event, origin)) return refuse(event, ipcChannels.rpc);
    // RpcServer answers everything else itself: not text, not JSON, unknown methods, bad arguments.
    let connection: RpcServerConnection;
    try {
      connection = connectionFor(event.sender);
    } catch (err) {
      log(`internal error connecting a window to the services: ${(err as Error)?.stack ?? err}`);
      return;
    }
    void connection.receive(text as string);
  };

  const onMenuState = (event: IpcEventLike, state: unknown) => {
    if (!isTrustedSender(event, origin)) return refuse(event, ipcChannels.menuState);
    const parsed = menuStateSchema.safeParse(state);
    if (parsed.success) options.onMenuState?.(event.sender, parsed.data);
  };

  const onDialog = async (event: IpcEventLike, request: unknown): Promise<string | null> => {
    if (!isTrustedSender(event, origin)) {
      refuse(event, ipcChannels.dialog);
      throw new Error('refused: this frame may not open dialogs');
    }
    const parsed = dialogRequestSchema.safeParse(request);
    if (!parsed.success) throw new Error(`invalid dialog request: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
    const r = parsed.data;
    return r.kind === 'open' ? dialogs.showOpen(event.sender, r.options) : dialogs.showSave(event.sender, r.options);
  };

  const onEdit = (event: IpcEventLike, action: unknown): void => {
    if (!isTrustedSender(event, origin)) {
      refuse(event, ipcChannels.edit);
      throw new Error('refused: this frame may not edit');
    }
    const parsed = editActionSchema.safeParse(action);
    if (!parsed.success) throw new Error(`unknown edit action ${JSON.stringify(action)}`);
    event.sender[parsed.data]();
  };

  ipcMain.on(ipcChannels.rpc, onRpc);
  ipcMain.on(ipcChannels.menuState, onMenuState);
  ipcMain.handle(ipcChannels.dialog, onDialog);
  ipcMain.handle(ipcChannels.edit, onEdit);

  return {
    channels: [ipcChannels.rpc, ipcChannels.menuState, ipcChannels.dialog, ipcChannels.edit],
    attach(target) { connectionFor(target); },
    sendMenuCommand(target, command) {
      if (!target.isDestroyed()) target.send(ipcChannels.menuCommand, command);
    },
    get connections() { return connections.size; },
    dispose() {
      ipcMain.removeListener(ipcChannels.rpc, onRpc);
      ipcMain.removeListener(ipcChannels.menuState, onMenuState);
      ipcMain.removeHandler(ipcChannels.dialog);
      ipcMain.removeHandler(ipcChannels.edit);
      for (const c of connections.values()) c.dispose();
      connections.clear();
    },
  };
}
