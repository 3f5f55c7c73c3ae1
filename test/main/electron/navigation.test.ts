// Navigation and new windows are denied; only http(s) links go to the system browser; permission
// requests other than clipboard writing from our own page are refused.
import { describe, expect, it, vi } from 'vitest';
import { hardenApp, hardenWebContents, isPermissionAllowed, isSafeExternalUrl, restrictPermissions, type NavigationTarget, type PermissionSession } from '../../../main/electron/navigation.ts';

function fakeContents() {
  const handlers = new Map<string, (...args: any[]) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const contents: NavigationTarget = {
    on: ((event: string, listener: (...args: any[]) => void) => { handlers.set(event, listener); }) as NavigationTarget['on'],
    setWindowOpenHandler: (h) => { openHandler = h; },
  };
  const event = () => ({ prevented: false, preventDefault() { this.prevented = true; } });
  return {
    contents,
    navigate(url: string) { const e = event(); handlers.get('will-navigate')!(e, url); return e.prevented; },
    redirect(url: string) { const e = event(); handlers.get('will-redirect')!(e, url); return e.prevented; },
    attachWebview() { const e = event(); handlers.get('will-attach-webview')!(e, {}, {}); return e.prevented; },
    open(url: string) { return openHandler!({ url }); },
  };
}

describe('navigation', () => {
  it('recognises only http and https URLs as safe to open outside', () => {
    for (const url of ['https://keras.io/api/layers/', 'http://example.com', 'HTTPS://EXAMPLE.COM/a?b#c']) expect(isSafeExternalUrl(url), url).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'app://modelwright/index.html', 'smb://host/share', 'ms-msdt:/id', 'data:text/html,x',
      'https://user:pw@example.com/', 'not a url', '', 'http://', 'vbscript:x']) expect(isSafeExternalUrl(url), url).toBe(false);
  });

  it('denies every navigation; external http(s) links open in the system browser once the user agrees, other schemes nowhere', async () => {
    const opened: string[] = [];
    const shell = { openExternal: vi.fn(async (url: string) => { opened.push(url); }) };
    const log = vi.fn();
    const c = fakeContents();
    const asked: string[] = [];
    hardenWebContents(c.contents, shell, log, async (url) => { asked.push(url); return true; });
    expect(c.navigate('https://keras.io/')).toBe(true);
    expect(c.navigate('file:///etc/passwd')).toBe(true);
    expect(c.navigate('app://modelwright/index.html')).toBe(true);
    expect(c.navigate('javascript:alert(1)')).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual(['https://keras.io/']);
    expect(opened).toEqual(['https://keras.io/']);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('file:///etc/passwd'));
  });

  it('denies new windows, opening only http(s) URLs externally (after asking)', async () => {
    const shell = { openExternal: vi.fn(async () => {}) };
    const c = fakeContents();
    hardenWebContents(c.contents, shell, () => {}, async () => true);
    expect(c.open('https://www.tensorflow.org/js')).toEqual({ action: 'deny' });
    expect(c.open('file:///C:/Windows/System32/calc.exe')).toEqual({ action: 'deny' });
    expect(c.open('app://modelwright/index.html')).toEqual({ action: 'deny' });
    await new Promise((r) => setTimeout(r, 0));
    expect(shell.openExternal.mock.calls).toEqual([['https://www.tensorflow.org/js']]);
  });

  it('opens nothing when the user declines, or when no way to ask was given (window.open without a gesture cannot leave the app)', async () => {
    const shell = { openExternal: vi.fn(async () => {}) };
    const declined = fakeContents();
    const log = vi.fn();
    hardenWebContents(declined.contents, shell, log, async () => false);
    expect(declined.open('https://evil.example/')).toEqual({ action: 'deny' });
    declined.navigate('https://evil.example/2');
    const unasked = fakeContents();
    hardenWebContents(unasked.contents, shell);
    unasked.open('https://evil.example/3');
    await new Promise((r) => setTimeout(r, 0));
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('declined'));
  });

  it('turns on the sandbox for every renderer of the app', () => {
    const app = { enableSandbox: vi.fn() };
    hardenApp(app);
    expect(app.enableSandbox).toHaveBeenCalledTimes(1);
  });

  it('refuses redirects away from the app and <webview> attachment', () => {
    const c = fakeContents();
    hardenWebContents(c.contents, { openExternal: async () => {} });
    expect(c.redirect('https://evil.example/')).toBe(true);
    expect(c.redirect('app://modelwright/index.html')).toBe(false);
    expect(c.attachWebview()).toBe(true);
  });

  it('refuses permission requests except clipboard writes and the camera from our own page', () => {
    let request: Parameters<PermissionSession['setPermissionRequestHandler']>[0] = null;
    let check: Parameters<PermissionSession['setPermissionCheckHandler']>[0] = null;
    restrictPermissions({ setPermissionRequestHandler: (h) => { request = h; }, setPermissionCheckHandler: (h) => { check = h; } });
    const answers: [string, string, boolean][] = [];
    for (const [permission, url] of [['media', 'app://modelwright/index.html'], ['geolocation', 'app://modelwright/'], ['notifications', 'app://modelwright/'],
      ['clipboard-sanitized-write', 'app://modelwright/index.html'], ['clipboard-sanitized-write', 'https://evil.example/'], ['clipboard-read', 'app://modelwright/'],
      ['openExternal', 'app://modelwright/']]) {
      request!({}, permission, (granted) => answers.push([permission, url, granted]), { requestingUrl: url });
    }
    expect(answers.filter((a) => a[2])).toEqual([['clipboard-sanitized-write', 'app://modelwright/index.html', true]]);
    // The camera (video only) for our own page; never the microphone, never another origin.
    const media: [string, string[], boolean][] = [];
    for (const [url, mediaTypes] of [['app://modelwright/index.html', ['video']], ['app://modelwright/', ['video', 'audio']], ['app://modelwright/', ['audio']],
      ['https://evil.example/', ['video']], ['app://other/', ['video']], ['file:///index.html', ['video']], ['app://modelwright/', []]] as const) {
      request!({}, 'media', (granted) => media.push([url, [...mediaTypes], granted]), { requestingUrl: url, mediaTypes: [...mediaTypes] });
    }
    expect(media.filter((m) => m[2])).toEqual([['app://modelwright/index.html', ['video'], true]]);
    expect(check!({}, 'media', 'app://modelwright', { mediaType: 'video' })).toBe(true);
    expect(check!({}, 'media', 'app://modelwright', { mediaType: 'audio' })).toBe(false);
    expect(check!({}, 'media', 'https://evil.example', { mediaType: 'video' })).toBe(false);
    expect(check!({}, 'media', 'app://modelwright')).toBe(false);
    expect(check!({}, 'clipboard-sanitized-write', 'app://modelwright')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
  });
});
