// The renderer's host object under Electron: turns the preload's `window.modelwright` bridge back into
// a plain ModelwrightApi (errors rebuilt as ApiError with their code), plus native dialogs and the
// menu commands the main process sends.
import { apiContract, serviceNames, type ModelwrightApi } from '../../app/api/contract.ts';
import type { BridgeResult, DesktopBridge, MenuCommand } from '../../app/api/desktopBridge.ts';
import { apiErrorFrom } from '../../app/api/errors.ts';
import type { Disposable } from '../../app/api/events.ts';
import type { HostDialogs } from '../state/host.ts';

export interface ElectronHost {
  readonly api: ModelwrightApi;
  readonly dialogs: HostDialogs;
  readonly bridge: DesktopBridge;
}

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
  const api: Record<string, Record<string, unknown>> = {};
  for (const service of serviceNames) {
    const bridged = bridge.api[service] as unknown as Record<string, (...args: unknown[]) => unknown>;
    const proxy: Record<string, unknown> = {};
    for (const method of Object.keys(apiContract[service].methods)) {
      proxy[method] = async (...args: unknown[]) => unwrap(await (bridged[method](...args) as Promise<BridgeResult<unknown>>));
    }
    for (const event of apiContract[service].events as readonly string[]) {
      proxy[event] = (listener: (data: unknown) => void): Disposable => {
        const off = bridged[event](listener) as () => void;
        return { dispose: () => off() };
      };
    }
    api[service] = proxy;
  }
  return {
    api: api as unknown as ModelwrightApi,
    bridge,
    dialogs: {
      showOpenDialog: (options) => bridge.showOpenDialog(options),
      showSaveDialog: (options) => bridge.showSaveDialog(options),
    },
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
