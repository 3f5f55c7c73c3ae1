// A client that sends requests and never reads the answers cannot make `modelwright serve` grow without
// bound (main/web/flowControl.ts): the host stops reading that client's requests while its queue is long,
// so the client's own writes block. Measured on the real serve process (RSS from /proc), with a bounded
// loop: at most 80 requests whose answers are ~5 MB each (400 MB if they were all queued).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const entry = fileURLToPath(new URL('../../../main/cli/modelwright.ts', import.meta.url));
/** The documented bound: a client that never reads grows the host by less than this (docs/api.md). */
const maxGrowthBytes = 400 * 1024 * 1024;
const requests = 80;

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** A masked WebSocket text frame (an all-zero mask key leaves the payload as is, which the protocol allows). */
function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length])
    : length < 65536 ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 255])
      : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); return b; })()]);
  return Buffer.concat([header, Buffer.alloc(4), payload]);
}

/** Opens the API WebSocket on a raw TCP socket, then stops reading from it for good. */
async function neverReadingClient(port: number, token: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  socket.write(`GET /api?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  const head = await new Promise<string>((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) { socket.off('data', onData); resolve(text); }
    };
    socket.on('data', onData);
  });
  expect(head).toMatch(/^HTTP\/1\.1 101/);
  socket.pause();
  return socket;
}

const noProc = !existsSync('/proc/self/status');
if (noProc) console.warn('[slow client] skipped: the RSS bound is read from /proc/<pid>/status, which this system (not Linux) lacks');

describe.skipIf(noProc)('a client that never reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mw-slow-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(`cannot push the serve process's memory up by ${maxGrowthBytes / 1024 / 1024} MB, and others are still served`, async () => {
    child = spawn(process.execPath, [entry, 'serve', '--db', join(dir, 'h.db'), '--no-build'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
    for (let i = 0; i < 300 && !/token=/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
    const [, port, token] = /127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/.exec(stdout) ?? [];
    expect(port).toBeDefined();

    // ~5 MB of preview comes back for every ~5 MB request: 20 rows with a 250 KB text cell each.
    const cell = 'x'.repeat(250_000);
    const csv = `text,label\n${Array.from({ length: 20 }, (_, i) => `${cell}${i},${i % 2 ? 'a' : 'b'}`).join('\n')}\n`;
    const socket = await neverReadingClient(Number(port), token);
    // Warm up (the first upload loads modules) before the baseline.
    socket.write(frame(JSON.stringify({ type: 'request', id: 0, service: 'projects', method: 'listTemplates', args: [] })));
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = rssBytes(child.pid!);
    let peak = baseline;
    const sampler = setInterval(() => { peak = Math.max(peak, rssBytes(child!.pid!)); }, 50);
    let sent = 0;
    try {
      for (; sent < requests; sent++) {
        const ok = socket.write(frame(JSON.stringify({ type: 'request', id: sent + 1, service: 'datasets', method: 'importCsvText', args: [`big-${sent}.csv`, csv] })));
        if (!ok) {
          // The host stopped reading: wait a little for it to drain; if it does not, the pushing back works.
          const drained = await Promise.race([new Promise<boolean>((r) => socket.once('drain', () => r(true))), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
          if (!drained) break;
        }
      }
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - baseline;
    console.log(`[slow client] ${sent} of ${requests} requests written before the host stopped reading; serve RSS ${Math.round(baseline / 1e6)} → peak ${Math.round(peak / 1e6)} MB`);
    expect(sent).toBeLessThan(requests);
    expect(growth).toBeLessThan(maxGrowthBytes);

    // Another client is served meanwhile.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const reply = await new Promise<Record<string, unknown>>((resolve) => {
      ws.once('message', (raw) => resolve(JSON.parse(raw.toString())));
      ws.send(JSON.stringify({ type: 'request', id: 1, service: 'projects', method: 'listTemplates', args: [] }));
    });
    expect(reply).toMatchObject({ type: 'response', id: 1 });
    ws.close();
    socket.destroy();
  }, 120_000);
});
