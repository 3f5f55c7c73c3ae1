// The back end as the renderer reaches it: one ModelwrightApi (WebSocket client under `modelwright serve`,
// `window.modelwright` under Electron), plus optional native file dialogs that only a desktop host has.
import type { ModelwrightApi } from '../../app/api/contract.ts';

/** What a desktop host may add beyond the API contract; a browser host has none of it. */
export interface HostDialogs {
  /** A native "Open" dialog; resolves to an opaque handle the host keeps for the chosen file, or null when cancelled. */
  showOpenDialog?(options: { title: string; filters: { name: string; extensions: string[] }[]; folder?: boolean }): Promise<string | null>;
  /** A native "Save as" dialog; resolves to an opaque handle for the chosen file, or null when cancelled. */
  showSaveDialog?(options: { title: string; defaultPath: string; filters: { name: string; extensions: string[] }[] }): Promise<string | null>;
}

export interface Host {
  api: ModelwrightApi;
  /** `desktop` under Electron; `browser` under `modelwright serve` (files also by download/upload). */
  kind: 'desktop' | 'browser';
  dialogs?: HostDialogs;
}

let current: Host | null = null;
const listeners = new Set<() => void>();

export function setHost(host: Host | null): void {
  current = host;
  for (const l of listeners) l();
}

export function getHost(): Host | null {
  return current;
}

/** The API, or an error that says the back end is not reachable (shown to the user by the caller). */
export function requireApi(): ModelwrightApi {
  if (!current) {
    throw new Error('Modelwright is not connected to its back end. Reload the page, or restart `modelwright serve` and open the address it prints.');
  }
  return current.api;
}

export function onHostChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
