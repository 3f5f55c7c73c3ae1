// End to end in Chromium against `modelwright serve`: files without paths (issue 13). A CSV uploaded
// through the page shows its columns; the model trains; the export downloads as a zip that plain TF.js
// (in Node, no Modelwright code) loads and runs; the project saved in the workspace is still listed after
// a reload and opens from there; a downloaded project file uploaded again opens; and no text field
// anywhere asks for a path on the computer running Modelwright.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { unzipSync, zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { customersCsv } from '../fixtures/customers.ts';
import { chromiumMissingReason, screenshot, showPanel, useStudio, waitForTrained } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] files.spec.ts skipped: ${skip}`);

const panels = ['canvas', 'data', 'training', 'runs', 'evaluation', 'tryit', 'code', 'export'];
/** Words that would mean a field wants a location on the host's disk. */
const asksForPath = /path|folder|directory|\/home|\/users|c:\\|computer running/i;

/** Every text field on the page with what describes it: label, aria-label, placeholder, nearby help text. */
async function textFields(page: Page): Promise<string[]> {
  return page.locator('input:not([type]), input[type="text"], input[type="search"], textarea').evaluateAll((inputs) => inputs
    .filter((el) => !(el as HTMLElement).closest('[data-testid="code-editor"]'))
    .map((el) => {
      const input = el as HTMLInputElement;
      const label = input.id ? document.querySelector(`label[for="${input.id}"]`)?.textContent ?? '' : '';
      const wrapping = input.closest('label')?.textContent ?? '';
      const field = input.closest('.mw-field, .mw-wp-field')?.textContent ?? '';
      return [label, wrapping, field, input.getAttribute('aria-label') ?? '', input.placeholder ?? '', input.title ?? ''].join(' | ');
    }));
}

describe.skipIf(skip !== null)('files in the browser studio: uploads and downloads, no paths', () => {
  const studio = useStudio('files');
  const dir = mkdtempSync(join(tmpdir(), 'mw-e2e-files-'));
  const csv = join(dir, 'customers.csv');
  writeFileSync(csv, customersCsv());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uploads a CSV through the page and shows its columns, named without any path', async () => {
    const { page } = studio.browser;
    await page.click('[data-testid="new-blank"]');
    await page.waitForSelector('[data-testid="canvas-empty"]');
    for (const type of ['Input', 'Dense', 'Dense']) await page.click(`[data-testid="palette-item-${type}"]`);
    await showPanel(page, 'data');
    await page.click('[data-testid="data-source-csv"]');
    await page.fill('#mw-csv-target', 'outcome');
    await page.setInputFiles('[data-testid="csv-file-input"]', csv);
    const preview = page.locator('[data-testid="data-preview"]');
    await preview.waitFor({ timeout: 60_000 });
    const header = await preview.locator('thead th').allTextContents();
    for (const column of ['age', 'visits', 'basket', 'region', 'outcome']) expect(header.join(' ')).toContain(column);
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).not.toContain(studio.workspace);
    expect(text).not.toMatch(/[0-9a-f]{16}-customers/);
    expect(existsSync(join(studio.workspace, 'uploads', 'customers.csv'))).toBe(true);
    await screenshot(page, 'files-csv-uploaded');
    await page.click('[data-testid="fit-model-apply"]');
    await expect.poll(() => page.locator('[data-testid="fit-model"]').count()).toBe(0);
  }, 120_000);

  it('trains, exports, and downloads the model as a zip that plain TF.js loads and runs', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'training');
    await page.click('[data-testid="train-button"]');
    await waitForTrained(page, 180_000);

    await showPanel(page, 'export');
    await page.click('[data-testid="export-button"]');
    await page.waitForSelector('[data-testid="export-result"], [data-testid="export-panel"] [role="alert"]', { timeout: 90_000 });
    expect(await page.locator('[data-testid="export-verification"]').getAttribute('data-passed')).toBe('true');
    await screenshot(page, 'files-export');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid="export-download"]')]);
    expect(download.suggestedFilename()).toMatch(/^run-\d+-tfjs\.zip$/);
    const zipPath = join(dir, download.suggestedFilename());
    await download.saveAs(zipPath);

    // Unzip into a folder, then load it with TF.js alone, as someone who downloaded it would.
    const out = join(dir, 'unzipped');
    for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zipPath)))) {
      mkdirSync(dirname(join(out, name)), { recursive: true });
      writeFileSync(join(out, name), bytes);
    }
    const modelJson = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    const specs = modelJson.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
    const buffers = modelJson.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(out, p))));
    const weightData = new Uint8Array(Buffer.concat(buffers)).buffer;
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData }));
    const width = model.inputs[0].shape[1] as number;
    expect(width).toBe(7);
    const output = model.predict(tf.zeros([3, width])) as import('@tensorflow/tfjs').Tensor;
    expect(output.shape).toEqual([3, 2]);
    const rows = (await output.array()) as number[][];
    for (const row of rows) expect(row[0] + row[1]).toBeCloseTo(1, 4);
  }, 300_000);

  it('saves the project in the workspace by name; after a reload it is a recent project and opens from there', async () => {
    const { page } = studio.browser;
    await page.click('[data-testid="save-as-button"]');
    const name = page.locator('[data-testid="save-name"]');
    await name.fill('customers model');
    await screenshot(page, 'files-save-as');
    await name.press('Enter');
    await expect.poll(() => existsSync(join(studio.workspace, 'customers model.mwproj'))).toBe(true);

    await page.reload();
    await page.waitForSelector('[data-testid="start-page"], [data-testid="project-title"]');
    if (!(await page.locator('[data-testid="start-page"]').count())) await page.click('.mw-brand');
    const recent = page.locator('[data-testid="recent-projects"]');
    await expect.poll(() => recent.textContent(), { timeout: 20_000 }).toContain('customers model.mwproj');
    await screenshot(page, 'files-recent-after-reload');
    await recent.locator('button', { hasText: 'Untitled model' }).first().click();
    await page.waitForSelector('[data-testid="canvas-node-dense_1"]', { timeout: 30_000 });
    expect(await page.locator('[data-testid="project-title"]').getAttribute('title')).toBe('customers model.mwproj');
    await showPanel(page, 'data');
    // The data binding still reads the upload from the workspace.
    await page.locator('[data-testid="data-preview"]').waitFor({ timeout: 60_000 });
  }, 120_000);

  it('opens a project from an upload (a downloaded project file, uploaded again)', async () => {
    const { page } = studio.browser;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-project"]')]);
    expect(download.suggestedFilename()).toMatch(/\.mwproj$/);
    const copy = join(dir, 'copy of my model.mwproj');
    await download.saveAs(copy);
    expect(JSON.parse(readFileSync(copy, 'utf8')).dataset.source).toBe('uploads/customers.csv');

    await page.click('[data-testid="open-button"]');
    await page.waitForSelector('[data-testid="open-dialog"]');
    await screenshot(page, 'files-open-dialog');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-upload"]')]);
    await chooser.setFiles(copy);
    // Opened as a new, unsaved project (an upload has no place in the workspace until it is saved).
    await expect.poll(() => page.locator('[data-testid="project-title"]').getAttribute('title'), { timeout: 20_000 }).toBe('Not saved yet');
    await page.waitForSelector('[data-testid="canvas-node-dense_1"]');
  }, 60_000);

  it('takes image data as an uploaded folder and as a zip of class folders', async () => {
    const { page } = studio.browser;
    const zipEntries: Record<string, Uint8Array> = {};
    for (const [label, shade] of [['dark', 30], ['light', 220]] as const) {
      mkdirSync(join(dir, 'pictures', label), { recursive: true });
      for (let i = 0; i < 12; i++) {
        const png = new PNG({ width: 8, height: 8 });
        for (let p = 0; p < 64; p++) png.data.set([shade + (p % 9), shade, shade, 255], p * 4);
        const bytes = PNG.sync.write(png);
        writeFileSync(join(dir, 'pictures', label, `${i}.png`), bytes);
        zipEntries[`shapes/${label}/${i}.png`] = new Uint8Array(bytes);
      }
    }
    writeFileSync(join(dir, 'shapes.zip'), zipSync(zipEntries));
    await showPanel(page, 'data');
    await page.click('[data-testid="data-source-images"]');
    await page.setInputFiles('[data-testid="images-folder-input"]', join(dir, 'pictures'));
    const classes = page.locator('[data-testid="image-classes"]');
    await expect.poll(() => classes.textContent(), { timeout: 30_000 }).toMatch(/dark — 12 images.*light — 12 images/s);
    expect(existsSync(join(studio.workspace, 'uploads', 'pictures', 'dark', '0.png'))).toBe(true);
    await page.setInputFiles('[data-testid="images-zip-input"]', join(dir, 'shapes.zip'));
    await expect.poll(() => page.locator('[data-testid="panel-data"]').textContent(), { timeout: 30_000 }).toContain('Training on shapes');
    expect(existsSync(join(studio.workspace, 'uploads', 'shapes', 'light', '11.png'))).toBe(true);
    await screenshot(page, 'files-images-zip');
  }, 60_000);

  it('has no text field that asks for a path, in any panel or file dialog', async () => {
    const { page } = studio.browser;
    const seen: string[] = [];
    for (const panel of panels) {
      await showPanel(page, panel);
      if (panel === 'data') {
        for (const source of ['csv', 'text', 'images']) {
          await page.click(`[data-testid="data-source-${source}"]`);
          seen.push(...(await textFields(page)).map((f) => `data/${source}: ${f}`));
        }
      }
      seen.push(...(await textFields(page)).map((f) => `${panel}: ${f}`));
    }
    await page.click('[data-testid="open-button"]');
    await page.waitForSelector('[data-testid="open-dialog"]');
    seen.push(...(await textFields(page)).map((f) => `open dialog: ${f}`));
    await page.locator('[data-testid="open-dialog"]').getByRole('button', { name: 'Cancel' }).click();
    await page.click('[data-testid="save-as-button"]');
    await page.waitForSelector('[data-testid="save-as-dialog"]');
    seen.push(...(await textFields(page)).map((f) => `save dialog: ${f}`));
    expect(seen.length, 'some text fields were examined').toBeGreaterThan(3);
    expect(seen.filter((f) => asksForPath.test(f.replace(/^[^:]*: /, '')))).toEqual([]);
    expect((await page.locator('body').textContent()) ?? '').not.toMatch(/computer running Modelwright/i);
  }, 120_000);

  it('logged no errors in the page', () => {
    expect(studio.browser.pageErrors).toEqual([]);
  });
});
