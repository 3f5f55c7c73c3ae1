// The host through React context: components call `useHost()` and the host's methods, and show what
// its capabilities allow, instead of asking which host it is.
import { createContext, useContext, type ReactNode } from 'react';
import type { Host } from './host.ts';

const HostContext = createContext<Host | null>(null);

/** Provides `host` to the tree below; null while the browser is still connecting to `modelwright serve`. */
export function HostProvider({ host, children }: { host: Host | null; children: ReactNode }) {
  return <HostContext value={host}>{children}</HostContext>;
}

/** The host, or null until it is connected. */
export function useHost(): Host | null {
  return useContext(HostContext);
}
