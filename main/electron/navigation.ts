// Keeps every web page of the app on the bundled renderer: navigation, new windows and <webview> are
// denied, permission requests refused; http(s) links open in the system browser instead.
import { appOrigin } from './protocol.ts';

/** True only for well-formed http:// and https:// URLs (no file:, javascript:, custom schemes, credentials). */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '' && !parsed.username && !parsed.password;
}

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

interface PreventableEvent {
  preventDefault(): void;
}

/** The part of a webContents that navigation hardening uses. */
export interface NavigationTarget {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

/** Opens a URL in the system browser when it is http(s); anything else is dropped and logged. */
export function openExternalSafely(url: string, shell: ShellLike, log: (message: string) => void = () => {}): boolean {
  if (!isSafeExternalUrl(url)) {
    log(`refused to open ${JSON.stringify(url.slice(0, 200))}: only http and https links open outside the app`);
    return false;
  }
  shell.openExternal(url).catch((err: unknown) => log(`could not open ${url}: ${(err as Error)?.message ?? err}`));
  return true;
}

/** Applies the rules to one webContents (call it from app's `web-contents-created`, so no contents escape). */
export function hardenWebContents(contents: NavigationTarget, shell: ShellLike, log: (message: string) => void = () => {}): void {
  // The studio is a single page: any navigation is either a link (opened outside) or an attack.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (!url.startsWith(`${appOrigin}/`)) openExternalSafely(url, shell, log);
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${appOrigin}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url, shell, log);
    return { action: 'deny' };
  });
}

/** Permissions the studio page may use; every other request (camera, geolocation, notifications...) is refused. */
const allowedPermissions = new Set(['clipboard-sanitized-write']);

/** The part of a session used for permissions. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void) | null): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string, requestingOrigin: string) => boolean) | null): void;
}

export function isPermissionAllowed(permission: string, origin: string | undefined): boolean {
  if (!allowedPermissions.has(permission) || !origin) return false;
  try {
    const u = new URL(origin);
    return `${u.protocol}//${u.host}` === appOrigin;
  } catch {
    return false;
  }
}

export function restrictPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_wc, permission, callback, details) => callback(isPermissionAllowed(permission, details.requestingUrl)));
  session.setPermissionCheckHandler((_wc, permission, origin) => isPermissionAllowed(permission, origin));
}
