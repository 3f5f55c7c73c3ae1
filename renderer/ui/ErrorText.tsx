// A failure shown inside a panel: one readable sentence (never a stack), with an optional retry.
import { errorMessage } from './notify.ts';

export function ErrorText({ error, retry }: { error: unknown; retry?: () => void }) {
  if (error === null || error === undefined) return null;
  return (
    <div className="mw-wp-error" role="alert">
      {errorMessage(error)}
      {retry && <button type="button" onClick={retry}>Try again</button>}
    </div>
  );
}
