// End to end: images as a new user brings them — a folder of class folders uploaded as files, seen as
// thumbnails per class (one removed with a click), the digits model fitted to it and trained; a confusion
// cell shows its pictures; Try it opens on a real test image and predicts a digit drawn on the pad.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumMissingReason, fakeCameraArgs, openTemplate, screenshot, setSetting, showPanel, useStudio, waitForTrained } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] images.spec.ts skipped: ${skip}`);

/** A 28×28 grayscale picture: a white vertical or horizontal bar, or a square blob, on black, placed by `i`. */
function shape(kind: 'vertical' | 'horizontal' | 'blob', i: number): Buffer {
  const png = new PNG({ width: 28, height: 28 });
  const at = 6 + (i * 5) % 14;
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    const on = kind === 'vertical' ? Math.abs(x - at) <= 2 && y >= 4 && y < 24
      : kind === 'horizontal' ? Math.abs(y - at) <= 2 && x >= 4 && x < 24
        : Math.abs(x - at) <= 5 && Math.abs(y - (20 - at / 2)) <= 5;
    const v = on ? 255 : 0;
    png.data.set([v, v, v, 255], (y * 28 + x) * 4);
  }
  return PNG.sync.write(png);
}

describe.skipIf(skip !== null)('images in the browser studio', () => {
  // No camera on the test machines: Chromium's fake one stands in, through the same getUserMedia path.
  const studio = useStudio('images', { chromiumArgs: fakeCameraArgs });
  const dir = mkdtempSync(join(tmpdir(), 'mw-e2e-images-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const kind of ['vertical', 'horizontal', 'blob'] as const) {
    mkdirSync(join(dir, 'strokes', kind), { recursive: true });
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, 'strokes', kind, `${kind}-${i}.png`), shape(kind, i));
  }

  it('uploads a folder of class folders as files and shows each class as thumbnails; removes one with a click', async () => {
    const { page } = studio.browser;
    await openTemplate(page, 'digit-recognizer', 'image');
    await showPanel(page, 'data');
    await page.click('[data-testid="data-source-images"]');
    await page.fill('[data-testid="image-width"]', '28');
    await page.fill('[data-testid="image-height"]', '28');
    await page.selectOption('[data-testid="image-channels"]', '1');
    await page.setInputFiles('[data-testid="images-folder-input"]', join(dir, 'strokes'));
    const vertical = page.locator('[data-testid="image-class-vertical"]');
    await expect.poll(() => vertical.textContent(), { timeout: 60_000 }).toMatch(/vertical — 30 images/);
    expect(await page.locator('[data-testid="image-class-blob"] [data-testid="class-thumb"]').count()).toBe(24);
    // The thumbnails are the pictures (decoded, not broken images).
    const widths = await page.locator('[data-testid="class-thumb"]').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(widths.length).toBe(72);
    expect(new Set(widths)).toEqual(new Set([28]));
    await screenshot(page, 'images-classes');

    await vertical.locator('[data-testid="thumb-remove"]').first().click();
    await expect.poll(() => vertical.textContent(), { timeout: 30_000 }).toMatch(/vertical — 29 images/);
    expect(existsSync(join(studio.workspace, 'uploads', 'strokes', 'vertical', 'vertical-0.png'))).toBe(false);

    // A snapshot from the camera goes into its class.
    const blob = page.locator('[data-testid="image-class-blob"]');
    await blob.locator('[data-testid="class-blob-camera"]').click();
    await page.waitForSelector('[data-testid="camera-snap"]:not([disabled])', { timeout: 30_000 });
    await screenshot(page, 'images-camera');
    await page.click('[data-testid="camera-snap"]');
    await expect.poll(() => blob.textContent(), { timeout: 30_000 }).toMatch(/blob — 31 images/);
    await page.click('[data-testid="camera-close"]');
    expect(readdirSync(join(studio.workspace, 'uploads', 'strokes', 'blob')).filter((f) => f.startsWith('camera-'))).toHaveLength(1);
  }, 120_000);

  it('fits the digits model to three classes, trains, and shows the pictures of a confusion cell', async () => {
    const { page } = studio.browser;
    await page.click('[data-testid="fit-model-apply"]');
    await expect.poll(() => page.locator('[data-testid="fit-model"]').count(), { timeout: 30_000 }).toBe(0);
    await showPanel(page, 'training');
    await setSetting(page, 'epochs', '15');
    await setSetting(page, 'batchSize', '16');
    await page.click('[data-testid="train-button"]');
    await waitForTrained(page, 180_000);
    await page.click('[data-testid="open-evaluation"]');
    await page.waitForSelector('[data-testid="confusion-matrix"]');
    // The first cell with samples in it (the model may not be perfect: any cell with pictures will do).
    const cells = page.locator('[data-testid^="confusion-cell-"]');
    const counts = await cells.allTextContents();
    const index = counts.findIndex((c) => Number(c) > 0);
    expect(index).toBeGreaterThanOrEqual(0);
    await cells.nth(index).click();
    const drill = page.locator('[data-testid="confusion-samples"]');
    await expect.poll(() => drill.locator('[data-testid="sample-image"]').count(), { timeout: 30_000 }).toBe(Number(counts[index]));
    const natural = await drill.locator('[data-testid="sample-image"]').first().evaluate((i) => (i as HTMLImageElement).naturalWidth);
    expect(natural).toBe(28);
    await page.locator('[data-testid="worst-predictions"]').waitFor();
    await screenshot(page, 'images-confusion-pictures');
  }, 240_000);

  it('Try it: opens on a test image, then predicts a digit drawn on the pad', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'tryit');
    await page.waitForSelector('[data-testid="prediction-check"]', { timeout: 30_000 });
    expect(await page.locator('[data-testid="tryit-sample"]').textContent()).toMatch(/Test image 1 of \d+, really (blob|horizontal|vertical)/);
    expect(await page.locator('[data-testid="tryit-picture"]').evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBe(28);
    await screenshot(page, 'images-tryit-sample');

    await page.click('[data-testid="tryit-source-draw"]');
    const pad = page.locator('[data-testid="drawing-canvas"]');
    const box = (await pad.boundingBox())!;
    // A vertical stroke down the middle.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + box.width / 2, box.y + box.height * (0.2 + 0.06 * k));
    await page.mouse.up();
    // The drawing replaces the test image: no "really …" any more, and its own answer.
    await expect.poll(() => page.locator('[data-testid="prediction-check"]').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.locator('[data-testid="predicted-label"]').textContent(), { timeout: 30_000 }).toMatch(/^(blob|horizontal|vertical)$/);
    await screenshot(page, 'images-tryit-drawn');

    // A camera snapshot is predicted as soon as it is taken.
    await page.click('[data-testid="tryit-source-camera"]');
    await page.waitForSelector('[data-testid="camera-snap"]:not([disabled])', { timeout: 30_000 });
    await page.click('[data-testid="camera-snap"]');
    await expect.poll(() => page.locator('[data-testid="tryit-picture"]').getAttribute('alt'), { timeout: 30_000 }).toBe('camera snapshot');
    await expect.poll(() => page.locator('[data-testid="predicted-label"]').textContent(), { timeout: 30_000 }).toMatch(/^(blob|horizontal|vertical)$/);
    await screenshot(page, 'images-tryit-camera');
  }, 60_000);

  it('makes a new image dataset from the camera alone: two classes of snapshots', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'data');
    await page.click('[data-testid="data-source-images"]');
    await page.click('[data-testid="camera-dataset"]');
    for (const label of ['left', 'right']) {
      await page.fill('[data-testid="camera-class-name"]', label);
      await page.waitForSelector('[data-testid="camera-snap"]:not([disabled])', { timeout: 30_000 });
      for (let i = 0; i < 2; i++) await page.click('[data-testid="camera-snap"]');
      await expect.poll(() => page.locator('[data-testid="camera-dataset-counts"]').textContent(), { timeout: 30_000 }).toContain(`${label}: 2`);
    }
    await screenshot(page, 'images-camera-dataset');
    await page.click('[data-testid="camera-dataset-use"]');
    await expect.poll(() => page.locator('[data-testid="image-classes"]').textContent(), { timeout: 30_000 }).toMatch(/left — 2 images.*right — 2 images/s);
    expect(readdirSync(join(studio.workspace, 'uploads', 'camera', 'right'))).toHaveLength(2);
  }, 60_000);

  it('logged no errors in the page', () => {
    expect(studio.browser.pageErrors).toEqual([]);
  });
});
