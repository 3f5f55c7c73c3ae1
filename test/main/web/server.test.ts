// Security of the local web host: the token, Host and Origin checks (DNS rebinding, cross-site use),
// refusal of oversized and malformed messages with an error reply while the server stays up, and
// static files that never escape the renderer folder.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { uploadMaxRequestBytes } from '../../../app/api/contract.ts';
import { Emitter } from '../../../app/api/events.ts';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { startWebServer, type WebServer } from '../../../main/web/server.ts';
import { openStore } from '../../../main/store/experimentStore.ts';

/** Only what these tests call; the rest of the API is not needed to test the transport. */
function stubApi(): ModelwrightApi {
  const none = new Emitter<never>().event;
  return {
    catalog: { validate: async (graph: { layers: unknown[] }) => ({ layers: graph.layers.length }) },
    projects: { listTemplates: async () => [{ id: 't' }] },
    training: { onDidStart: none, onDidProgress: none, onDidFinish: none },
    runs: { onDidChange: none },
    sweeps: { onDidChange: none, onDidProgress: none },
    datasets: {}, export: {}, predict: {},
  } as unknown as ModelwrightApi;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket; resolves with it, or with the HTTP status of a refused upgrade. */
function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, maxPayload: 256 * 1024 * 1024 });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

/** Sends one raw message and waits for the next reply. */
function exchange(ws: WebSocket, data: string | Buffer): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    ws.once('message', (raw) => resolve(JSON.parse(raw.toString())));
    ws.once('close', (code) => reject(new Error(`socket closed (${code})`)));
    ws.send(data);
  });
}

/** Sends a request and waits for the reply with its id (events may arrive first). */
function callById(ws: WebSocket, id: number, service: string, method: string, args: unknown[]): Promise<Record<string, any>> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const message = JSON.parse(raw.toString());
      if (message.id === id) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'request', id, service, method, args }));
  });
}

describe('web host security', () => {
  let dir: string;
  let server: WebServer;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mw-web-'));
    mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>studio</title>');
    writeFileSync(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside the bundle');
    server = await startWebServer({ api: stubApi(), rendererDir: join(dir, 'renderer') });
    base = `ws://127.0.0.1:${server.port}/api`;
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a URL on 127.0.0.1 with a random token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('refuses HTTP requests without the right token', async () => {
    expect((await get(server.port, '/')).status).toBe(403);
    expect((await get(server.port, '/?token=wrong')).status).toBe(403);
    expect((await get(server.port, '/', { cookie: `mw_token_${server.port}=wrong` })).status).toBe(403);
  });

  it('turns the token into an HttpOnly cookie on first visit, then serves the app', async () => {
    const first = await get(server.port, `/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(String(first.headers['set-cookie'])).toMatch(new RegExp(`mw_token_${server.port}=.*HttpOnly.*SameSite=Strict`));
    const page = await get(server.port, '/', { cookie: `mw_token_${server.port}=${server.token}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>studio</title>');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    // Client-side routes get the app; files come with their type.
    expect((await get(server.port, '/runs/12', { cookie: `mw_token_${server.port}=${server.token}` })).body).toContain('studio');
    const js = await get(server.port, '/assets/app.js', { cookie: `mw_token_${server.port}=${server.token}` });
    expect(js.headers['content-type']).toMatch(/javascript/);
  });

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin, even with the token', async () => {
    const withToken = `/?token=${server.token}`;
    expect((await get(server.port, withToken, { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server.port, withToken, { host: '127.0.0.1:1' })).status).toBe(403);
    expect((await get(server.port, withToken, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(server.port, withToken, { origin: `http://localhost:${server.port}` })).status).toBe(303);
  });

  it('never serves files outside the renderer folder', async () => {
    const cookie = { cookie: `mw_token_${server.port}=${server.token}` };
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const res = await get(server.port, path, cookie);
      expect(res.body, path).not.toContain('outside the bundle');
    }
  });

  it('refuses WebSocket upgrades without the token, from a foreign Origin or Host', async () => {
    expect(await openSocket(base)).toBe(403);
    expect(await openSocket(`${base}?token=nope`)).toBe(403);
    expect(await openSocket(`${base}?token=${server.token}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await openSocket(`${base}?token=${server.token}`, { host: `evil.example:${server.port}` })).toBe(403);
    const ok = await openSocket(`${base}?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    expect(ok).toBeInstanceOf(WebSocket);
    (ok as WebSocket).close();
    const byCookie = await openSocket(base, { cookie: `mw_token_${server.port}=${server.token}` });
    expect(byCookie).toBeInstanceOf(WebSocket);
    (byCookie as WebSocket).close();
  });

  it('answers malformed and oversized messages with an error reply and stays up', async () => {
    const ws = (await openSocket(`${base}?token=${server.token}`)) as WebSocket;
    const call = (id: number, service: string, method: string, args: unknown[]) => JSON.stringify({ type: 'request', id, service, method, args });

    expect(await exchange(ws, 'not json {')).toMatchObject({ type: 'error', id: null, error: { code: 'malformed' } });
    expect(await exchange(ws, '{"type":"request","id":7}')).toMatchObject({ type: 'error', id: 7, error: { code: 'malformed' } });
    expect(await exchange(ws, Buffer.from([1, 2, 3]))).toMatchObject({ type: 'error', error: { code: 'malformed' } });
    expect(await exchange(ws, call(8, 'nope', 'x', []))).toMatchObject({ id: 8, error: { code: 'unknown-method' } });
    expect(await exchange(ws, call(9, 'catalog', 'validate', [{ layers: 'x' }]))).toMatchObject({ id: 9, error: { code: 'invalid-argument' } });

    // Over the 8 MB limit of an ordinary method...
    const big = call(10, 'catalog', 'validate', [{ layers: [], connections: [], pad: 'x'.repeat(9 * 1024 * 1024) }]);
    const tooBig = await exchange(ws, big);
    expect(tooBig).toMatchObject({ type: 'error', id: 10, error: { code: 'too-large' } });
    expect(tooBig.error.message).toMatch(/catalog\.validate is too large .*limit is 8 MB/);
    // ...and over the 64 MB upload limit of every method.
    const huge = `{"type":"request","id":11,"service":"datasets","method":"importCsvText","args":["a.csv","${'y'.repeat(uploadMaxRequestBytes + 2 * 1024 * 1024)}"]}`;
    expect(await exchange(ws, huge)).toMatchObject({ type: 'error', id: 11, error: { code: 'too-large' } });

    // Still serving on the same connection, and to new ones.
    expect(await exchange(ws, call(12, 'catalog', 'validate', [{ layers: [], connections: [] }]))).toEqual({ type: 'response', id: 12, result: { layers: 0 } });
    ws.close();
    const again = (await openSocket(`${base}?token=${server.token}`)) as WebSocket;
    expect(await exchange(again, call(1, 'projects', 'listTemplates', []))).toEqual({ type: 'response', id: 1, result: [{ id: 't' }] });
    again.close();
  });

  it('serves a page that says how to build the UI when the renderer is missing', async () => {
    const bare = await startWebServer({ api: stubApi(), rendererDir: join(dir, 'no-renderer') });
    try {
      const page = await get(bare.port, '/', { cookie: `mw_token_${bare.port}=${bare.token}` });
      expect(page.status).toBe(200);
      expect(page.body).toContain('npm run build:renderer');
    } finally {
      await bare.close();
    }
  });
});

describe('access cookie and log', () => {
  it('names the cookie by port, so a second server neither replaces nor accepts the first one\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-web-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>studio</title>');
    const first = await startWebServer({ api: stubApi(), rendererDir: dir });
    const second = await startWebServer({ api: stubApi(), rendererDir: dir });
    try {
      const a = String((await get(first.port, `/?token=${first.token}`)).headers['set-cookie']);
      const b = String((await get(second.port, `/?token=${second.token}`)).headers['set-cookie']);
      expect(a).toMatch(new RegExp(`^mw_token_${first.port}=${first.token};`));
      expect(b).toMatch(new RegExp(`^mw_token_${second.port}=${second.token};`));
      // The browser sends both cookies to either port (cookies ignore ports): each server reads its own.
      const both = `mw_token_${first.port}=${first.token}; mw_token_${second.port}=${second.token}`;
      expect((await get(first.port, '/', { cookie: both })).status).toBe(200);
      expect((await get(second.port, '/', { cookie: both })).status).toBe(200);
      expect((await get(second.port, '/', { cookie: `mw_token_${first.port}=${first.token}` })).status).toBe(403);
    } finally {
      await first.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs refused requests with the token parameter redacted however it is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-web-'));
    const lines: string[] = [];
    const server = await startWebServer({ api: stubApi(), rendererDir: dir, log: (m) => lines.push(m) });
    try {
      const secret = 'Sup3rSecretValue';
      // Wrong tokens as a user might paste them: plain, percent-encoded, twice, after another parameter.
      await get(server.port, `/?token=${secret}`);
      await get(server.port, `/?a=1&token=${encodeURIComponent(secret + '&x')}`);
      await get(server.port, `/?%74oken=${secret}`);
      await get(server.port, `/api?token=${secret}&token=${secret}`, { origin: 'http://evil.example' });
      expect(lines.length).toBeGreaterThanOrEqual(4);
      for (const line of lines) expect(line).not.toContain(secret.slice(4));
      expect(lines.join('\n')).toContain('token=REDACTED');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('modelwright serve', () => {
  const entry = fileURLToPath(new URL('../../../main/cli/modelwright.ts', import.meta.url));

  it('prints the URL, serves the API, and on Ctrl+C stops a running training and closes the history', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-serve-'));
    const db = join(dir, 'history.db');
    const child = spawn(process.execPath, [entry, 'serve', '--db', db, '--no-build'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !/running at/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
      const match = /running at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/.exec(stdout);
      if (!match) throw new Error(`serve printed no URL:\n${stdout}\n${stderr}`);
      const [, port, token] = match;
      expect((await get(Number(port), '/')).status).toBe(403);

      const ws = (await openSocket(`ws://127.0.0.1:${port}/api?token=${token}`)) as WebSocket;
      const doc = await exchange(ws, JSON.stringify({ type: 'request', id: 1, service: 'projects', method: 'newFromTemplate', args: ['tabular-classifier'] }));
      const project = { ...doc.result, training: { ...doc.result.training, epochs: 5000, backend: 'cpu' } };
      const progress = new Promise<void>((resolve) => {
        ws.on('message', (raw) => { if (JSON.parse(raw.toString()).event === 'onDidProgress') resolve(); });
      });
      const started = await callById(ws, 2, 'training', 'start', [project]);
      expect(started.result.runId).toBe(1);
      await progress;

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/Stopped\./);
      const store = openStore(db, { mustExist: true });
      try {
        const run = store.getRun(1);
        expect(run.status).toBe('stopped');
        expect(run.artifacts.some((a) => a.kind === 'model')).toBe(true);
      } finally {
        store.close();
      }
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
