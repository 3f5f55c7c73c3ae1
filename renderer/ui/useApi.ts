// The back end as a React hook: the connected host's API, or null until it connects.
import { useSyncExternalStore } from 'react';
import type { ModelwrightApi } from '../../app/api/contract.ts';
import { getHost, onHostChange } from '../state/host.ts';

/** The API of the connected host, or null; re-renders when the host connects or changes. */
export function useApi(): ModelwrightApi | null {
  return useSyncExternalStore(onHostChange, () => getHost()?.api ?? null, () => null);
}
