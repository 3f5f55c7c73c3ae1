// The body of the preload: builds the `window.modelwright` object from an ipcRenderer-like object.
// Kept free of the electron import so tests can drive it with a fake ipcRenderer.
import { serviceMember } from '../../app/api/contract.ts';
import { contractBridge } from '../../app/api/contractObject.ts';
import {
  ipcChannels, menuCommandIds, type DesktopBridge, type EditAction, type MenuCommand, type MenuState,
  type OpenDialogOptions, type SaveDialogOptions,
} from '../../app/api/desktopBridge.ts';
import { toApiErrorInfo } from '../../app/api/errors.ts';
import { RpcClient } from '../../app/api/rpc.ts';

/** The part of Electron's ipcRenderer the preload uses. */
export interface IpcRendererLike {
  send(channel: string, ...args: unknown[]): void;
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

const knownMenuCommands = new Set<string>(menuCommandIds);

/**
 * Only the contract's methods and events, the dialogs and the menu commands: no channel names, no
 * ipcRenderer, nothing a page could use to reach other IPC handlers.
 */
export function createDesktopBridge(ipc: IpcRendererLike, platform: string): DesktopBridge {
  const client = new RpcClient((text) => ipc.send(ipcChannels.rpc, text));
  ipc.on(ipcChannels.rpc, (_event, text) => { if (typeof text === 'string') client.receive(text); });

  const api = contractBridge({
    method: (service, method) => (...args: unknown[]) => client.call(service, method, args).then(
      (value) => ({ ok: true, value }),
      (err: unknown) => ({ ok: false, error: toApiErrorInfo(err) }),
    ),
    event: (service, event) => {
      const subscribe = serviceMember(client.api, service, event);
      if (typeof subscribe !== 'function') return undefined;
      return (listener: (data: unknown) => void) => {
        if (typeof listener !== 'function') throw new TypeError(`${service}.${event} needs a listener function`);
        const subscription: { dispose(): void } = subscribe((data: unknown) => listener(data));
        return () => subscription.dispose();
      };
    },
  });

  const dialog = async (kind: 'open' | 'save', options: OpenDialogOptions | SaveDialogOptions): Promise<string | null> => {
    const chosen = await ipc.invoke(ipcChannels.dialog, { kind, options });
    return typeof chosen === 'string' ? chosen : null;
  };

  return Object.freeze({
    kind: 'electron' as const,
    platform,
    api,
    showOpenDialog: (options: OpenDialogOptions) => dialog('open', options),
    showSaveDialog: (options: SaveDialogOptions) => dialog('save', options),
    nativeEdit: async (action: EditAction) => { await ipc.invoke(ipcChannels.edit, action); },
    onMenuCommand(listener: (command: MenuCommand) => void) {
      const handler = (_event: unknown, command: unknown) => {
        const id = (command as { id?: unknown } | null)?.id;
        if (typeof id === 'string' && knownMenuCommands.has(id)) listener(command as MenuCommand);
      };
      ipc.on(ipcChannels.menuCommand, handler);
      return () => { ipc.removeListener(ipcChannels.menuCommand, handler); };
    },
    setMenuState(state: MenuState) {
      ipc.send(ipcChannels.menuState, { hasProject: Boolean(state.hasProject), training: Boolean(state.training) });
    },
  });
}
