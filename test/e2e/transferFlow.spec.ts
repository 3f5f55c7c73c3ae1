// End to end in Chromium against `modelwright serve`: the "Image classifier from a pretrained base"
// template's notes followed step by step, as a user in the browser would: train the template on their own
// folder of digits 0–4, export the run as a TensorFlow.js layers model and download it, import that folder
// from the start page (its layers carry the weights), freeze the base up to base_pool_2, bind a small
// folder of digits 5–9, "New head for this data", train. The frozen base's weights must come out of the
// fine-tuning exactly as they went in, and the run must learn the new classes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../main/store/experimentStore.ts';
import { savedWeights } from '../main/savedWeights.ts';
import { chromiumMissingReason, openTemplate, repoRoot, screenshot, setSetting, showPanel, useStudio, waitForTrained } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] transferFlow.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('the pretrained-base template, followed as its notes say', () => {
  const studio = useStudio('transfer-flow');
  const dir = mkdtempSync(join(tmpdir(), 'mw-e2e-transfer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The model folder the user unpacked from the downloaded zip. */
  const myBase = { folder: '' };
  const cli = (...args: string[]) => execFileSync(process.execPath, [join(repoRoot, 'main/cli/modelwright.ts'), ...args], { encoding: 'utf8' });
  cli('write-images', 'builtin:mnist', '-o', join(dir, 'digits-0-4'), '--classes', '0-4', '--per-class', '120');
  cli('write-images', 'builtin:mnist', '-o', join(dir, 'digits-5-9'), '--classes', '5-9', '--per-class', '30');

  async function uploadDigits(folder: string, classes: string) {
    const { page } = studio.browser;
    await showPanel(page, 'data');
    await page.click('[data-testid="data-source-images"]');
    await page.fill('[data-testid="image-width"]', '28');
    await page.fill('[data-testid="image-height"]', '28');
    await page.selectOption('[data-testid="image-channels"]', '1');
    await page.setInputFiles('[data-testid="images-folder-input"]', join(dir, folder));
    await expect.poll(() => page.locator('[data-testid="image-classes"]').textContent(), { timeout: 120_000 }).toMatch(new RegExp(classes));
  }

  async function train(epochs: string, batch: string) {
    const { page } = studio.browser;
    await showPanel(page, 'training');
    await setSetting(page, 'epochs', epochs);
    await setSetting(page, 'batchSize', batch);
    await screenshot(page, `transfer-before-train-${epochs}`);
    await page.click('[data-testid="train-button"]:not([disabled])', { timeout: 60_000 });
    return waitForTrained(page, 300_000);
  }

  const runs = () => {
    const store = openStore(studio.db, { mustExist: true });
    try {
      return store.listRuns({}).runs.map((r) => store.getRun(r.id));
    } finally {
      store.close();
    }
  };

  it('shows the notes, trains the base on the user\'s digits 0–4, exports it and downloads the folder as a zip', async () => {
    const { page } = studio.browser;
    await openTemplate(page, 'image-from-base', 'image');
    const notes = page.locator('[data-testid="project-notes"]');
    expect(await notes.textContent()).toMatch(/Import a trained model folder \(with weights\)…/);
    expect(await notes.textContent()).toMatch(/Freeze everything up to here/);
    await screenshot(page, 'transfer-notes');
    await uploadDigits('digits-0-4', '0 — 120 images');
    // Five digits, not the template's ten: the studio says so and offers the fix.
    await showPanel(page, 'training');
    const fix = page.locator('[data-testid="fix-button"]', { hasText: 'Set units to 5' });
    await fix.first().click();
    await train('4', '32');
    await showPanel(page, 'export');
    await page.selectOption('[data-testid="export-format"]', 'tfjs-layers');
    await page.click('[data-testid="export-button"]');
    await page.waitForSelector('[data-testid="export-verification"][data-passed="true"]', { timeout: 120_000 });
    const download = page.waitForEvent('download');
    await page.click('[data-testid="export-download"]');
    const zip = readFileSync((await (await download).path())!);
    // The user unpacks the zip into a folder of their own.
    const base = join(dir, 'my-base');
    for (const [name, data] of Object.entries(unzipSync(new Uint8Array(zip)))) {
      if (name.endsWith('/')) continue;
      mkdirSync(dirname(join(base, name)), { recursive: true });
      writeFileSync(join(base, name), data);
    }
    const modelJson = Object.keys(unzipSync(new Uint8Array(zip))).find((n) => n.endsWith('model.json'))!;
    expect(modelJson).toBeDefined();
    myBase.folder = dirname(join(base, modelJson));
  }, 600_000);

  it('imports the downloaded folder, freezes the base, binds digits 5–9, makes a new head and fine-tunes: the base stays bit for bit, the head learns', async () => {
    const { page } = studio.browser;
    await page.click('.mw-brand');
    const chooser = page.waitForEvent('filechooser');
    await page.click('[data-testid="import-model-folder"]');
    await (await chooser).setFiles(myBase.folder);
    // The trained project was not saved: the studio asks before replacing it.
    await page.locator('.mw-toast-actions button', { hasText: 'Discard changes' }).click();
    await page.waitForSelector('[data-testid="canvas-node-base_pool_2"], [data-testid="toast-error"]', { timeout: 60_000 });
    await screenshot(page, 'transfer-imported');
    expect(await page.locator('[data-testid="toast-error"]').allTextContents()).toEqual([]);
    expect(await page.locator('[data-testid="canvas-node-base_conv_1"] [data-testid="node-imported"]').count()).toBe(1);

    await page.locator('[data-testid="canvas-node-base_pool_2"]').click();
    await page.click('[data-testid="inspector-freeze-up-to"]');
    // The two convolutions are frozen (the poolings have no weights to freeze).
    for (const name of ['base_conv_1', 'base_conv_2']) await expect.poll(() => page.locator(`[data-testid="canvas-node-${name}"] [data-testid="node-frozen"]`).count()).toBe(1);
    expect(await page.locator('[data-testid="node-frozen"]').count()).toBe(2);

    await uploadDigits('digits-5-9', '9 — 30 images');
    await showPanel(page, 'canvas');
    await page.locator('[data-testid="canvas-node-output"]').click();
    const newHead = page.locator('[data-testid="inspector-new-head"]');
    await expect.poll(() => newHead.isEnabled(), { timeout: 30_000 }).toBe(true);
    await newHead.click();
    await expect.poll(async () => (await page.locator('[data-testid="model-valid"]').textContent())?.trim(), { timeout: 30_000 }).toBe('✓ Ready to train');
    await screenshot(page, 'transfer-new-head');

    await train('30', '16');
    await screenshot(page, 'transfer-fine-tuned');
    const [baseRun, tuned] = runs().sort((a, b) => a.id - b.id).slice(-2);
    expect(tuned.status).toBe('completed');
    // Five new classes from 30 pictures each: far above the 0.2 of guessing.
    const accuracy = tuned.test.accuracy ?? NaN;
    console.log(`[e2e] fine-tuned on 5-9 (30 per class) from the exported 0-4 base: test accuracy ${accuracy.toFixed(3)}`);
    expect(accuracy).toBeGreaterThan(0.5);
    // The frozen base: the fine-tuned run's saved weights of base_conv_1/2 are the base run's, bit for bit.
    for (const layer of ['base_conv_1', 'base_conv_2']) {
      const [before, after] = await Promise.all([savedWeights(studio.db, baseRun.id, layer), savedWeights(studio.db, tuned.id, layer)]);
      expect(after.length, layer).toBe(2);
      expect(after.every((w, i) => w.equals(before[i])), `${layer} unchanged`).toBe(true);
    }
    expect((await savedWeights(studio.db, tuned.id, 'head')).length).toBe(2);
  }, 600_000);

  it('logged no errors in the page', () => {
    expect(studio.browser.pageErrors).toEqual([]);
  });
});
