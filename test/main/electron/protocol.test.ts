// The app:// handler serves the renderer bundle and nothing else: traversal in every spelling,
// absolute paths and symlinks pointing out are refused; good files come with their MIME type and the CSP.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchemePrivileges, createAppProtocolHandler, desktopContentSecurityPolicy, resolveBundleFile } from '../../../main/electron/protocol.ts';

let base: string;
let root: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'mw-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(root, 'assets', 'app-1.js'), 'console.log("studio")');
  writeFileSync(join(root, 'assets', 'app-1.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'editor.worker-2.js'), 'self.onmessage=()=>{}');
  writeFileSync(join(root, 'assets', 'kernel.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(root, 'assets', 'odd name.svg'), '<svg/>');
  writeFileSync(join(base, 'secret.txt'), 'SECRET');
  mkdirSync(join(base, 'renderer-old'));
  writeFileSync(join(base, 'renderer-old', 'index.html'), 'OLD');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link-out.js'));
  symlinkSync(base, join(root, 'up'));
  symlinkSync(join(root, 'assets', 'app-1.js'), join(root, 'alias.js'));
  handler = createAppProtocolHandler(root);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, init?: RequestInit) => handler(new Request(url, init));

describe('app:// protocol', () => {
  it('serves bundle files with their MIME type, the strict CSP and nosniff', async () => {
    const cases: [string, string, string][] = [
      ['app://modelwright/index.html', 'text/html; charset=utf-8', 'studio'],
      ['app://modelwright/', 'text/html; charset=utf-8', 'studio'],
      ['app://modelwright/assets/app-1.js', 'text/javascript; charset=utf-8', 'console.log'],
      ['app://modelwright/assets/app-1.css?v=2#x', 'text/css; charset=utf-8', 'body'],
      ['app://modelwright/assets/editor.worker-2.js', 'text/javascript; charset=utf-8', 'onmessage'],
      ['app://modelwright/assets/kernel.wasm', 'application/wasm', '\0asm'],
      ['app://modelwright/assets/odd%20name.svg', 'image/svg+xml', '<svg/>'],
      // A client-side route with no extension gets the app page.
      ['app://modelwright/runs', 'text/html; charset=utf-8', 'studio'],
    ];
    for (const [url, type, body] of cases) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toBe(type);
      expect(res.headers.get('content-security-policy'), url).toBe(desktopContentSecurityPolicy());
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text(), url).toContain(body);
    }
  });

  it('the CSP allows no remote code: scripts, workers and connections only from our origin', () => {
    const csp = Object.fromEntries(desktopContentSecurityPolicy().split('; ').map((d) => {
      const [name, ...values] = d.split(' ');
      return [name, values];
    }));
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['worker-src']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'none'"]);
    for (const values of Object.values(csp) as string[][]) {
      expect(values).not.toContain("'unsafe-eval'");
      expect(values.some((v) => /^(https?:|ws:|wss:|\*)/.test(v))).toBe(false);
    }
  });

  it('refuses traversal, encoded traversal, absolute paths and symlinks out of the bundle', async () => {
    const raw = [
      '/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/.%2e/secret.txt',
      '/..%2fsecret.txt', '/assets%2f..%2f..%2fsecret.txt', '/%252e%252e/secret.txt', '/..%5csecret.txt', '/assets\\..\\..\\secret.txt',
      `/${join(base, 'secret.txt')}`, `//${join(base, 'secret.txt')}`, '/C:/Windows/win.ini', '/%00index.html', '/index.html%00.js',
      '/assets/link-out.js', '/up/secret.txt', '/up/renderer-old/index.html', '/../renderer-old/index.html', '/%', '/./index.html',
    ];
    for (const path of raw) expect(await resolveBundleFile(root, path), path).toBeNull();
    // Through the handler, whatever the URL parser made of them: never the secret.
    for (const path of raw) {
      const res = await get(`app://modelwright${path}`);
      const text = await res.text();
      expect(text, path).not.toContain('SECRET');
      expect(text, path).not.toContain('OLD');
    }
  });

  it('serves a symlink that stays inside the bundle', async () => {
    expect(await resolveBundleFile(root, '/alias.js')).toBe(join(root, 'assets', 'app-1.js'));
  });

  it('refuses other hosts, credentials, ports and methods', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    // Node's Request refuses credentials itself; Electron hands the handler whatever the page asked for.
    expect((await handler({ url: 'app://user:pw@modelwright/index.html', method: 'GET' } as Request)).status).toBe(404);
    expect((await get('app://modelwright:8080/index.html')).status).toBe(404);
    expect((await get('app://modelwright/index.html', { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await get('app://modelwright/assets/missing.js')).status).toBe(404);
    const head = await get('app://modelwright/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('registers app:// as a standard, secure scheme without bypassing CSP', () => {
    expect(appSchemePrivileges.scheme).toBe('app');
    expect(appSchemePrivileges.privileges.standard).toBe(true);
    expect(appSchemePrivileges.privileges.secure).toBe(true);
    expect((appSchemePrivileges.privileges as Record<string, unknown>).bypassCSP).toBeUndefined();
  });
});
