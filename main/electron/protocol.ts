// The app:// protocol the studio window loads from: serves only files inside the bundled renderer
// folder (no `..`, encoded or not, no absolute paths, no symlinks pointing out), with a strict CSP.
import fs from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { contentTypes } from '../web/server.ts';

export const appScheme = 'app';
export const appHost = 'modelwright';
export const appOrigin = `${appScheme}://${appHost}`;
export const appIndexUrl = `${appOrigin}/index.html`;

/**
 * Privileges for `protocol.registerSchemesAsPrivileged` (before the app is ready): a standard, secure
 * origin so ES modules, workers, fetch and localStorage behave as on https, with no CORS bypass.
 */
export const appSchemePrivileges = {
  scheme: appScheme,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
} as const;

/**
 * No remote code: scripts, workers (Monaco's editor worker is a bundled file) and connections only from
 * our own origin; the API travels over IPC, so nothing needs the network. Inline styles stay allowed
 * because Monaco and React Flow inject <style> elements at run time.
 */
export function desktopContentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

// Called through the fs object at call time (not fs/promises): inside a packaged app these are Electron's
// asar-aware versions, which is what lets the renderer be read out of app.asar.
const realpath = (p: string) => new Promise<string>((res, rej) => fs.realpath(p, (err, r) => (err ? rej(err) : res(r))));
const stat = (p: string) => new Promise<fs.Stats>((res, rej) => fs.stat(p, (err, r) => (err ? rej(err) : res(r))));
const readFile = (p: string) => new Promise<Buffer>((res, rej) => fs.readFile(p, (err, r) => (err ? rej(err) : res(r))));

function inside(root: string, full: string): boolean {
  const rel = relative(root, full);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The file inside `root` that a URL path names, or null. `pathname` is the raw (still percent-encoded)
 * path of the URL. Refused: any `..` or `.` segment after decoding, backslashes, NUL, drive letters,
 * and files whose real path (symlinks resolved) lies outside the real root.
 */
export async function resolveBundleFile(root: string, pathname: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.slice(1).split('/');
  if (segments.some((s) => s === '..' || s === '.' || /^[A-Za-z]:/.test(s))) return null;
  if (decoded.startsWith('//')) return null;
  const candidates = [decoded === '/' ? 'index.html' : segments.join('/')];
  // Client-side routes (no file extension) get the app's index.html.
  if (extname(decoded) === '') candidates.push('index.html');
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return null;
  }
  for (const candidate of candidates) {
    const full = resolve(realRoot, candidate);
    if (!inside(realRoot, full)) continue;
    const real = await realpath(full).catch(() => null);
    if (!real || !inside(realRoot, real)) continue;
    const info = await stat(real).catch(() => null);
    if (info?.isFile()) return real;
  }
  return null;
}

const securityHeaders = (): Record<string, string> => ({
  'content-security-policy': desktopContentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
});

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8' } });
}

/** The handler for `protocol.handle('app', ...)`: a fetch-style Request in, a Response out. */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rendererDir);
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'Bad request');
    }
    if (url.protocol !== `${appScheme}:` || url.host !== appHost || url.username || url.password) return plain(404, 'Not found');
    if (request.url !== appOrigin && !request.url.startsWith(`${appOrigin}/`)) return plain(404, 'Not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    // Take the path as the client sent it: a URL parser may already have folded `%2e%2e`, which is fine,
    // but anything still encoded is judged after decoding.
    const rawPath = request.url.slice(appOrigin.length).split(/[?#]/)[0] || '/';
    const file = await resolveBundleFile(root, rawPath);
    if (!file) return plain(404, 'Not found');
    const body = await readFile(file).catch(() => null);
    if (!body) return plain(404, 'Not found');
    const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...securityHeaders(), 'content-type': type, 'content-length': String(body.length), 'cache-control': 'no-cache' },
    });
  };
}

/** The part of Electron's `protocol` module used here. */
export interface ProtocolModule {
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

export function registerAppProtocol(protocol: ProtocolModule, rendererDir: string): void {
  protocol.handle(appScheme, createAppProtocolHandler(rendererDir));
}
