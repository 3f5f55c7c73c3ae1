// The host in the desktop app: turns the preload's `window.modelwright` bridge back into a plain
// ModelwrightApi (errors rebuilt as ApiError with their code); Open, Save as and data choosing are the
// native dialogs, whose answer is an opaque handle the main process keeps; plus the menu commands.
import { serviceMember, type ServiceName } from '../../app/api/contract.ts';
import { contractApi } from '../../app/api/contractObject.ts';
import type { BridgeResult, DesktopBridge, MenuCommand, OpenDialogOptions } from '../../app/api/desktopBridge.ts';
import { apiErrorFrom } from '../../app/api/errors.ts';
import type { Disposable } from '../../app/api/events.ts';
import type { DataFileRequest, Host } from './host.ts';

export interface ElectronHost extends Host {
  /** The preload's bridge, for what only the desktop has (the menu, native editing). */
  readonly bridge: DesktopBridge;
}

const projectFilters = [
  { name: 'Modelwright project', extensions: ['mwproj'] },
  { name: 'Keras or TF.js model', extensions: ['json'] },
];

const dataDialogs: Record<DataFileRequest['what'], OpenDialogOptions> = {
  table: { title: 'Choose a CSV or TSV file', filters: [{ name: 'Tables', extensions: ['csv', 'tsv', 'txt'] }] },
  imageFolder: { title: 'Choose the folder of class folders', filters: [], folder: true },
};

/** The bridge the preload exposed, or null outside Electron (a browser under `modelwright serve`). */
export function findDesktopBridge(scope: { modelwright?: unknown } = globalThis as { modelwright?: unknown }): DesktopBridge | null {
  const candidate = scope.modelwright as Partial<DesktopBridge> | undefined;
  return candidate && candidate.kind === 'electron' && typeof candidate.api === 'object' ? (candidate as DesktopBridge) : null;
}

function unwrap<T>(result: BridgeResult<T>): T {
  if (result && result.ok === true) return result.value;
  if (result && result.ok === false) throw apiErrorFrom(result.error);
  throw apiErrorFrom({ code: 'internal', message: 'Unexpected error: the desktop bridge gave no answer.' });
}

export function createElectronHost(bridge: DesktopBridge): ElectronHost {
  // The bridge's member by name; a missing one fails when called, as a plain call of it would.
  const bridged = (service: ServiceName, name: string) => (...args: unknown[]): unknown => {
    const member = serviceMember(bridge.api, service, name);
    if (typeof member !== 'function') throw new TypeError(`the desktop bridge has no ${service}.${name}`);
    return member(...args);
  };
  const api = contractApi({
    method: (service, method) => async (...args: unknown[]) => unwrap(await (bridged(service, method)(...args) as Promise<BridgeResult<unknown>>)),
    event: (service, event) => (listener: (data: unknown) => void): Disposable => {
      const off = bridged(service, event)(listener) as () => void;
      return { dispose: () => off() };
    },
  });
  return {
    api,
    bridge,
    can: { nativeDialogs: true, download: false },
    openProject: () => bridge.showOpenDialog({ title: 'Open a project or model', filters: projectFilters }),
    // The native dialog asks about replacing an existing file itself.
    saveAs: (suggestedName) => bridge.showSaveDialog({ title: 'Save project as', defaultPath: suggestedName, filters: projectFilters.slice(0, 1) }),
    pickDataFile: (request) => bridge.showOpenDialog(dataDialogs[request.what]),
  };
}

/** The editing commands that act on a focused text field natively rather than on the canvas. */
const editIds = new Set(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);

export function isEditableElement(el: Element | null): boolean {
  if (!el) return false;
  const html = el as HTMLElement;
  if (html.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image'].includes(type);
  }
  return false;
}

export interface MenuCommandTarget {
  /** Runs a command of the renderer's registry; false when no such command is registered. */
  execute(id: string, args?: unknown): boolean;
  /** Fallbacks for menu items the registry has no command for (yet). */
  fallbacks?: Partial<Record<MenuCommand['id'], (command: MenuCommand) => void | Promise<void>>>;
  /** The focused element (document.activeElement). */
  activeElement(): Element | null;
  report(error: unknown): void;
}

/**
 * Routes one menu command: an Edit item while the user types in a field is the field's own editing
 * (done natively by the main process); everything else goes to the command registry, then to a fallback.
 */
export async function dispatchMenuCommand(bridge: Pick<DesktopBridge, 'nativeEdit'>, target: MenuCommandTarget, command: MenuCommand): Promise<void> {
  try {
    if (editIds.has(command.id) && isEditableElement(target.activeElement())) {
      await bridge.nativeEdit(command.id as 'undo');
      return;
    }
    if (target.execute(command.id, command.args)) return;
    const fallback = target.fallbacks?.[command.id];
    if (fallback) await fallback(command);
  } catch (err) {
    target.report(err);
  }
}
