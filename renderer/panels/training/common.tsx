// Small pieces the working panels (data, training, runs, evaluation, try it, code, export) share: the
// back end as a hook, empty and error states, a labelled field with its help sentence, async loading.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { getHost, onHostChange } from '../../state/host.ts';
import { errorMessage } from '../../ui/notify.ts';
import './workPanels.css';

/** The API of the connected host, or null; re-renders when the host connects or changes. */
export function useApi(): ModelwrightApi | null {
  return useSyncExternalStore(onHostChange, () => getHost()?.api ?? null, () => null);
}

export function Empty({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="mw-wp-empty" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </div>
  );
}

/** A failure as one readable sentence (never a stack), with an optional retry. */
export function ErrorText({ error, retry }: { error: unknown; retry?: () => void }) {
  if (error === null || error === undefined) return null;
  return (
    <div className="mw-wp-error" role="alert">
      {errorMessage(error)}
      {retry && <button type="button" onClick={retry}>Try again</button>}
    </div>
  );
}

export function Field({ label, help, htmlFor, error, children }: { label: string; help?: string; htmlFor?: string; error?: string | null; children: ReactNode }) {
  return (
    <div className={`mw-wp-field${error ? ' mw-wp-invalid' : ''}`}>
      <label htmlFor={htmlFor}>{label}</label>
      <div className="mw-wp-control">{children}</div>
      {help && <p className="mw-wp-help">{help}</p>}
      {error && <p className="mw-wp-field-error" role="alert">{error}</p>}
    </div>
  );
}

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

/** Horizontal bars for class probabilities, highest first. */
export function ProbabilityBars({ probabilities, highlight, limit = 10 }: { probabilities: Record<string, number>; highlight?: string; limit?: number }) {
  const entries = Object.entries(probabilities).sort((a, b) => b[1] - a[1]);
  const shown = entries.slice(0, limit);
  return (
    <div className="mw-wp-bars" data-testid="probability-bars">
      {shown.map(([label, p]) => (
        <div key={label} className={`mw-wp-bar${label === highlight ? ' mw-wp-bar-top' : ''}`}>
          <span className="mw-wp-bar-label" title={label}>{label}</span>
          <span className="mw-wp-bar-track"><span className="mw-wp-bar-fill" style={{ width: `${Math.max(0, Math.min(1, p)) * 100}%` }} /></span>
          <span className="mw-wp-bar-value">{(p * 100).toFixed(1)}%</span>
        </div>
      ))}
      {entries.length > shown.length && <p className="mw-wp-help">…and {entries.length - shown.length} less likely classes.</p>}
    </div>
  );
}

/** Reads a local file as base64 (without the data: prefix), for image uploads through the contract. */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const text = String(reader.result ?? '');
      resolve(text.slice(text.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new Error('The file could not be read; choose it again.'));
    reader.readAsDataURL(file);
  });
}
