// Smoke test of the real desktop app with Playwright's Electron driver: open the app, open a template,
// train one epoch. Runs where the Electron binary is installed; elsewhere it is skipped and says why.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectronBinary, rendererIsStale } from '../../main/cli/start.ts';
import { buildElectron, bundleNames, electronOutDir, repoRoot } from '../../main/electron/build.ts';

const binary = findElectronBinary();
const skipReason = binary ? null
  : 'Electron smoke test skipped: the Electron binary is not installed (node_modules/electron/path.txt or dist/ missing; it cannot be downloaded here). '
    + 'Run `node node_modules/electron/install.js` on a machine with internet, then run this test again.';
if (skipReason) console.warn(skipReason);

describe.skipIf(!binary)('desktop app (Electron)', () => {
  let userData: string;
  let app: import('playwright-core').ElectronApplication;

  beforeAll(async () => {
    if (rendererIsStale()) {
      const { build } = await import('vite');
      await build({ configFile: join(repoRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
    }
    await buildElectron();
    userData = mkdtempSync(join(tmpdir(), 'mw-electron-e2e-'));
    const { _electron } = await import('playwright-core');
    app = await _electron.launch({
      executablePath: binary!,
      args: [join(electronOutDir, bundleNames.main)],
      env: { ...process.env, MODELWRIGHT_USER_DATA: userData },
      timeout: 60_000,
    });
  }, 240_000);

  afterAll(async () => {
    await app?.close().catch(() => {});
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it('opens on app:// with the secure preload bridge, opens a template and trains one epoch', async () => {
    const page = await app.firstWindow();
    expect(page.url()).toBe('app://modelwright/index.html');
    // The page sees the bridge but none of Node or ipcRenderer.
    const globals = await page.evaluate(() => ({
      bridge: typeof (window as { modelwright?: { kind?: string } }).modelwright?.kind,
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    expect(globals).toEqual({ bridge: 'string', require: 'undefined', process: 'undefined' });
    // The CSP header of our protocol is in force on the page.
    const blocked = await page.evaluate(() => fetch('https://example.com/').then(() => false, () => true));
    expect(blocked).toBe(true);

    await page.getByTestId('template-tabular-classifier').click();
    await page.getByTestId('panel-tab-training').click();
    await page.getByTestId('train-button').click();
    // One epoch is enough to prove trainer, IPC events and charts are wired: wait for it, then stop.
    await page.locator('[data-testid="run-status"][data-phase="running"], [data-testid="run-status"][data-phase="finished"]').waitFor({ timeout: 120_000 });
    await page.waitForFunction(async () => {
      const api = (window as unknown as { modelwright: { api: { training: { listActive(): Promise<{ ok: boolean; value?: { lastProgress?: { type: string } | null }[] }> } } } }).modelwright.api;
      const active = await api.training.listActive();
      return !active.ok || !active.value?.length || active.value[0].lastProgress?.type === 'epoch';
    }, undefined, { timeout: 120_000, polling: 250 });
    const stop = page.getByTestId('stop-button');
    if (await stop.isEnabled().catch(() => false)) await stop.click();
    await page.locator('[data-testid="run-status"][data-phase="finished"]').waitFor({ timeout: 120_000 });
    await page.getByTestId('panel-tab-runs').click();
    await expect(page.getByTestId('runs-table').locator('[data-testid^="run-row-"]').count()).resolves.toBeGreaterThanOrEqual(1);
  }, 300_000);
});
