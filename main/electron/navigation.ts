// Keeps every web page of the app on the bundled renderer: navigation, new windows and <webview> are
// denied, permission requests refused; http(s) links open in the system browser instead, after the user
// agreed in a native dialog (a page cannot send the user anywhere without a question).
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

/** Asks the user whether to open a link outside the app; resolves true to open it. */
export type ConfirmExternal = (url: string) => Promise<boolean>;

/** Without a way to ask, nothing leaves the app. */
const neverConfirm: ConfirmExternal = async () => false;

/**
 * Opens a URL in the system browser when it is http(s) and the user agrees; anything else is dropped and
 * logged. Returns whether the URL was acceptable (the question is asked after that).
 */
export function openExternalSafely(url: string, shell: ShellLike, log: (message: string) => void = () => {}, confirm: ConfirmExternal = neverConfirm): boolean {
  if (!isSafeExternalUrl(url)) {
    log(`refused to open ${JSON.stringify(url.slice(0, 200))}: only http and https links open outside the app`);
    return false;
  }
  void confirm(url).then((yes) => {
    if (!yes) return log(`did not open ${url}: the user declined`);
    return shell.openExternal(url);
  }).catch((err: unknown) => log(`could not open ${url}: ${(err as Error)?.message ?? err}`));
  return true;
}

/** Applies the rules to one webContents (call it from app's `web-contents-created`, so no contents escape). */
export function hardenWebContents(contents: NavigationTarget, shell: ShellLike, log: (message: string) => void = () => {}, confirm: ConfirmExternal = neverConfirm): void {
  // The studio is a single page: any navigation is either a link (opened outside) or an attack.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (!url.startsWith(`${appOrigin}/`)) openExternalSafely(url, shell, log, confirm);
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${appOrigin}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url, shell, log, confirm);
    return { action: 'deny' };
  });
}

/** The part of Electron's `app` that process-wide hardening uses. */
export interface AppLike {
  enableSandbox(): void;
}

/** Before `ready`: every renderer, including any a bug might create, runs sandboxed (Electron's app.enableSandbox). */
export function hardenApp(app: AppLike): void {
  app.enableSandbox();
}

/**
 * Permissions the studio page may use: clipboard writes, and `media` for the camera (snapshots of image
 * classes and Try it) — video only, never the microphone. Every other request (geolocation,
 * notifications...) is refused, and every request from another origin.
 */
const allowedPermissions = new Set(['clipboard-sanitized-write', 'media']);

/** What Electron says about a media request (`mediaTypes`) or check (`mediaType`). */
export interface MediaDetails {
  mediaTypes?: string[];
  mediaType?: string;
}

/** The part of a session used for permissions. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string } & MediaDetails) => void) | null): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string, requestingOrigin: string, details?: MediaDetails) => boolean) | null): void;
}

export function isPermissionAllowed(permission: string, origin: string | undefined, media: MediaDetails = {}): boolean {
  if (!allowedPermissions.has(permission) || !origin) return false;
  if (permission === 'media') {
    const types = media.mediaTypes ?? (media.mediaType === undefined ? [] : [media.mediaType]);
    // The camera only: a request that includes audio (or says nothing of what it wants) is refused.
    if (types.length === 0 || types.some((t) => t !== 'video')) return false;
  }
  try {
    const u = new URL(origin);
    return `${u.protocol}//${u.host}` === appOrigin;
  } catch {
    return false;
  }
}

export function restrictPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_wc, permission, callback, details) => callback(isPermissionAllowed(permission, details.requestingUrl, details)));
  session.setPermissionCheckHandler((_wc, permission, origin, details) => isPermissionAllowed(permission, origin, details ?? {}));
}
