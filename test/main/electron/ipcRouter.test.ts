// The IPC router refuses what it must (foreign frames, unknown channels and methods, bad arguments,
// bad dialog/edit requests) and routes good calls to the services, events to the window.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { ipcChannels } from '../../../app/api/desktopBridge.ts';
import { Emitter } from '../../../app/api/events.ts';
import type { RpcMessage } from '../../../app/api/rpc.ts';
import { createIpcRouter, isTrustedSender, type IpcRouter } from '../../../main/electron/ipcRouter.ts';
import type { NativeDialogs } from '../../../main/electron/dialogs.ts';
import { FakeIpcMain, FakeWebContents } from './fakeElectron.ts';

function fakeApi() {
  const runChanges = new Emitter<unknown>();
  const get = vi.fn(async (runId: number) => ({ id: runId, name: `run ${runId}` }));
  const api = {
    projects: {}, catalog: {}, datasets: {}, training: {}, export: {}, predict: {}, sweeps: {},
    runs: { get, onDidChange: runChanges.event },
  } as unknown as ModelwrightApi;
  return { api, get, runChanges };
}

const dialogs = (): NativeDialogs & { calls: unknown[] } => {
  const calls: unknown[] = [];
  return {
    calls,
    showOpen: async (_s, o) => { calls.push(['open', o]); return '/home/me/iris.mwproj'; },
    showSave: async (_s, o) => { calls.push(['save', o]); return '/home/me/out.mwproj'; },
    confirmDiscard: async () => true,
    confirmOpenExternal: async () => false,
  };
};

const ours = { url: 'app://modelwright/index.html', parent: null };
const request = (id: number, service: string, method: string, args: unknown[]) => JSON.stringify({ type: 'request', id, service, method, args });
const tick = () => new Promise((r) => setTimeout(r, 10));

function rpcReplies(contents: FakeWebContents): RpcMessage[] {
  return contents.sent.filter((m) => m.channel === ipcChannels.rpc).map((m) => JSON.parse(m.args[0] as string) as RpcMessage);
}

describe('IPC router', () => {
  let router: IpcRouter | undefined;
  afterEach(() => router?.dispose());

  it('listens on exactly its four channels; a message on any other channel reaches nothing', () => {
    const ipcMain = new FakeIpcMain();
    router = createIpcRouter({ ipcMain, api: fakeApi().api, dialogs: dialogs() });
    expect([...ipcMain.listeners.keys()].sort()).toEqual([ipcChannels.menuState, ipcChannels.rpc].sort());
    expect([...ipcMain.handlers.keys()].sort()).toEqual([ipcChannels.dialog, ipcChannels.edit].sort());
    expect(router.channels).toHaveLength(4);
    const contents = new FakeWebContents();
    expect(ipcMain.emit('modelwright:shell', { sender: contents, senderFrame: ours }, 'rm -rf')).toBe(0);
    return expect(ipcMain.invoke('modelwright:fs', { sender: contents, senderFrame: ours })).rejects.toThrow(/No handler/);
  });

  it('routes a valid call from our frame to the service and replies on the same webContents', async () => {
    const ipcMain = new FakeIpcMain();
    const { api, get } = fakeApi();
    router = createIpcRouter({ ipcMain, api, dialogs: dialogs() });
    const contents = new FakeWebContents();
    ipcMain.emit(ipcChannels.rpc, { sender: contents, senderFrame: ours }, request(7, 'runs', 'get', [3]));
    await tick();
    expect(get).toHaveBeenCalledWith(3);
    expect(rpcReplies(contents)).toContainEqual({ type: 'response', id: 7, result: { id: 3, name: 'run 3' } });
  });

  it.each([
    ['a file:// page', { url: 'file:///home/me/evil.html' }],
    ['a remote page', { url: 'https://evil.example/app://modelwright/' }],
    ['a look-alike host', { url: 'app://modelwright.evil/index.html' }],
    ['another custom scheme', { url: 'evil://modelwright/index.html' }],
    ['a frame that is gone', null],
    ['a subframe of our own page (an iframe)', { url: 'app://modelwright/index.html', parent: { url: 'app://modelwright/index.html' } }],
    ['a frame that does not say whether it is the main frame', { url: 'app://modelwright/index.html' }],
  ])('drops calls from %s without touching the services or answering', async (_name, frame) => {
    const ipcMain = new FakeIpcMain();
    const { api, get } = fakeApi();
    const log = vi.fn();
    router = createIpcRouter({ ipcMain, api, dialogs: dialogs(), log });
    const contents = new FakeWebContents();
    ipcMain.emit(ipcChannels.rpc, { sender: contents, senderFrame: frame }, request(1, 'runs', 'get', [3]));
    await tick();
    expect(get).not.toHaveBeenCalled();
    expect(contents.sent).toEqual([]);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('refused an IPC message'));
    await expect(ipcMain.invoke(ipcChannels.dialog, { sender: contents, senderFrame: frame }, { kind: 'open', options: { title: 'x' } })).rejects.toThrow(/refused/);
    await expect(ipcMain.invoke(ipcChannels.edit, { sender: contents, senderFrame: frame }, 'paste')).rejects.toThrow(/refused/);
    expect(contents.edits).toEqual([]);
  });

  it('refuses unknown services and methods, and arguments that do not match the contract', async () => {
    const ipcMain = new FakeIpcMain();
    const { api, get } = fakeApi();
    router = createIpcRouter({ ipcMain, api, dialogs: dialogs() });
    const contents = new FakeWebContents();
    const send = (text: unknown) => ipcMain.emit(ipcChannels.rpc, { sender: contents, senderFrame: ours }, text);
    send(request(1, 'shell', 'exec', ['ls']));
    send(request(2, 'runs', 'constructor', []));
    send(request(3, 'runs', '__proto__', []));
    send(request(4, 'runs', 'get', ['3']));
    send(request(5, 'runs', 'get', [-1]));
    send(request(6, 'runs', 'get', [1, 2, 3]));
    send('{"type":"request"');
    send({ not: 'text' });
    send(request(9, 'runs', 'onDidChange', []));
    await tick();
    expect(get).not.toHaveBeenCalled();
    const replies = rpcReplies(contents);
    const codeOf = (id: number | null) => replies.find((r) => r.type === 'error' && r.id === id)?.type === 'error'
      ? (replies.find((r) => r.type === 'error' && r.id === id) as { error: { code: string } }).error.code : undefined;
    expect(codeOf(1)).toBe('unknown-method');
    expect(codeOf(2)).toBe('unknown-method');
    expect(codeOf(3)).toBe('unknown-method');
    expect(codeOf(4)).toBe('invalid-argument');
    expect(codeOf(5)).toBe('invalid-argument');
    expect(codeOf(6)).toBe('invalid-argument');
    expect(codeOf(9)).toBe('unknown-method');
    // Malformed messages are answered too (id null), never with a stack trace.
    expect(replies.filter((r) => r.type === 'error' && r.id === null)).toHaveLength(2);
    for (const r of replies) expect(JSON.stringify(r)).not.toMatch(/\s+at \S+ \(/);
  });

  it('forwards service events to an attached window, and stops when the window is destroyed', async () => {
    const ipcMain = new FakeIpcMain();
    const { api, runChanges } = fakeApi();
    router = createIpcRouter({ ipcMain, api, dialogs: dialogs() });
    const contents = new FakeWebContents();
    router.attach(contents);
    runChanges.fire({ kind: 'updated', runId: 4 });
    expect(rpcReplies(contents)).toEqual([{ type: 'event', service: 'runs', event: 'onDidChange', data: { kind: 'updated', runId: 4 } }]);
    expect(router.connections).toBe(1);
    contents.destroy();
    expect(router.connections).toBe(0);
    expect(() => runChanges.fire({ kind: 'updated', runId: 5 })).not.toThrow();
  });

  it('opens native dialogs only with valid options; the save dialog gets a file name, never a folder', async () => {
    const ipcMain = new FakeIpcMain();
    const d = dialogs();
    router = createIpcRouter({ ipcMain, api: fakeApi().api, dialogs: d });
    const event = { sender: new FakeWebContents(), senderFrame: ours };
    await expect(ipcMain.invoke(ipcChannels.dialog, event, { kind: 'open', options: { title: 'Open', filters: [{ name: 'Projects', extensions: ['mwproj'] }] } }))
      .resolves.toBe('/home/me/iris.mwproj');
    await expect(ipcMain.invoke(ipcChannels.dialog, event, { kind: 'open', options: { title: 'Open', filters: [{ name: 'x', extensions: ['../../etc'] }] } }))
      .rejects.toThrow(/invalid dialog request/);
    await expect(ipcMain.invoke(ipcChannels.dialog, event, { kind: 'delete', options: {} })).rejects.toThrow(/invalid dialog request/);
    await expect(ipcMain.invoke(ipcChannels.dialog, event, { kind: 'save', options: { title: 'Save', defaultPath: 'a.mwproj', filters: [], properties: ['x'] } }))
      .rejects.toThrow(/invalid dialog request/);
    expect(d.calls).toHaveLength(1);
  });

  it('runs only the six editing actions on the sender', async () => {
    const ipcMain = new FakeIpcMain();
    router = createIpcRouter({ ipcMain, api: fakeApi().api, dialogs: dialogs() });
    const contents = new FakeWebContents();
    const event = { sender: contents, senderFrame: ours };
    await ipcMain.invoke(ipcChannels.edit, event, 'paste');
    await ipcMain.invoke(ipcChannels.edit, event, 'selectAll');
    await expect(ipcMain.invoke(ipcChannels.edit, event, 'destroy')).rejects.toThrow(/unknown edit action/);
    await expect(ipcMain.invoke(ipcChannels.edit, event, 'executeJavaScript')).rejects.toThrow(/unknown edit action/);
    expect(contents.edits).toEqual(['paste', 'selectAll']);
    expect(contents.destroyed).toBe(false);
  });

  it('passes valid menu state on, ignores malformed state', async () => {
    const ipcMain = new FakeIpcMain();
    const onMenuState = vi.fn();
    router = createIpcRouter({ ipcMain, api: fakeApi().api, dialogs: dialogs(), onMenuState });
    const contents = new FakeWebContents();
    ipcMain.emit(ipcChannels.menuState, { sender: contents, senderFrame: ours }, { hasProject: true, training: false });
    ipcMain.emit(ipcChannels.menuState, { sender: contents, senderFrame: ours }, { hasProject: 'yes' });
    ipcMain.emit(ipcChannels.menuState, { sender: contents, senderFrame: { url: 'https://evil.example/' } }, { hasProject: false, training: false });
    expect(onMenuState).toHaveBeenCalledTimes(1);
    expect(onMenuState).toHaveBeenCalledWith(contents, { hasProject: true, training: false });
  });

  it('isTrustedSender accepts only the app origin', () => {
    const e = (url: string) => ({ sender: new FakeWebContents(), senderFrame: { url, parent: null } });
    expect(isTrustedSender(e('app://modelwright/index.html'))).toBe(true);
    expect(isTrustedSender(e('app://modelwright/assets/x.js?y#z'))).toBe(true);
    expect(isTrustedSender(e('app://other/index.html'))).toBe(false);
    expect(isTrustedSender(e('not a url'))).toBe(false);
    expect(isTrustedSender(e('http://127.0.0.1:5173/'))).toBe(false);
  });
});
