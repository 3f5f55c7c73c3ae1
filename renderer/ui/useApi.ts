// The back end as a React hook: the connected host's API, or null until it connects.
import type { ModelwrightApi } from '../../app/api/contract.ts';
import { useHost } from '../host/HostProvider.tsx';

/** The API of the host in context, or null; re-renders when the host connects. */
export function useApi(): ModelwrightApi | null {
  return useHost()?.api ?? null;
}
