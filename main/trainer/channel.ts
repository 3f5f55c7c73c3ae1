// The trainer's line to its parent, whichever way it was started: Electron's utilityProcess
// (process.parentPort) or Node's child_process.fork (process.send).

export interface ParentChannel {
  readonly kind: 'utility' | 'fork';
  send(message: unknown): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
  /** Lets the process exit once pending messages are flushed. */
  close(): void;
  /** Called when the parent goes away (a fork parent that died); utility processes end with the app instead. */
  onDisconnect(listener: () => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/** Electron's `process.parentPort` in a utilityProcess (Node's process type does not know it), or undefined. */
function electronParentPort(): ParentPort | undefined {
  const port: unknown = 'parentPort' in process ? process.parentPort : undefined;
  return isParentPort(port) ? port : undefined;
}

function isParentPort(value: unknown): value is ParentPort {
  return typeof value === 'object' && value !== null
    && 'postMessage' in value && typeof value.postMessage === 'function' && 'on' in value && typeof value.on === 'function';
}

/** The channel of the current process; throws when it was started some other way (e.g. run by hand). */
export function parentChannel(): ParentChannel {
  const port = electronParentPort();
  if (port) {
    return {
      kind: 'utility',
      send: async (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      close: () => {},
      onDisconnect: () => {},
    };
  }
  if (typeof process.send === 'function') {
    return {
      kind: 'fork',
      send: (message) =>
        new Promise<void>((resolve, reject) => {
          // A parent that already went away must not crash the trainer with an unhandled error.
          if (!process.connected) return resolve();
          process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve()));
        }),
      onMessage: (listener) => process.on('message', listener),
      close: () => { if (process.connected) process.disconnect(); },
      onDisconnect: (listener) => process.on('disconnect', listener),
    };
  }
  throw new Error('the trainer must be started by the studio or the CLI (no parent channel: neither process.parentPort nor process.send exists)');
}
