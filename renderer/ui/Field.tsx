// A labelled form field with its one-sentence help and, when the value is refused, why.
import type { ReactNode } from 'react';

export function Field({ label, help, htmlFor, error, children }: { label: string; help?: string; htmlFor?: string; error?: string | null; children: ReactNode }) {
  return (
    <div className={`mw-wp-field${error ? ' mw-wp-invalid' : ''}`}>
      <label htmlFor={htmlFor} title={help}>{label}</label>
      <div className="mw-wp-control">{children}</div>
      {help && <p className="mw-wp-help">{help}</p>}
      {error && <p className="mw-wp-field-error" role="alert">{error}</p>}
    </div>
  );
}
