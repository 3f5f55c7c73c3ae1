// The renderer's host object in browser mode: the API contract over a WebSocket to `modelwright serve`,
// reconnecting after a dropped connection. The access token travels as the cookie set on first visit.
import type { ModelwrightApi } from '../../app/api/contract.ts';
import { ApiError } from '../../app/api/errors.ts';
import { Emitter, type Event } from '../../app/api/events.ts';
import { RpcClient } from '../../app/api/rpc.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface WebSocketHostOptions {
  /** Default: ws(s)://<this page's host>/api. */
  url?: string;
  /** Try to reconnect after a dropped connection (default true). */
  reconnect?: boolean;
  /** WebSocket implementation (default: the global one; tests may pass another). */
  WebSocketImpl?: typeof WebSocket;
}

export interface WebSocketHost {
  readonly api: ModelwrightApi;
  readonly state: ConnectionState;
  readonly onDidChangeState: Event<ConnectionState>;
  close(): void;
}

export function defaultApiUrl(location: { protocol: string; host: string; search?: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  // If the page still has ?token= (cookies disabled), pass it on; normally the cookie carries it.
  const token = location.search ? new URLSearchParams(location.search).get('token') : null;
  return `${scheme}://${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

/** Connects and resolves once the socket is open; rejects with a readable ApiError if it cannot. */
export function connectWebSocketHost(options: WebSocketHostOptions = {}): Promise<WebSocketHost> {
  const url = options.url ?? defaultApiUrl(globalThis.location);
  const Impl = options.WebSocketImpl ?? globalThis.WebSocket;
  const reconnect = options.reconnect ?? true;
  const stateEmitter = new Emitter<ConnectionState>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let closedByUser = false;
  let retryMs = 500;

  const client = new RpcClient((text) => {
    if (!socket || socket.readyState !== Impl.OPEN) throw new Error('not connected');
    socket.send(text);
  });
  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    stateEmitter.fire(next);
  };

  return new Promise((resolve, reject) => {
    let everOpened = false;
    const open = () => {
      const ws = new Impl(url);
      socket = ws;
      setState('connecting');
      ws.onopen = () => {
        retryMs = 500;
        client.reopen();
        setState('open');
        if (!everOpened) {
          everOpened = true;
          resolve(host);
        }
      };
      ws.onmessage = (e: MessageEvent) => {
        if (typeof e.data === 'string') client.receive(e.data);
      };
      ws.onclose = () => {
        if (socket !== ws) return;
        client.close('The connection to Modelwright was lost. Is "modelwright serve" still running?');
        setState('closed');
        if (!everOpened) {
          reject(new ApiError('disconnected', `Cannot connect to the Modelwright host at ${url.replace(/token=[^&]*/, 'token=…')}; open the address "modelwright serve" printed.`));
          return;
        }
        if (reconnect && !closedByUser) {
          setTimeout(open, retryMs);
          retryMs = Math.min(retryMs * 2, 10_000);
        }
      };
    };
    const host: WebSocketHost = {
      api: client.api,
      get state() { return state; },
      onDidChangeState: stateEmitter.event,
      close() {
        closedByUser = true;
        socket?.close();
        client.close('The connection was closed.');
        setState('closed');
      },
    };
    open();
  });
}
