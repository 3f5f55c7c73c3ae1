// The preload of the studio window (bundled to dist/electron/preload.cjs, CommonJS, for a sandboxed
// renderer): exposes the typed API bridge as `window.modelwright` — never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('modelwright', createDesktopBridge(ipcRenderer, process.platform));
