// Small stand-ins for the Electron pieces the main-process modules use: an ipcMain/ipcRenderer pair that
// copies every message with structuredClone on a later task (as IPC does), a webContents with a frame
// URL, a contextBridge that copies values the way Electron's does (errors lose their own properties), and
// a message-box dialog that answers from a script.
import type { IpcEventLike, IpcMainLike, SenderLike } from '../../../main/electron/ipcRouter.ts';
import type { IpcRendererLike } from '../../../main/electron/bridge.ts';
import type { DialogModule } from '../../../main/electron/dialogs.ts';

type Listener = (event: IpcEventLike, ...args: unknown[]) => void;
type Handler = (event: IpcEventLike, ...args: unknown[]) => unknown;
type RendererListener = (event: unknown, ...args: unknown[]) => void;

export class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Set<Listener>>();
  readonly handlers = new Map<string, Handler>();
  on(channel: string, listener: Listener) {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
    return this;
  }
  handle(channel: string, listener: Handler) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeListener(channel: string, listener: (...args: never[]) => void) {
    this.listeners.get(channel)?.delete(listener as unknown as Listener);
    return this;
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  /** Delivers a `send` from a renderer: no listener on the channel means nobody hears it (as in Electron). */
  emit(channel: string, event: IpcEventLike, ...args: unknown[]): number {
    const set = this.listeners.get(channel);
    for (const l of set ?? []) l(event, ...structuredClone(args));
    return set?.size ?? 0;
  }
  /** Delivers an `invoke`; Electron rejects when no handler is registered. */
  async invoke(channel: string, event: IpcEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler(event, ...structuredClone(args)));
  }
}

let nextId = 1;

/** A webContents: `send` reaches the renderer side's listeners; edit calls are recorded. */
export class FakeWebContents implements SenderLike {
  readonly id = nextId++;
  readonly edits: string[] = [];
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  private destroyedListeners: (() => void)[] = [];
  rendererListeners = new Map<string, Set<RendererListener>>();
  send(channel: string, ...args: unknown[]) {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const copy = structuredClone(args);
    this.sent.push({ channel, args: copy });
    setTimeout(() => { for (const l of this.rendererListeners.get(channel) ?? []) l({}, ...copy); }, 0);
  }
  isDestroyed() { return this.destroyed; }
  once(_event: 'destroyed', listener: () => void) { this.destroyedListeners.push(listener); return this; }
  destroy() {
    this.destroyed = true;
    for (const l of this.destroyedListeners.splice(0)) l();
  }
  undo() { this.edits.push('undo'); }
  redo() { this.edits.push('redo'); }
  cut() { this.edits.push('cut'); }
  copy() { this.edits.push('copy'); }
  paste() { this.edits.push('paste'); }
  selectAll() { this.edits.push('selectAll'); }
}

/** The renderer end for one webContents whose main frame shows `url`. */
export function fakeIpcRenderer(ipcMain: FakeIpcMain, contents: FakeWebContents, url = 'app://modelwright/index.html'): IpcRendererLike & { frameUrl: string } {
  const renderer = {
    frameUrl: url,
    event(): IpcEventLike { return { sender: contents, senderFrame: renderer.frameUrl === '' ? null : { url: renderer.frameUrl, parent: null } }; },
    send(channel: string, ...args: unknown[]) {
      setTimeout(() => ipcMain.emit(channel, renderer.event(), ...args), 0);
    },
    invoke(channel: string, ...args: unknown[]) {
      return new Promise<unknown>((resolve, reject) => setTimeout(() => ipcMain.invoke(channel, renderer.event(), ...args).then(resolve, reject), 0));
    },
    on(channel: string, listener: RendererListener) {
      if (!contents.rendererListeners.has(channel)) contents.rendererListeners.set(channel, new Set());
      contents.rendererListeners.get(channel)!.add(listener);
      return renderer;
    },
    removeListener(channel: string, listener: RendererListener) {
      contents.rendererListeners.get(channel)?.delete(listener);
      return renderer;
    },
  };
  return renderer;
}

/**
 * What the page sees of an object exposed with contextBridge.exposeInMainWorld: functions are proxied,
 * values copied (structuredClone), promises resolved with copies, and errors copied without their own
 * properties (only name and message survive).
 */
export function throughContextBridge<T>(value: T): T {
  return wrap(value) as T;
}

function copyError(err: unknown): Error {
  const e = new Error(err instanceof Error ? err.message : String(err));
  return e;
}

function wrap(value: unknown): unknown {
  if (typeof value === 'function') {
    return (...args: unknown[]) => {
      let result: unknown;
      try {
        result = (value as (...a: unknown[]) => unknown)(...args.map(wrap));
      } catch (err) {
        throw copyError(err);
      }
      if (result instanceof Promise) return result.then(wrap, (err: unknown) => { throw copyError(err); });
      return wrap(result);
    };
  }
  if (value && typeof value === 'object') {
    if (value instanceof Error) return copyError(value);
    if (Array.isArray(value)) return value.map(wrap);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = wrap(v);
    return out;
  }
  return value;
}

type MessageBoxOptions = Parameters<DialogModule['showMessageBox']>[1];

/**
 * Electron's `dialog` for message boxes: records every box shown and answers with the next scripted
 * button label (a label that is not on the box is a test error, as is running out of answers).
 */
export class FakeDialog implements Pick<DialogModule, 'showMessageBox'> {
  readonly shown: { window: unknown; options: MessageBoxOptions }[] = [];
  private answers: string[];
  constructor(answers: string[] = []) { this.answers = [...answers]; }
  async showMessageBox(window: unknown, options: MessageBoxOptions): Promise<{ response: number }> {
    this.shown.push({ window, options });
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error(`no scripted answer for the box "${options.message}"`);
    if (answer === 'Escape') return { response: options.cancelId ?? options.buttons?.length ?? 0 };
    const response = options.buttons?.indexOf(answer) ?? -1;
    if (response < 0) throw new Error(`the box "${options.message}" has no button "${answer}" (it has ${JSON.stringify(options.buttons)})`);
    return { response };
  }
}
