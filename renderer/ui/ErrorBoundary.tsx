// Keeps a renderer error inside the panel that threw it: the panel shows what happened and a way to try
// again, and the rest of the window keeps working.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { errorMessage, notify } from './notify.ts';

interface Props {
  /** What the boundary protects, for the message ("the Model panel"). */
  name: string;
  children: ReactNode;
}

interface State {
  error: unknown;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`${this.props.name} failed`, error, info.componentStack);
    notify.error(error, `Something went wrong in ${this.props.name}.`);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="mw-crashed" role="alert" data-testid="panel-error">
        <p><strong>{this.props.name} hit a problem and stopped.</strong></p>
        <p className="mw-muted">{errorMessage(this.state.error)}</p>
        <p>Your project is safe. Try again; if it keeps happening, save your work and reload the window.</p>
        <button type="button" onClick={() => this.setState({ error: null })}>Try again</button>
      </div>
    );
  }
}
