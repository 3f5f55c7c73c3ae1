// End to end: the number-predictor template on the user's own prices, as a new user would do it — a CSV
// of two number columns, a city (a category) and the price; the one-click fit (the template's Input is
// sized for its own housing data), training, the evaluation's R², and Try it answering a price in plain
// digits (a million is "1,0xx,xxx", not "1.09e+6").
import { describe, expect, it } from 'vitest';
import { housesCsv, pricePerRoom, pricePerSquareMetre } from '../fixtures/houses.ts';
import { chromiumMissingReason, openTemplate, screenshot, showPanel, trainAndWait, uploadCsv, useOwnFiles, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] ownRegression.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('the number predictor on your own prices, in the browser studio', () => {
  const studio = useStudio('own-regression');
  const files = useOwnFiles('houses', { 'houses.csv': housesCsv() });

  it('upload → fit the Input → train → R² → Try it gives a price in plain digits, near the true one', async () => {
    const { page } = studio.browser;
    await openTemplate(page, 'regression', 'features');
    await uploadCsv(page, 'csv', files['houses.csv']);
    const fit = page.locator('[data-testid="fit-model"]');
    await fit.waitFor({ timeout: 60_000 });
    // Two numbers and a one-hot city of three: five inputs.
    expect(await page.locator('[data-testid="fit-steps"] li').allTextContents()).toEqual(['Set the Input shape to [5]']);
    await page.click('[data-testid="fit-model-apply"]');
    await expect.poll(() => page.locator('[data-testid="topbar-run-state"]').textContent()).toMatch(/^Ready to train/);
    await showPanel(page, 'training');
    // Tuning ranks trials only by what a regression's runs record (no "accuracy" of prices).
    await page.click('[data-testid="mode-tune"]');
    await expect.poll(() => page.locator('[data-testid="tune-metric"] option').allTextContents()).toEqual(['Validation loss', 'Validation mean absolute error']);
    await page.click('[data-testid="mode-train"]');
    await trainAndWait(page, 180_000);

    await showPanel(page, 'evaluation');
    await expect.poll(() => page.getByText(/R²/).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const r2 = Number(/R²\s*([\d.]+)/.exec((await page.locator('body').textContent()) ?? '')?.[1]);
    expect(r2).toBeGreaterThan(0.9);

    await showPanel(page, 'tryit');
    await page.fill('[data-testid="tryit-field-size_m2"]', '200');
    await page.fill('[data-testid="tryit-field-rooms"]', '6');
    await page.selectOption('[data-testid="tryit-field-city"]', 'Paris');
    await page.click('[data-testid="tryit-predict"]');
    const label = page.locator('[data-testid="predicted-label"]');
    await label.waitFor({ timeout: 30_000 });
    const shown = (await label.textContent()) ?? '';
    expect(shown).toMatch(/^\d{1,3}(,\d{3})+$/);
    const truth = 200 * pricePerSquareMetre.Paris + 6 * pricePerRoom;
    expect(Math.abs(Number(shown.replace(/,/g, '')) - truth) / truth).toBeLessThan(0.1);
    await screenshot(page, 'own-regression-try');
    expect(studio.browser.pageErrors).toEqual([]);
  }, 240_000);
});
