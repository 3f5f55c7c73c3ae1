// Messages to the user: toasts for failed actions and confirmations, banners that stay until acted on.
// Any panel reports a failure with `notify.error(err)`; the message is made readable whatever was thrown.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export type NotificationKind = 'error' | 'warning' | 'info' | 'success';

export interface NotificationAction {
  label: string;
  run: () => void;
}

export interface Notification {
  id: number;
  kind: NotificationKind;
  message: string;
  /** Smaller print under the message (e.g. what to do next). */
  detail?: string;
  /** Buttons; a notification with actions stays until one is chosen or it is dismissed. */
  actions?: NotificationAction[];
  /** Milliseconds before it goes away by itself; 0 keeps it. */
  timeout: number;
}

export interface NotifyOptions {
  detail?: string;
  actions?: NotificationAction[];
  timeout?: number;
}

interface NotifyState {
  items: Notification[];
}

export const notificationStore = createStore<NotifyState>()(() => ({ items: [] }));
let nextId = 1;
const maxVisible = 6;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

/** A readable sentence from anything thrown: an ApiError's or CommandError's message, never a stack. */
export function errorMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'message' in err && typeof (err as Error).message === 'string') {
    const message = (err as Error).message.split('\n')[0].trim();
    if (message) return message;
  }
  return 'Something went wrong, and no reason was given. Try again; if it keeps failing, restart Modelwright.';
}

function push(kind: NotificationKind, message: string, options: NotifyOptions = {}): number {
  const id = nextId++;
  const timeout = options.timeout ?? (options.actions?.length ? 0 : kind === 'error' ? 10_000 : 4_000);
  const item: Notification = { id, kind, message, detail: options.detail, actions: options.actions, timeout };
  notificationStore.setState((s) => {
    // The same message twice in a row is shown once (a repeated shortcut must not stack identical toasts).
    const items = s.items.filter((n) => !(n.message === message && n.kind === kind));
    return { items: [...items, item].slice(-maxVisible) };
  });
  if (timeout > 0 && typeof setTimeout === 'function') {
    timers.set(id, setTimeout(() => dismiss(id), timeout));
  }
  return id;
}

export function dismiss(id: number): void {
  const t = timers.get(id);
  if (t) clearTimeout(t);
  timers.delete(id);
  notificationStore.setState((s) => ({ items: s.items.filter((n) => n.id !== id) }));
}

export const notify = {
  /** A failed action: `what` says what was being done ("Could not save the project"). */
  error(err: unknown, what?: string, options: NotifyOptions = {}): number {
    const message = errorMessage(err);
    return what ? push('error', what, { ...options, detail: options.detail ?? message }) : push('error', message, options);
  },
  warning: (message: string, options?: NotifyOptions) => push('warning', message, options),
  info: (message: string, options?: NotifyOptions) => push('info', message, options),
  success: (message: string, options?: NotifyOptions) => push('success', message, options),
  dismiss,
  clear(): void {
    for (const id of timers.keys()) dismiss(id);
    notificationStore.setState({ items: [] });
  },
};

export function useNotifications(): Notification[] {
  return useStore(notificationStore, (s) => s.items);
}
