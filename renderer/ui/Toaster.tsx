// Shows the notifications of notify.ts: errors as alerts, everything else as status messages, with
// their action buttons; each can be dismissed.
import { dismiss, useNotifications } from './notify.ts';

export function Toaster() {
  const items = useNotifications();
  return (
    <div className="mw-toasts" aria-live="polite">
      {items.map((n) => (
        <div key={n.id} className={`mw-toast mw-toast-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${n.kind}`}>
          <div className="mw-toast-body">
            <div className="mw-toast-message">{n.message}</div>
            {n.detail && <div className="mw-toast-detail">{n.detail}</div>}
            {n.actions && (
              <div className="mw-toast-actions">
                {n.actions.map((a) => <button type="button" key={a.label} onClick={a.run}>{a.label}</button>)}
              </div>
            )}
          </div>
          <button type="button" className="mw-toast-close" aria-label="Dismiss" onClick={() => dismiss(n.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
