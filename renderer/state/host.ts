// The connected host for code outside React (commands, file actions, the menu): set once by main.tsx
// when the host is there. Components use `useHost()` (host/HostProvider.tsx) instead.
import type { ModelwrightApi } from '../../app/api/contract.ts';
import type { Host } from '../host/host.ts';

let current: Host | null = null;
const listeners = new Set<() => void>();

export function setHost(host: Host | null): void {
  current = host;
  for (const l of listeners) l();
}

export function getHost(): Host | null {
  return current;
}

/** The host, or an error that says the back end is not reachable (shown to the user by the caller). */
export function requireHost(): Host {
  if (!current) {
    throw new Error('Modelwright is not connected to its back end. Reload the page, or restart `modelwright serve` and open the address it prints.');
  }
  return current;
}

/** The API, or the error of `requireHost()`. */
export function requireApi(): ModelwrightApi {
  return requireHost().api;
}

export function onHostChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
