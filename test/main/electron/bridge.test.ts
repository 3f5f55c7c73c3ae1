// The preload bridge and the renderer's Electron host: error codes survive contextBridge, only the
// contract's members are exposed, menu commands are filtered, and Edit items act on text fields natively.
import { describe, expect, it, vi } from 'vitest';
import { apiContract, serviceNames } from '../../../app/api/contract.ts';
import { ipcChannels, type DesktopBridge, type MenuCommand } from '../../../app/api/desktopBridge.ts';
import { ApiError } from '../../../app/api/errors.ts';
import { createDesktopBridge } from '../../../main/electron/bridge.ts';
import { createIpcRouter } from '../../../main/electron/ipcRouter.ts';
import { createElectronHost, dispatchMenuCommand, findDesktopBridge, isEditableElement, type MenuCommandTarget } from '../../../renderer/host/electronHost.ts';
import { FakeIpcMain, FakeWebContents, fakeIpcRenderer, throughContextBridge } from './fakeElectron.ts';
import type { ModelwrightApi } from '../../../app/api/contract.ts';

function setup(api: Partial<Record<string, unknown>>) {
  const asked: unknown[] = [];
  const ipcMain = new FakeIpcMain();
  const contents = new FakeWebContents();
  const skeleton = Object.fromEntries(serviceNames.map((name) => [name, {}]));
  const router = createIpcRouter({
    ipcMain, api: { ...skeleton, ...api } as unknown as ModelwrightApi,
    dialogs: {
      showOpen: async (_sender, options) => { asked.push(options); return '/home/me/a.mwproj'; },
      showSave: async (_sender, options) => { asked.push(options); return null; },
      confirmDiscard: async () => true, confirmOpenExternal: async () => false },
  });
  const renderer = fakeIpcRenderer(ipcMain, contents);
  const bridge = throughContextBridge(createDesktopBridge(renderer, 'linux'));
  return { ipcMain, contents, router, renderer, bridge, host: createElectronHost(bridge), asked };
}

describe('desktop bridge', () => {
  it('exposes exactly the contract (methods and events), dialogs and menu hooks — no ipcRenderer, no channels', () => {
    const { bridge } = setup({});
    expect(Object.keys(bridge).sort()).toEqual(['api', 'kind', 'nativeEdit', 'onMenuCommand', 'platform', 'setMenuState', 'showOpenDialog', 'showSaveDialog']);
    expect(Object.keys(bridge.api).sort()).toEqual([...serviceNames].sort());
    for (const s of serviceNames) {
      const expected = [...Object.keys(apiContract[s].methods), ...apiContract[s].events].sort();
      expect(Object.keys(bridge.api[s]).sort(), s).toEqual(expected);
    }
    expect(JSON.stringify(bridge)).not.toMatch(/ipcRenderer|modelwright:/);
  });

  it('keeps the error code across contextBridge (which drops error properties)', async () => {
    const { host, router } = setup({
      runs: { rename: async (runId: number) => { throw new ApiError('not-found', `There is no run ${runId}.`); } },
    });
    const err = await host.api.runs.rename(5, 'better name').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('not-found');
    expect((err as ApiError).message).toBe('There is no run 5.');
    // Refused by the contract before any service runs, and a method this host lacks.
    expect(((await host.api.runs.rename(0, '').catch((e: unknown) => e)) as ApiError).code).toBe('invalid-argument');
    expect(((await host.api.runs.get(5).catch((e: unknown) => e)) as ApiError).code).toBe('not-available');
    router.dispose();
  });

  it('passes events through and stops them on dispose', async () => {
    const { host, router, contents } = setup({});
    router.attach(contents);
    const seen: unknown[] = [];
    const sub = host.api.runs.onDidChange((c) => seen.push(c));
    contents.send(ipcChannels.rpc, JSON.stringify({ type: 'event', service: 'runs', event: 'onDidChange', data: { kind: 'deleted', runId: 2 } }));
    await new Promise((r) => setTimeout(r, 10));
    sub.dispose();
    contents.send(ipcChannels.rpc, JSON.stringify({ type: 'event', service: 'runs', event: 'onDidChange', data: { kind: 'deleted', runId: 3 } }));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([{ kind: 'deleted', runId: 2 }]);
  });

  it('the host asks through the native dialogs (via the router); menu commands with unknown ids are dropped', async () => {
    const { bridge, host, contents, router, asked } = setup({});
    expect(host.can).toEqual({ nativeDialogs: true, download: false });
    await expect(host.openProject()).resolves.toBe('/home/me/a.mwproj');
    await expect(host.saveAs('Iris.mwproj')).resolves.toBeNull();
    await expect(host.pickDataFile({ what: 'table', input: null })).resolves.toBe('/home/me/a.mwproj');
    await expect(host.pickDataFile({ what: 'imageFolder', input: null })).resolves.toBe('/home/me/a.mwproj');
    expect(asked).toMatchObject([
      { title: 'Open a project or model', filters: [{ extensions: ['mwproj'] }, { extensions: ['json'] }] },
      { title: 'Save project as', defaultPath: 'Iris.mwproj', filters: [{ extensions: ['mwproj'] }] },
      { title: 'Choose a CSV or TSV file', filters: [{ extensions: ['csv', 'tsv', 'txt'] }] },
      { title: 'Choose the folder of class folders', folder: true },
    ]);
    const got: MenuCommand[] = [];
    bridge.onMenuCommand((c) => got.push(c));
    router.sendMenuCommand(contents, { id: 'save' });
    contents.send(ipcChannels.menuCommand, { id: 'rm -rf' });
    router.sendMenuCommand(contents, { id: 'openRecent', args: { path: '/home/me/iris.mwproj' } });
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([{ id: 'save' }, { id: 'openRecent', args: { path: '/home/me/iris.mwproj' } }]);
  });

  it('findDesktopBridge recognises only the preload object', () => {
    const { bridge } = setup({});
    expect(findDesktopBridge({ modelwright: bridge })).toBe(bridge);
    expect(findDesktopBridge({})).toBeNull();
    expect(findDesktopBridge({ modelwright: { projects: {} } })).toBeNull();
  });
});

describe('menu command dispatch in the renderer', () => {
  const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, isContentEditable: false, ...extra }) as unknown as Element;

  it('knows which elements are text fields', () => {
    expect(isEditableElement(el('INPUT', { type: 'text' }))).toBe(true);
    expect(isEditableElement(el('INPUT', { type: 'number' }))).toBe(true);
    expect(isEditableElement(el('TEXTAREA'))).toBe(true);
    expect(isEditableElement(el('DIV', { isContentEditable: true }))).toBe(true);
    expect(isEditableElement(el('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isEditableElement(el('BUTTON'))).toBe(false);
    expect(isEditableElement(null)).toBe(false);
  });

  function target(active: Element | null, registered: string[]) {
    const executed: [string, unknown][] = [];
    const fallback = vi.fn();
    const report = vi.fn();
    const t: MenuCommandTarget = {
      execute: (id, args) => { if (!registered.includes(id)) return false; executed.push([id, args]); return true; },
      fallbacks: { train: fallback, openRecent: fallback },
      activeElement: () => active,
      report,
    };
    return { t, executed, fallback, report };
  }

  it('Edit items act on a focused text field natively and on the canvas through the registry', async () => {
    const bridge = { nativeEdit: vi.fn(async () => {}) } as unknown as DesktopBridge;
    const typing = target(el('TEXTAREA'), ['copy', 'save']);
    await dispatchMenuCommand(bridge, typing.t, { id: 'copy' });
    await dispatchMenuCommand(bridge, typing.t, { id: 'save' });
    expect(bridge.nativeEdit).toHaveBeenCalledWith('copy');
    expect(typing.executed).toEqual([['save', undefined]]);
    const canvas = target(el('DIV'), ['copy']);
    await dispatchMenuCommand(bridge, canvas.t, { id: 'copy' });
    expect(canvas.executed).toEqual([['copy', undefined]]);
    expect(bridge.nativeEdit).toHaveBeenCalledTimes(1);
  });

  it('falls back when the registry lacks the command, and reports failures', async () => {
    const bridge = { nativeEdit: vi.fn() } as unknown as DesktopBridge;
    const { t, fallback, report } = target(null, []);
    await dispatchMenuCommand(bridge, t, { id: 'openRecent', args: { path: '/a.mwproj' } });
    expect(fallback).toHaveBeenCalledWith({ id: 'openRecent', args: { path: '/a.mwproj' } });
    fallback.mockRejectedValueOnce(new Error('no data'));
    await dispatchMenuCommand(bridge, t, { id: 'train' });
    expect(report).toHaveBeenCalledWith(expect.objectContaining({ message: 'no data' }));
  });
});
