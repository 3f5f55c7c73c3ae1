// Loading something asynchronously in a component, without a slow old answer overwriting a newer one.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when `deps` change and keeps its result; an answer that arrives after a newer request
 * started is dropped, so a slow reply never overwrites a newer one.
 */
export function useAsync<T>(load: (() => Promise<T>) | null, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: false });
  const ticket = useRef(0);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    const id = ++ticket.current;
    if (!load) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => { if (id === ticket.current) setState({ data, error: null, loading: false }); },
      (error: unknown) => { if (id === ticket.current) setState({ data: null, error, loading: false }); },
    );
  }, [...deps, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
