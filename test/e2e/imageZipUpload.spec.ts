// End to end in Chromium against `modelwright serve`: a zip of class folders larger than one request may
// carry (the old single-request zip limit was about 47 MB) uploads in chunks under a moving progress bar
// and shows its class grid with thumbnails; a second upload cancelled half-way leaves nothing in the
// workspace's uploads. The zip is made at test time from real noise PNGs (incompressible, so its size is
// real). The serve process's resident memory is sampled during the big upload and printed.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumMissingReason, screenshot, showPanel, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] imageZipUpload.spec.ts skipped: ${skip}`);

const MB = 1024 * 1024;

/** A 256×256 RGB PNG of random noise (about 197 KB; deflate cannot shrink it). */
function noisePng(seed: number): Uint8Array {
  const png = new PNG({ width: 256, height: 256, colorType: 2 });
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < png.data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    png.data[i] = i % 4 === 3 ? 255 : s >>> 24;
  }
  return new Uint8Array(PNG.sync.write(png, { colorType: 2 }));
}

/** Resident memory of a process, in bytes (Linux /proc). */
function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

describe.skipIf(skip !== null)('a large zip of images uploads in chunks, with progress and cancel', () => {
  const studio = useStudio('zipupload');
  const dir = mkdtempSync(join(tmpdir(), 'mw-e2e-zipupload-'));
  const zipPath = join(dir, 'noise.zip');
  // 2 classes × 145 images of ~187 KB, stored (not deflated): about 52 MB, more than the ~47 MB one request took.
  const pngs = Array.from({ length: 9 }, (_, i) => noisePng(i + 1));
  const entries: Zippable = {};
  for (const label of ['left', 'right']) for (let i = 0; i < 145; i++) entries[`noise/${label}/${i}.png`] = [pngs[(i + label.length) % pngs.length], { level: 0 }];
  writeFileSync(zipPath, zipSync(entries));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const uploads = () => (existsSync(join(studio.workspace, 'uploads')) ? readdirSync(join(studio.workspace, 'uploads')).sort() : []);

  it('uploads a ~52 MB zip: the bar moves, the class grid shows thumbnails; serve memory stays bounded', async () => {
    const { page } = studio.browser;
    const zipBytes = readFileSync(zipPath).length;
    expect(zipBytes).toBeGreaterThan(50 * MB);
    await page.click('[data-testid="new-blank"]');
    await showPanel(page, 'data');
    await page.click('[data-testid="data-source-images"]');
    const pid = studio.server.child.pid!;
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, rssBytes(pid)); }, 50);
    try {
      await page.setInputFiles('[data-testid="images-zip-input"]', zipPath);
      // The bar shows a part done, neither nothing nor everything: it moves while requests go.
      await page.waitForFunction(() => {
        const bar = document.querySelector('[data-testid="images-upload-bar"]') as HTMLProgressElement | null;
        return bar !== null && bar.value > 0 && bar.value < bar.max;
      }, undefined, { timeout: 60_000, polling: 50 });
      const text = await page.locator('[data-testid="images-upload-text"]').textContent();
      expect(text).toMatch(/^Unpacking "noise\.zip": [\d,]+ of 290 files \([\d.]+ MB of 5\d\.\d MB\)$/);
      await screenshot(page, 'zip-upload-progress');
      const classes = page.locator('[data-testid="image-classes"]');
      await expect.poll(() => classes.textContent(), { timeout: 180_000 }).toMatch(/left — 145 images.*right — 145 images/s);
    } finally {
      clearInterval(sampler);
    }
    expect(await page.locator('[data-testid="images-upload-progress"]').count()).toBe(0);
    const thumbs = page.locator('[data-testid="class-thumb"]');
    expect(await thumbs.count()).toBeGreaterThan(4);
    expect(await thumbs.first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(readdirSync(join(studio.workspace, 'uploads', 'noise', 'right'))).toHaveLength(145);
    // Preparation speaks of images, and offers nothing about a table's empty cells or column scaling.
    expect(await page.getByText(/^About \d+ images train, \d+ validate, \d+ test\.$/).count()).toBe(1);
    expect(await page.locator('#mw-missing, #mw-scaling').count()).toBe(0);
    await screenshot(page, 'zip-upload-classes');
    console.log(`[e2e] serve RSS during a ${(zipBytes / MB).toFixed(1)} MB zip upload: ${(before / MB).toFixed(0)} MB before, peak ${(peak / MB).toFixed(0)} MB`);
    // Requests of ~8 MB: what serve holds does not grow with the zip. Measured here: +170 MB for this 52 MB
    // zip and +184 MB for a 156 MB one (the same spec with 435 images per class); one request of the old
    // kind held the zip as base64 text, as bytes and unpacked at once.
    expect(peak - before).toBeLessThan(256 * MB);
  }, 300_000);

  it('cancels an upload half-way and leaves nothing behind', async () => {
    const { page } = studio.browser;
    const held = uploads();
    await page.setInputFiles('[data-testid="images-zip-input"]', zipPath);
    await page.waitForFunction(() => {
      const bar = document.querySelector('[data-testid="images-upload-bar"]') as HTMLProgressElement | null;
      return bar !== null && bar.value > 0 && bar.value < bar.max;
    }, undefined, { timeout: 60_000, polling: 50 });
    await page.click('[data-testid="images-upload-cancel"]');
    await screenshot(page, 'zip-upload-cancelling');
    await page.waitForSelector('[data-testid="images-upload-progress"]', { state: 'detached', timeout: 60_000 });
    expect(uploads()).toEqual(held);
    // No error is shown for a cancel, and the data is still the first upload.
    expect(await page.locator('[data-testid="panel-data"]').textContent()).not.toMatch(/cancelled/i);
    expect(await page.locator('[data-testid="image-classes"]').textContent()).toMatch(/left — 145 images/);
  }, 120_000);

  it('unpacks a .zip dropped on the upload area the same way', async () => {
    const { page } = studio.browser;
    const small: Zippable = {};
    for (const label of ['up', 'down']) for (let i = 0; i < 4; i++) small[`dropped/${label}/${i}.png`] = pngs[i];
    const bytes = Buffer.from(zipSync(small)).toString('base64');
    // What a drop from the file manager hands the page: a DataTransfer holding the file.
    const transfer = await page.evaluateHandle((b64) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'dropped.zip', { type: 'application/zip' }));
      return data;
    }, bytes);
    await page.locator('[data-testid="images-drop"]').dispatchEvent('drop', { dataTransfer: transfer });
    const classes = page.locator('[data-testid="image-classes"]');
    await expect.poll(() => classes.textContent(), { timeout: 60_000 }).toMatch(/down — 4 images.*up — 4 images/s);
    expect(readdirSync(join(studio.workspace, 'uploads', 'dropped', 'up'))).toHaveLength(4);
    // Counted in pictures, not table rows.
    expect(await page.locator('[data-testid="panel-data"]').textContent()).toContain('Only 8 images: too few to train and test a model (add pictures');
    await screenshot(page, 'zip-dropped');
  }, 120_000);

  it('logged no errors in the page', () => {
    expect(studio.browser.pageErrors).toEqual([]);
  });
});
