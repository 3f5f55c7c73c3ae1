// Events in the VS Code style: an event is a function you pass a listener to and get back a handle to
// stop listening. Emitters live on the host side; the RPC client builds its own from pushed messages.

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (data: T) => void) => Disposable;

export class Emitter<T> {
  private readonly listeners = new Set<(data: T) => void>();

  readonly event: Event<T> = (listener) => {
    // A wrapper per subscription, so the same function subscribed twice is disposed independently.
    const entry = (data: T) => listener(data);
    this.listeners.add(entry);
    return { dispose: () => { this.listeners.delete(entry); } };
  };

  fire(data: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(data);
      } catch {
        // One broken listener must not stop the others (or the trainer feeding them).
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
