// The API contract suite over Electron IPC: IPC router in the "main process", the preload bridge behind a
// simulated contextBridge, and the renderer's Electron host on top — the same suite as LocalHost and WebSocket.
import { createIpcRouter } from '../../../main/electron/ipcRouter.ts';
import { createDesktopBridge } from '../../../main/electron/bridge.ts';
import type { NativeDialogs } from '../../../main/electron/dialogs.ts';
import { createElectronHost } from '../../../renderer/host/electronHost.ts';
import { defineContractSuite } from '../api/contract.suite.ts';
import { FakeIpcMain, FakeWebContents, fakeIpcRenderer, throughContextBridge } from './fakeElectron.ts';

const noDialogs: NativeDialogs = {
  showOpen: async () => null,
  showSave: async () => null,
  confirmDiscard: async () => false,
  confirmOpenExternal: async () => false,
};

defineContractSuite('Electron IPC (router + preload bridge + renderer host)', async (host) => {
  const ipcMain = new FakeIpcMain();
  const contents = new FakeWebContents();
  const router = createIpcRouter({ ipcMain, api: host.api, dialogs: noDialogs });
  router.attach(contents);
  const bridge = throughContextBridge(createDesktopBridge(fakeIpcRenderer(ipcMain, contents), 'linux'));
  const electronHost = createElectronHost(bridge);
  return {
    api: electronHost.api,
    close: async () => {
      contents.destroy();
      router.dispose();
    },
  };
});
