// The local web host behind `modelwright serve`: serves the built renderer and the API over a
// WebSocket at /api, on 127.0.0.1 only, to requests that carry the access token from our own origin.
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ModelwrightServices } from '../../app/api/contract.ts';
import { maxMessageBytes, RpcServer } from '../../app/api/rpc.ts';
import { ConnectionFlow, defaultFlowLimits, type FlowLimits } from './flowControl.ts';
import { checkAccess, newAccessToken, redactUrl, tokenCookie } from './security.ts';

export interface WebServerOptions {
  api: ModelwrightServices;
  /** 0 (default): a free port chosen by the system. */
  port?: number;
  /** The built renderer (index.html and assets); a page explaining how to build it is served when missing. */
  rendererDir: string;
  /** Default: a new random token. */
  token?: string;
  log?: (message: string) => void;
  /** Per-client memory bounds (main/web/flowControl.ts); tests lower them. */
  flowLimits?: FlowLimits;
}

export interface WebServer {
  readonly port: number;
  readonly token: string;
  /** The address to open, token included. */
  readonly url: string;
  /** Open WebSocket connections. */
  readonly connections: number;
  close(): Promise<void>;
}

/** ws closes a connection whose message exceeds this; below it, the RPC layer answers with an error reply. */
const socketMaxPayload = 2 * maxMessageBytes;

/** MIME types of the files the renderer bundle holds (shared with the Electron app:// protocol). */
export const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** No remote code: everything from our own origin; Monaco's workers from blob: or self. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

export const missingRendererPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Modelwright — renderer not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em}code{background:#8882;padding:.1em .3em;border-radius:3px}</style>
</head><body><h1>The Modelwright UI is not built yet</h1>
<p>The web host is running and its API is available at <code>/api</code>, but there is no built user interface in <code>dist/renderer/</code>.</p>
<p>Build it with <code>npm run build:renderer</code>, then reload this page.</p></body></html>
`;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? newAccessToken();
  const rendererDir = resolve(options.rendererDir);
  const rpc = new RpcServer(options.api, {
    onInternalError: (err, where) => options.log?.(`internal error in ${where}: ${(err as Error)?.stack ?? err}`),
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: socketMaxPayload });
  const sockets = new Set<WebSocket>();
  let port = 0;

  const server: Server = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      options.log?.(`HTTP error: ${(err as Error)?.message ?? err}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal error.');
    });
  });
  // The token is a secret: no keep-alive tricks, no slow-loris holding sockets forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const access = checkAccess(req, port, token);
    if (!access.ok) {
      options.log?.(`refused ${req.method} ${redactUrl(req.url)}: ${access.reason}`);
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Forbidden: open the address that "modelwright serve" printed (it includes the access token).\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (access.tokenInQuery) {
      // Keep the token out of history and Referer headers: set it as a cookie, then reload without it.
      url.searchParams.delete('token');
      res.writeHead(303, {
        'set-cookie': `${tokenCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: `${url.pathname}${url.search}`,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Only GET is served here; the API is the WebSocket at /api.\n');
      return;
    }
    const headers = {
      'content-security-policy': contentSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    };
    const file = await staticFile(rendererDir, url.pathname);
    if (!file) {
      if (!existsSync(join(rendererDir, 'index.html'))) {
        res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : missingRendererPage);
        return;
      }
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found.\n');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': contentTypes[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(file.size),
      // Vite names assets by content hash; index.html must always be fresh.
      'cache-control': file.path.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file.path).on('error', () => res.destroy()).pipe(res);
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const access = checkAccess(req, port, token);
    if (url.pathname !== '/api' || !access.ok) {
      options.log?.(`refused WebSocket ${redactUrl(req.url)}: ${access.ok ? 'not the API path' : access.reason}`);
      socket.end(`HTTP/1.1 ${access.ok ? '404 Not Found' : '403 Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const flow = new ConnectionFlow(ws, options.flowLimits ?? defaultFlowLimits, options.log);
      const connection = rpc.connect((text) => flow.send(text));
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          flow.send(JSON.stringify({ type: 'error', id: null, error: { code: 'malformed', message: 'Send API requests as JSON text, not binary.' } }));
          return;
        }
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
        flow.begin();
        void connection.receive(text).finally(() => flow.end());
      });
      ws.on('error', (err) => options.log?.(`WebSocket error: ${err.message}`));
      ws.on('close', () => {
        sockets.delete(ws);
        connection.dispose();
      });
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    get connections() { return sockets.size; },
    close() {
      for (const ws of sockets) ws.close(1001, 'The Modelwright host is shutting down.');
      wss.close();
      return new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}

/** A file inside `root` for a URL path, or null: `..`, absolute paths and folders never escape the bundle. */
async function staticFile(root: string, pathname: string): Promise<{ path: string; size: number } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const candidates = [decoded === '/' ? '/index.html' : decoded];
  // Client-side routes (no file extension) get the app's index.html.
  if (extname(decoded) === '') candidates.push('/index.html');
  for (const candidate of candidates) {
    const full = resolve(root, `.${candidate}`);
    const rel = relative(root, full);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) continue;
    const info = await stat(full).catch(() => null);
    if (info?.isFile()) return { path: full, size: info.size };
  }
  return null;
}
