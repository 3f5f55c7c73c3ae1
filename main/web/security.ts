// Who may talk to the local web host: requests must carry the access token (query or cookie) and come
// from our own address — a foreign Host header (DNS rebinding) or Origin (another site) is refused.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The access cookie's name for a port. Cookies are shared by every port of a host, so one name for all
 * would let a second `modelwright serve` replace the first one's token in the browser.
 */
export function tokenCookie(port: number): string {
  return `mw_token_${port}`;
}

/**
 * A request target for the log: parsed as a URL, the `token` parameter's value replaced (whatever it
 * holds, however it is encoded), the rest kept. Unparseable input is not echoed at all.
 */
export function redactUrl(target: string | undefined): string {
  try {
    const url = new URL(target ?? '/', 'http://localhost');
    if (url.searchParams.has('token')) url.searchParams.set('token', 'REDACTED');
    return `${url.pathname}${url.search}`;
  } catch {
    return '(unreadable address)';
  }
}

export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

export interface AccessCheck {
  ok: boolean;
  /** Why the request is refused, for the 403 page and the log. */
  reason?: string;
  /** True when the token came in the query string (the first visit): set the cookie and drop it from the URL. */
  tokenInQuery?: boolean;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads one cookie without a library: the header is `name=value; name2=value2`. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The host names this server answers to on its port. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function checkAccess(req: IncomingMessage, port: number, token: string): AccessCheck {
  const hosts = allowedHosts(port);
  const host = req.headers.host?.toLowerCase();
  if (!host || !hosts.includes(host)) return { ok: false, reason: `foreign Host header ${JSON.stringify(req.headers.host ?? '')}` };
  const origin = req.headers.origin;
  // Browsers send Origin on WebSocket upgrades and cross-site requests; a non-matching one is another site.
  if (origin !== undefined && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) {
    return { ok: false, reason: `foreign Origin ${JSON.stringify(origin)}` };
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query = url.searchParams.get('token');
  if (query !== null && sameToken(query, token)) return { ok: true, tokenInQuery: true };
  const cookie = cookieValue(req.headers.cookie, tokenCookie(port));
  if (cookie !== undefined && sameToken(cookie, token)) return { ok: true };
  return { ok: false, reason: query !== null || cookie !== undefined ? 'wrong access token' : 'no access token' };
}
