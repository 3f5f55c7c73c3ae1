// The esbuild bundles work where they will run: the preload in a sandbox that can require only
// `electron`, and main.mjs resolves every import it makes (with `electron` replaced by a stub).
import { execFile } from 'node:child_process';
import { MessageChannel, Worker } from 'node:worker_threads';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron, bundleNames, repoRoot } from '../../../main/electron/build.ts';

let outDir: string;
const stubDir = mkdtempSync(join(tmpdir(), 'mw-electron-stub-'));
beforeAll(async () => {
  outDir = join(repoRoot, 'dist', `electron-test-${process.pid}-build`);
  await buildElectron({ outDir });
});
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(stubDir, { recursive: true, force: true });
});

describe('Electron bundles', () => {
  it('the preload runs when only `electron` can be required, and exposes only the bridge', () => {
    const code = readFileSync(join(outDir, bundleNames.preload), 'utf8');
    const exposed: [string, Record<string, unknown>][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: Record<string, unknown>) => exposed.push([key, value]) },
      ipcRenderer: { send() {}, invoke: async () => null, on() {}, removeListener() {} },
    };
    const sandboxRequire = (name: string) => {
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    };
    const context = vm.createContext({
      require: sandboxRequire, module: { exports: {} }, exports: {}, process: { platform: 'linux' },
      console, setTimeout, clearTimeout, queueMicrotask, TextEncoder, TextDecoder, URL,
    });
    vm.runInContext(code, context);
    expect(exposed.map(([k]) => k)).toEqual(['modelwright']);
    expect(Object.keys(exposed[0][1].api as object).sort()).toEqual(['catalog', 'datasets', 'export', 'predict', 'projects', 'runs', 'sweeps', 'training']);
  });

  it('main.mjs loads its whole import graph and registers the app:// scheme before ready', async () => {
    writeFileSync(join(stubDir, 'electron.mjs'), `
      const calls = [];
      const rec = (name) => () => { calls.push(name); };
      export const app = { setName: rec('setName'), setPath: rec('setPath'), on: rec('on'), requestSingleInstanceLock: () => true, enableSandbox: rec('enableSandbox'),
        whenReady: () => new Promise(() => {}), setAboutPanelOptions: rec('about'), getVersion: () => '0', quit: rec('quit') };
      export const protocol = { registerSchemesAsPrivileged: (s) => calls.push('privileged:' + s.map((x) => x.scheme).join()) };
      export const BrowserWindow = {}, dialog = {}, ipcMain = {}, Menu = {}, nativeTheme = {}, screen = {}, session = {}, shell = {}, utilityProcess = {};
      setTimeout(() => { console.log(JSON.stringify(calls)); process.exit(0); }, 200);`);
    writeFileSync(join(stubDir, 'hooks.mjs'), `
      export async function resolve(specifier, context, next) {
        if (specifier === 'electron') return { url: ${JSON.stringify(pathToFileURL(join(stubDir, 'electron.mjs')).href)}, shortCircuit: true };
        return next(specifier, context);
      }`);
    writeFileSync(join(stubDir, 'register.mjs'), `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(join(stubDir, 'hooks.mjs')).href)});`);
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', pathToFileURL(join(stubDir, 'register.mjs')).href, join(outDir, bundleNames.main)], { timeout: 30_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    const calls = JSON.parse(out.trim().split('\n').pop()!);
    expect(calls).toContain('privileged:app');
    expect(calls).toContain('setName');
    // app.enableSandbox() must come before ready (whenReady never resolves here), so every renderer is sandboxed.
    expect(calls).toContain('enableSandbox');
  });

  it('replica.mjs, the trainer\'s data-parallel thread, starts on its own and builds the model it is given', async () => {
    const { port1, port2 } = new MessageChannel();
    const topology = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { units: 3, batch_input_shape: [null, 4], name: 'd' } }] } };
    const worker = new Worker(join(outDir, bundleNames.replica), {
      workerData: { spec: { model: { kind: 'keras', topology }, loss: 'meanSquaredError', metrics: [] }, port: port2, signal: new Int32Array(new SharedArrayBuffer(8)) },
      transferList: [port2],
    });
    try {
      const reply = await new Promise((resolve, reject) => {
        port1.once('message', resolve);
        worker.once('error', reject);
      });
      // Its gradients' shared buffer: 4·3 + 3 floats.
      expect(reply).toEqual({ type: 'ready', trainableShapes: [[4, 3], [3]], grads: expect.any(SharedArrayBuffer) });
      expect((reply as { grads: SharedArrayBuffer }).grads.byteLength).toBe(4 * (4 * 3 + 3));
    } finally {
      port1.close();
      await worker.terminate();
    }
  }, 60_000);
});
