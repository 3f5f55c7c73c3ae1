// End to end: a trained model folder (a Keras model as tensorflowjs_converter writes it) imported from the start
// page as a picked folder: its layers appear on the canvas marked "weights imported", the status bar counts the
// imported parameters, and the project with its weights folder is saved in the workspace. A broken folder is
// refused in plain words.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kerasConverterModel } from '../main/model/kerasConverterFixture.ts';
import { chromiumMissingReason, screenshot, setSetting, showPanel, useStudio, waitForTrained } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] importModel.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('importing a trained model folder in the browser studio', () => {
  const studio = useStudio('import-model');
  const dir = mkdtempSync(join(tmpdir(), 'mw-e2e-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { json, weights } = kerasConverterModel(3);
  mkdirSync(join(dir, 'flowers-model'));
  writeFileSync(join(dir, 'flowers-model', 'model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'flowers-model', 'group1-shard1of1.bin'), new Uint8Array(weights.buffer));
  mkdirSync(join(dir, 'cut-model'));
  writeFileSync(join(dir, 'cut-model', 'model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'cut-model', 'group1-shard1of1.bin'), new Uint8Array(weights.buffer).subarray(0, 20));

  async function pickFolder(folder: string) {
    const { page } = studio.browser;
    const chooser = page.waitForEvent('filechooser');
    await page.click('[data-testid="import-model-folder"]');
    await (await chooser).setFiles(join(dir, folder));
  }

  it('refuses a folder whose weight file is cut short, in plain words', async () => {
    const { page } = studio.browser;
    await pickFolder('cut-model');
    const toast = page.locator('[data-testid="toast-error"]').filter({ hasText: /too short/ });
    await expect.poll(() => toast.count(), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await toast.first().textContent()).toMatch(/The model cannot be imported: the weight files "group1-shard1of1\.bin" are too short/);
    expect(await toast.first().textContent()).not.toContain(studio.workspace);
  }, 120_000);

  it('shows the imported layers marked "weights imported", with the imported parameters counted', async () => {
    const { page } = studio.browser;
    await pickFolder('flowers-model');
    await page.waitForSelector('[data-testid="canvas-node-dense_1"]', { timeout: 60_000 });
    expect(await page.locator('[data-testid="node-imported"]').count()).toBe(2);
    expect(await page.locator('[data-testid="canvas-node-dense_input"] [data-testid="node-imported"]').count()).toBe(0);
    expect(await page.locator('[data-testid="canvas-node-dense"]').textContent()).toMatch(/15 params, imported/);
    expect(await page.locator('[data-testid="imported-params"]').textContent()).toMatch(/27 imported/);
    expect(await page.locator('[data-testid="total-params"]').textContent()).toMatch(/27 parameters/);
    await screenshot(page, 'import-model-folder');
    expect(existsSync(join(studio.workspace, 'flowers-model.mwproj'))).toBe(true);
    expect(existsSync(join(studio.workspace, 'flowers-model.weights', 'weights.bin'))).toBe(true);
  }, 120_000);

  it('trains on Iris starting from the imported weights, and says so', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'data');
    await page.click('[data-testid="data-source-builtin"]');
    await page.selectOption('[data-testid="builtin-select"]', 'iris');
    await page.click('[data-testid="use-builtin"]');
    await showPanel(page, 'training');
    await setSetting(page, 'epochs', '2');
    expect(await page.locator('[data-testid="start-from"] option:checked').textContent()).toMatch(/the imported weights/);
    await page.click('[data-testid="train-button"]:not([disabled])', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="imported-weights-report"]', { timeout: 120_000 });
    expect(await page.locator('[data-testid="imported-weights-report"]').textContent()).toMatch(/Started from imported weights: 2 of 2 layers\s+took them \(dense, dense_1\)/);
    await waitForTrained(page, 120_000);
    await screenshot(page, 'import-model-trained');
    // The history says where the run's weights came from.
    await showPanel(page, 'runs');
    await page.waitForSelector('[data-testid="run-imported-weights"]', { timeout: 30_000 });
  }, 240_000);

  it('also imports the model\'s files chosen together (model.json + .bin), not only a folder', async () => {
    const { page } = studio.browser;
    await page.click('.mw-brand');
    await page.waitForSelector('[data-testid="import-model-files"]');
    await screenshot(page, 'import-start-page');
    const chooser = page.waitForEvent('filechooser');
    await page.click('[data-testid="import-model-files"]');
    await (await chooser).setFiles([join(dir, 'flowers-model', 'model.json'), join(dir, 'flowers-model', 'group1-shard1of1.bin')]);
    // The trained project has unsaved changes (its data): the studio asks before replacing it.
    await page.click('button:has-text("Discard changes")');
    await expect.poll(() => page.locator('[data-testid="node-imported"]').count(), { timeout: 60_000 }).toBe(2);
    expect(existsSync(join(studio.workspace, 'imported-model.mwproj'))).toBe(true);
    expect(existsSync(join(studio.workspace, 'imported-model.weights', 'model.json'))).toBe(true);
  }, 120_000);
});
