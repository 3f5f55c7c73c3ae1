// A panel's empty state: a heading that says what is missing and what to do about it.
import type { ReactNode } from 'react';

export function Empty({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="mw-wp-empty" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </div>
  );
}
