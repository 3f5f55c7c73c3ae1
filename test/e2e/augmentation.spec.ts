// End to end: augmentation as a user turns it on for the digits template — the Training panel's Augmentation
// section (image data only; a table says why it has none), the Data panel's preview grid of real training
// digits beside their augmented versions, following the settings; a run trained with it says so in Runs.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, runIdsInTable, screenshot, setSetting, showPanel, trainAndWait, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] augmentation.spec.ts skipped: ${skip}`);

/** The grayscale values of a base64 PNG shown in an <img>. */
const pixels = (src: string) => {
  const png = PNG.sync.read(Buffer.from(src.replace(/^data:image\/png;base64,/, ''), 'base64'));
  return { width: png.width, values: Array.from({ length: png.width * png.height }, (_, p) => png.data[p * 4]) };
};

describe.skipIf(skip !== null)('augmentation for a table', () => {
  const studio = useStudio('augmentation-table');

  it('a table offers no augmentation and says why', async () => {
    const { page } = studio.browser;
    await openTemplate(page, 'tabular-classifier', 'measurements');
    await showPanel(page, 'training');
    await expect.poll(() => page.locator('[data-testid="augment-unavailable"]').textContent(), { timeout: 30_000 }).toMatch(/for image data; this project trains on a table/);
    expect(await page.locator('[data-testid="augment-settings"]').count()).toBe(0);
  }, 60_000);
});

describe.skipIf(skip !== null)('augmentation in the browser studio', () => {
  const studio = useStudio('augmentation');

  it('turns augmentation on for the digits, previews real training digits augmented, trains, and Runs shows it', async () => {
    const { page } = studio.browser;
    await openTemplate(page, 'digit-recognizer', 'image');
    await showPanel(page, 'data');
    await page.waitForSelector('[data-testid="augment-preview-off"]', { timeout: 60_000 });

    await showPanel(page, 'training');
    const section = page.locator('[data-testid="augment-settings"]');
    await expect.poll(() => section.getAttribute('data-on'), { timeout: 30_000 }).toBe('false');
    await page.selectOption('[data-testid="setting-augment.flip"]', 'horizontal');
    await setSetting(page, 'augment.rotation', '20');
    await setSetting(page, 'augment.shift', '10');
    await expect.poll(() => section.getAttribute('data-on')).toBe('true');
    await screenshot(page, 'augmentation-settings');
    // A value the schema refuses stays out of the settings, with the reason.
    await setSetting(page, 'augment.zoom', '80');
    await expect.poll(() => section.textContent()).toMatch(/between 0% and 50%/);
    await page.locator('[data-testid="setting-augment.zoom"]').press('Escape');

    await page.click('[data-testid="augment-preview-link"]');
    await page.waitForSelector('[data-testid="panel-data"]');
    const rows = page.locator('[data-testid="augment-preview-row"]');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(6);
    const first = async () => rows.first().locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    const before = await first();
    expect(before).toHaveLength(6);
    // Real digits at the model's size (28×28 with some ink), each version different from the picture.
    const original = pixels(before[0]);
    expect(original.width).toBe(28);
    const ink = original.values.filter((v) => v > 128).length;
    expect(ink).toBeGreaterThan(20);
    expect(ink).toBeLessThan(500);
    expect(new Set(before).size).toBe(6);
    const sizes = await rows.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(new Set(sizes)).toEqual(new Set([28]));
    await screenshot(page, 'augmentation-preview');

    // The preview follows the settings: another rotation, other versions of the same picture.
    await showPanel(page, 'training');
    await setSetting(page, 'augment.rotation', '45');
    await showPanel(page, 'data');
    await expect.poll(async () => { const now = await first(); return now[0] === before[0] && now[1] !== before[1]; }, { timeout: 60_000 }).toBe(true);

    await showPanel(page, 'training');
    await setSetting(page, 'epochs', '1');
    await trainAndWait(page, 240_000);
    await showPanel(page, 'runs');
    await expect.poll(async () => (await runIdsInTable(page)).length, { timeout: 30_000 }).toBe(1);
    const [runId] = await runIdsInTable(page);
    await page.click(`[data-testid="run-row-${runId}"]`);
    await expect.poll(() => page.locator('[data-testid="run-augment"]').textContent(), { timeout: 30_000 }).toMatch(/flip horizontal · rotate ±45° · shift ±10%/);
    await screenshot(page, 'augmentation-run');
  }, 360_000);
});
