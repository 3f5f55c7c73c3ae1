// A transport-neutral RPC layer for the API contract: JSON text messages (request, response, error,
// event), a server side that validates and dispatches to the services, and a client side that turns
// the contract into a typed ModelwrightApi. WebSocket, Electron IPC and the in-process host all use it.
import { formatBytes } from '../format.ts';
import { z } from 'zod';
import {
  apiContract, isEventName, maxRequestBytes, methodSpec, serviceMember, serviceNames, uploadMaxRequestBytes,
  type ModelwrightApi, type ModelwrightServices, type ServiceName,
} from './contract.ts';
import { ApiError, apiErrorFrom, describeArgumentIssues, toApiErrorInfo, type ApiErrorInfo } from './errors.ts';
import { contractApi } from './contractObject.ts';
import { Emitter, type Disposable } from './events.ts';

// ------------------------------------------------------------------ messages

export interface RpcRequest {
  type: 'request';
  id: number;
  service: string;
  method: string;
  args: unknown[];
}

export interface RpcResponse {
  type: 'response';
  id: number;
  result?: unknown;
}

export interface RpcErrorReply {
  type: 'error';
  /** The request's id, or null when the message was too broken to tell. */
  id: number | null;
  error: ApiErrorInfo;
}

export interface RpcEvent {
  type: 'event';
  service: string;
  event: string;
  data: unknown;
}

export type RpcMessage = RpcRequest | RpcResponse | RpcErrorReply | RpcEvent;

const requestSchema = z.strictObject({
  type: z.literal('request'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  service: z.string().max(100),
  method: z.string().max(100),
  args: z.array(z.unknown()).max(16),
});

const errorInfoSchema = z.object({ code: z.string(), message: z.string() });
const fromServerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('response'), id: z.number(), result: z.unknown().optional() }),
  z.object({ type: z.literal('error'), id: z.number().nullable(), error: errorInfoSchema }),
  z.object({ type: z.literal('event'), service: z.string(), event: z.string(), data: z.unknown() }),
]);

/** The largest message a server reads at all; larger ones are refused before parsing. */
export const maxMessageBytes = uploadMaxRequestBytes + 1024 * 1024;

/** UTF-8 size of a string without encoding it. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; } else n += 3;
  }
  return n;
}

/** The request id of a message too large or too broken to parse: clients write `type` and `id` first. */
function sniffId(text: string): number | null {
  const m = /"id"\s*:\s*(\d{1,15})\b/.exec(text.slice(0, 200));
  return m ? Number(m[1]) : null;
}

// ------------------------------------------------------------------ server side

export interface RpcServerOptions {
  /** Turns a thrown value into what the UI sees; default: toApiErrorInfo (plain messages, no stacks). */
  describeError?: (err: unknown) => ApiErrorInfo;
  /** Called with every error that is a bug (code `internal`), for the host's log. */
  onInternalError?: (err: unknown, where: string) => void;
}

export interface RpcServerConnection {
  /** Handles one message from the client (JSON text); replies through the connection's `send`. */
  receive(text: string): Promise<void>;
  /** Stops forwarding events to this client. */
  dispose(): void;
}

/** Serves the services to any number of connections, each a `send(text)` function. */
export class RpcServer {
  private readonly api: ModelwrightServices;
  private readonly describeError: (err: unknown) => ApiErrorInfo;
  private readonly onInternalError: ((err: unknown, where: string) => void) | undefined;

  constructor(api: ModelwrightServices, options: RpcServerOptions = {}) {
    this.api = api;
    this.describeError = options.describeError ?? toApiErrorInfo;
    this.onInternalError = options.onInternalError;
  }

  connect(send: (text: string) => void): RpcServerConnection {
    let open = true;
    const post = (message: RpcMessage) => {
      if (!open) return;
      let text: string;
      try {
        text = JSON.stringify(message);
      } catch (err) {
        // A result that is not JSON (a cycle, a BigInt) is a bug in a service; the caller still gets an answer.
        this.onInternalError?.(err, 'serialize');
        if (message.type === 'response') post({ type: 'error', id: message.id, error: { code: 'internal', message: 'Unexpected error: the result could not be sent.' } });
        return;
      }
      try {
        send(text);
      } catch (err) {
        this.onInternalError?.(err, 'send');
      }
    };
    const subscriptions: Disposable[] = [];
    for (const service of serviceNames) {
      for (const event of apiContract[service].events as readonly string[]) {
        const subscribe = serviceMember(this.api, service, event);
        if (typeof subscribe !== 'function') continue;
        const subscription: Disposable = subscribe((data: unknown) => post({ type: 'event', service, event, data }));
        subscriptions.push(subscription);
      }
    }
    return {
      receive: async (text) => {
        const reply = await this.handle(text);
        if (reply) post(reply);
      },
      dispose: () => {
        open = false;
        for (const s of subscriptions.splice(0)) s.dispose();
      },
    };
  }

  /** One request in, its reply out (null only for a message that needs none). Never throws. */
  async handle(text: string): Promise<RpcResponse | RpcErrorReply | null> {
    if (typeof text !== 'string') return refuse(null, 'malformed', 'Messages must be JSON text.');
    const size = text.length > maxMessageBytes / 4 ? utf8Length(text) : text.length;
    if (size > maxMessageBytes) {
      return refuse(sniffId(text), 'too-large', `The request is too large (${formatBytes(size)}; the limit is ${formatBytes(uploadMaxRequestBytes)}).`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return refuse(sniffId(text), 'malformed', 'The request is not valid JSON.');
    }
    const parsed = requestSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
      return refuse(id, 'malformed', 'The message is not an API request (expected type, id, service, method and args).');
    }
    const request = parsed.data;
    const name = `${request.service}.${request.method}`;
    const spec = methodSpec(request.service, request.method);
    if (!spec) return refuse(request.id, 'unknown-method', `There is no API method ${name}.`);
    const limit = maxRequestBytes(request.service, request.method);
    if (size > limit) return refuse(request.id, 'too-large', `The request to ${name} is too large (${formatBytes(size)}; the limit is ${formatBytes(limit)}).`);
    const args = spec.args.safeParse(request.args, { reportInput: true });
    if (!args.success) return refuse(request.id, 'invalid-argument', describeArgumentIssues(name, args.error.issues, request.args));
    try {
      // methodSpec found the method, so the service name is one of the contract's.
      const service = request.service as ServiceName;
      const fn = serviceMember(this.api, service, request.method);
      if (typeof fn !== 'function') return refuse(request.id, 'not-available', `${name} is not available on this host.`);
      const result: unknown = await fn.apply(this.api[service], args.data as unknown[]);
      return result === undefined ? { type: 'response', id: request.id } : { type: 'response', id: request.id, result };
    } catch (err) {
      const info = this.describeError(err);
      if (info.code === 'internal') this.onInternalError?.(err, name);
      return { type: 'error', id: request.id, error: info };
    }
  }
}

function refuse(id: number | null, code: ApiErrorInfo['code'], message: string): RpcErrorReply {
  return { type: 'error', id, error: { code, message } };
}

// ------------------------------------------------------------------ client side

export interface RpcClientOptions {
  /** A request not answered within this time fails with code `disconnected`; 0 waits forever (default). */
  timeoutMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The calling side: `api` is a ModelwrightApi whose methods send requests through `send` and whose
 * events fire when the host pushes them; feed every message from the host to `receive`.
 */
export class RpcClient {
  readonly api: ModelwrightApi;
  private readonly send: (text: string) => void;
  private readonly options: RpcClientOptions;
  private readonly pending = new Map<number, Pending>();
  private readonly emitters = new Map<string, Emitter<unknown>>();
  private nextId = 1;
  private closedReason: string | null = null;
  /** Errors the host sent that belong to no request (e.g. a message it could not read at all). */
  readonly onDidReceiveStrayError: Emitter<ApiErrorInfo> = new Emitter();

  constructor(send: (text: string) => void, options: RpcClientOptions = {}) {
    this.send = send;
    this.options = options;
    this.api = contractApi({
      method: (service, method) => (...args: unknown[]) => this.call(service, method, args),
      event: (service, event) => {
        const emitter = new Emitter<unknown>();
        this.emitters.set(`${service}.${event}`, emitter);
        return emitter.event;
      },
    });
  }

  /** Calls a method by name (the typed `api` is the usual way). */
  call(service: string, method: string, args: unknown[]): Promise<unknown> {
    if (this.closedReason !== null) return Promise.reject(new ApiError('disconnected', this.closedReason));
    if (isEventName(method)) return Promise.reject(new ApiError('unknown-method', `${service}.${method} is an event, not a method.`));
    // Trailing undefined arguments (optional ones left out) would become null in JSON.
    while (args.length > 0 && args[args.length - 1] === undefined) args = args.slice(0, -1);
    const id = this.nextId++;
    const message: RpcRequest = { type: 'request', id, service, method, args };
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch {
      return Promise.reject(new ApiError('invalid-argument', `${service}.${method}: the arguments are not plain data and cannot be sent.`));
    }
    const limit = maxRequestBytes(service, method);
    if (text.length > limit / 4 && utf8Length(text) > limit) {
      return Promise.reject(new ApiError('too-large', `The request to ${service}.${method} is too large (${formatBytes(utf8Length(text))}; the limit is ${formatBytes(limit)}).`));
    }
    return new Promise((resolve, reject) => {
      const timer = this.options.timeoutMs
        ? setTimeout(() => {
          this.pending.delete(id);
          reject(new ApiError('disconnected', `${service}.${method} got no answer within ${Math.round(this.options.timeoutMs! / 1000)} s.`));
        }, this.options.timeoutMs)
        : undefined;
      this.pending.set(id, { resolve, reject, timer });
      try {
        this.send(text);
      } catch (err) {
        this.settle(id, undefined, { code: 'disconnected', message: `Cannot reach the Modelwright host: ${(err as Error)?.message ?? err}` });
      }
    });
  }

  /** Handles one message from the host (JSON text or an already parsed object). */
  receive(message: string | unknown): void {
    let raw = message;
    if (typeof message === 'string') {
      try {
        raw = JSON.parse(message);
      } catch {
        return;
      }
    }
    const parsed = fromServerSchema.safeParse(raw);
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.type === 'event') {
      this.emitters.get(`${m.service}.${m.event}`)?.fire(m.data);
    } else if (m.type === 'response') {
      this.settle(m.id, m.result, undefined);
    } else if (m.id === null || !this.pending.has(m.id)) {
      this.onDidReceiveStrayError.fire(m.error as ApiErrorInfo);
    } else {
      this.settle(m.id, undefined, m.error as ApiErrorInfo);
    }
  }

  /** The connection is gone: every waiting call fails with `disconnected`, and later calls too. */
  close(reason = 'The connection to the Modelwright host was closed.'): void {
    this.closedReason = reason;
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, { code: 'disconnected', message: reason });
  }

  /** Lets a client that reconnected make calls again. */
  reopen(): void {
    this.closedReason = null;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private settle(id: number, result: unknown, error: ApiErrorInfo | undefined): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    if (error) p.reject(apiErrorFrom(error));
    else p.resolve(result);
  }
}
