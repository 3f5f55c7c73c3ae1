// Security of files over the real web host (the server of `modelwright serve`, the renderer's WebSocket
// client, the real services in workspace mode): every method that takes a file name refuses names outside
// the workspace and never replaces a file that is not a project; uploads land in the workspace under
// their own names. The last test drives the `modelwright serve` process itself.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ModelwrightApi, ProjectDocument } from '../../../app/api/contract.ts';
import { createServiceHost, type ServiceHost } from '../../../main/services/host.ts';
import { startWebServer, type WebServer } from '../../../main/web/server.ts';
import { connectWebSocketHost } from '../../../renderer/host/webSocketHost.ts';
import { customerRows, customersCsv } from '../../fixtures/customers.ts';

let dir: string;
let workspace: string;
let host: ServiceHost;
let server: WebServer;
let client: Awaited<ReturnType<typeof connectWebSocketHost>>;
let api: ModelwrightApi;
let project: ProjectDocument;

const outsideText = 'name,secret\nroot,hunter2\n';
/** Every refusal: the `refused` code, a message that says to upload instead, and nothing of the file's contents. */
async function expectRefused(call: Promise<unknown>, message: RegExp = /cannot be used|not replaced|saved as|without folders|only creates|no longer available/): Promise<void> {
  const err = await call.then(() => null, (e: unknown) => e as { code?: string; message: string });
  expect(err, 'the call should have been refused').not.toBeNull();
  expect(err!.code, err!.message).toBe('refused');
  expect(err!.message).toMatch(message);
  expect(err!.message).not.toContain('hunter2');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mw-wsfiles-'));
  workspace = join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(dir, 'outside.csv'), outsideText);
  mkdirSync(join(dir, 'outside-images', 'a'), { recursive: true });
  // Inside the workspace: a link out, a text file posing as a project, a script.
  symlinkSync(join(dir, 'outside.csv'), join(workspace, 'link.csv'));
  writeFileSync(join(workspace, 'notes.mwproj'), 'not a project\n');
  writeFileSync(join(workspace, 'run.sh'), 'echo hi\n');
  host = createServiceHost({ dbPath: join(dir, 'history.db'), fileAccess: 'workspace', workspace });
  server = await startWebServer({ api: host.api, rendererDir: join(dir, 'no-renderer') });
  client = await connectWebSocketHost({ url: `ws://127.0.0.1:${server.port}/api?token=${server.token}`, reconnect: false });
  api = client.api;
  project = await api.projects.newFromTemplate('tabular-classifier');
});

afterAll(async () => {
  client?.close();
  await server?.close();
  await host?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('file names over the web host', () => {
  const outsideNames = () => [
    join(dir, 'outside.csv'), '../outside.csv', 'uploads/../../outside.csv', 'link.csv', '/etc/passwd',
    'C:\\Windows\\win.ini', '\\\\server\\share\\outside.csv', '~/outside.csv',
  ];

  it('datasets.inspect, importCsvPath and check refuse every name outside the workspace', async () => {
    for (const name of outsideNames()) {
      await expectRefused(api.datasets.inspect({ source: name }));
      await expectRefused(api.datasets.importCsvPath(name));
      await expectRefused(api.datasets.check({ ...project, dataset: { ...project.dataset!, source: name } }));
    }
    // A project path outside does not move where relative sources resolve: still the workspace, where there is no such file.
    const beside = await api.datasets.inspect({ source: 'outside.csv' }, { projectPath: join(dir, 'x.mwproj') }).then(() => null, (e: Error) => e);
    expect(beside?.message ?? '').not.toContain('hunter2');
    expect(beside).not.toBeNull();
  });

  it('importImageFolder refuses folders outside, and uploads cannot write outside', async () => {
    await expectRefused(api.datasets.importImageFolder(join(dir, 'outside-images')));
    await expectRefused(api.datasets.importImageFolder('../outside-images'));
    const png = Buffer.from('not really a png').toString('base64');
    await expectRefused(api.datasets.importImageFiles('pics', [{ path: '../../a/x.png', data: png }]));
    await expectRefused(api.datasets.importImageFiles('pics', [{ path: '/abs/a/x.png', data: png }]));
    const zip = Buffer.from(zipSync({ '../../evil/x.png': new Uint8Array([1, 2, 3]) })).toString('base64');
    await expectRefused(api.datasets.importImageZip('pics.zip', zip));
    expect(readdirSync(dir).filter((f) => !f.startsWith('history.db')).sort()).toEqual(['outside-images', 'outside.csv', 'workspace']);
    expect(readdirSync(join(dir, 'outside-images'))).toEqual(['a']);
  });

  it('training.start, sweeps.start and export.code refuse data outside the workspace; export.model and archive refuse folders outside', async () => {
    for (const name of outsideNames()) {
      const bad = { ...project, dataset: { ...project.dataset!, source: name } };
      await expectRefused(api.training.start(bad));
      await expectRefused(api.sweeps.start(bad, { space: { batchSize: { choice: [8, 16] } }, trials: 2 }));
      await expectRefused(api.export.code(bad, { language: 'js' }));
      await expectRefused(api.export.archive(name));
    }
    await expectRefused(api.export.model(1, { outputDir: join(dir, 'out') }));
    await expectRefused(api.export.model(1, { outputDir: '../out' }));
    await expectRefused(api.export.archive('.'), /file name is needed|cannot be used/);
  });

  it('projects.open refuses names outside; save and saveAs write only .mwproj projects inside', async () => {
    for (const name of outsideNames()) await expectRefused(api.projects.open(name));
    await expectRefused(api.projects.save(join(dir, 'evil.mwproj'), project));
    await expectRefused(api.projects.save('../evil.mwproj', project));
    await expectRefused(api.projects.save('run.sh', project), /saved as \.mwproj/);
    await expectRefused(api.projects.saveAs('profile.sh', project, { overwrite: true }), /saved as \.mwproj/);
    await expectRefused(api.projects.save('sub/evil.mwproj', project), /without folders/);
    // A file that is not a project is never replaced, even when asked to.
    await expectRefused(api.projects.save('notes.mwproj', project), /not a Modelwright project/);
    await expectRefused(api.projects.saveAs('notes.mwproj', project, { overwrite: true }), /not a Modelwright project/);
    expect(readFileSync(join(workspace, 'notes.mwproj'), 'utf8')).toBe('not a project\n');
    expect(readFileSync(join(workspace, 'run.sh'), 'utf8')).toBe('echo hi\n');
    expect(readFileSync(join(dir, 'outside.csv'), 'utf8')).toBe(outsideText);
  });

  it('saves a project by name in the workspace, replaces it only as a project, and lists it as recent by name', async () => {
    const saved = await api.projects.saveAs('mine', project);
    expect(saved.path).toBe('mine.mwproj');
    await expect(api.projects.saveAs('mine', project)).rejects.toMatchObject({ code: 'exists' });
    expect((await api.projects.save('mine.mwproj', project)).path).toBe('mine.mwproj');
    const recent = await api.projects.listRecent();
    expect(recent[0]).toMatchObject({ path: 'mine.mwproj', exists: true });
    expect(JSON.stringify(recent)).not.toContain(dir);
    const opened = await api.projects.open('mine.mwproj');
    expect(opened.path).toBe('mine.mwproj');
  });

  it('keeps an upload under its own name (content decides identity) and hands back a workspace name', async () => {
    const a = await api.datasets.importCsvText('../../customers.csv', customersCsv(customerRows(120)));
    expect(a.binding.source).toBe('uploads/customers.csv');
    const again = await api.datasets.importCsvText('customers.csv', customersCsv(customerRows(120)));
    expect(again.binding.source).toBe('uploads/customers.csv');
    const other = await api.datasets.importCsvText('customers.csv', customersCsv(customerRows(130)));
    expect(other.binding.source).toBe('uploads/customers (2).csv');
    expect(readdirSync(join(workspace, 'uploads')).sort()).toEqual(['customers (2).csv', 'customers.csv']);
    const look = await api.datasets.inspect(a.binding);
    expect(look.binding.source).toBe('uploads/customers.csv');
    expect(look.columns.map((c) => c.name)).toContain('outcome');
    expect(JSON.stringify(look)).not.toContain(dir);
  });

  it('names a second run on the same upload after its settings (the upload is the same data, not new data)', async () => {
    const rows = Array.from({ length: 90 }, (_, i) => { const k = i % 3; return [k + (i % 7) / 10, 2 * k + (i % 5) / 10, (i % 4) / 10, k, ['x', 'y', 'z'][k]].join(','); });
    const imported = await api.datasets.importCsvText('three kinds.csv', ['a,b,c,d,kind', ...rows].join('\n'), { target: 'kind' });
    expect(imported.binding.source).toBe('uploads/three kinds.csv');
    const doc = { ...project, name: 'Uploads', dataset: imported.binding, training: { ...project.training!, epochs: 1, backend: 'cpu' as const } };
    const finished = new Set<number>();
    const sub = api.training.onDidFinish((f) => finished.add(f.runId));
    const started = [];
    for (let k = 0; k < 2; k++) {
      const run = await api.training.start(doc);
      for (let i = 0; i < 600 && !finished.has(run.runId); i++) await new Promise((r) => setTimeout(r, 100));
      started.push(run);
    }
    sub.dispose();
    expect(started.map((r) => r.name)).toEqual(['Uploads on three kinds.csv', `same settings as #${started[0].runId}`]);
  });
});

describe('modelwright serve', () => {
  it('refuses datasets.inspect on /etc/passwd and prints its workspace', async () => {
    const entry = fileURLToPath(new URL('../../../main/cli/modelwright.ts', import.meta.url));
    const work = mkdtempSync(join(tmpdir(), 'mw-serve-ws-'));
    const child = spawn(process.execPath, [entry, 'serve', '--db', join(work, 'h.db'), '--no-build'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    try {
      for (let i = 0; i < 200 && !/Workspace/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
      const match = /running at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/.exec(stdout);
      if (!match) throw new Error(`serve printed no URL:\n${stdout}`);
      expect(stdout).toContain(`Workspace (uploads, projects, exports): ${join(work, 'workspace')}`);
      const ws = new WebSocket(`ws://127.0.0.1:${match[1]}/api?token=${match[2]}`);
      await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
      const reply = await new Promise<Record<string, any>>((resolve) => {
        ws.once('message', (raw) => resolve(JSON.parse(raw.toString())));
        ws.send(JSON.stringify({ type: 'request', id: 1, service: 'datasets', method: 'inspect', args: [{ source: '/etc/passwd' }] }));
      });
      ws.close();
      expect(reply).toMatchObject({ type: 'error', id: 1, error: { code: 'refused' } });
      expect(reply.error.message).toMatch(/absolute path, outside the workspace/);
      expect(JSON.stringify(reply)).not.toContain('root:');
    } finally {
      child.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
    }
  });
});
