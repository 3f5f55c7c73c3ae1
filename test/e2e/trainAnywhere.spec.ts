// End to end: Train from any tab (the top bar), run names that say what changed, renaming a run in place,
// the compare verdict, and a new project that starts with no run of the previous one.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissingReason, openTemplate, runIdsInTable, screenshot, setSetting, showPanel, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] trainAnywhere.spec.ts skipped: ${skip}`);

/** Waits until the top bar says the run has ended; returns its text, throwing when it failed. */
async function waitTopBarTrained(page: Page): Promise<string> {
  const state = page.locator('[data-testid="topbar-run-state"]');
  await page.waitForSelector('[data-testid="topbar-run-state"]:is([data-phase="finished"], [data-phase="failed"])', { timeout: 180_000 });
  const text = (await state.textContent()) ?? '';
  if ((await state.getAttribute('data-phase')) !== 'finished') throw new Error(`training failed: ${await state.getAttribute('title')}`);
  return text;
}

describe.skipIf(skip !== null)('train from anywhere', () => {
  const studio = useStudio('anywhere');

  it('trains a freshly opened template from the Model tab with the top bar\'s Train button', async () => {
    const { page } = studio.browser;
    await openTemplate(page, 'tabular-classifier', 'measurements');
    // The template opens on the Model tab, which has no Train button of its own.
    expect(await page.locator('[data-testid="panel-canvas"]').count()).toBe(1);
    expect(await page.locator('[data-testid="train-button"]').count()).toBe(0);
    const train = page.locator('[data-testid="topbar-train"]');
    await expect.poll(() => train.isEnabled()).toBe(true);
    expect(await page.locator('[data-testid="topbar-run-state"]').textContent()).toMatch(/Ready to train/);
    await train.click();
    await page.waitForSelector('[data-testid="topbar-stop"]', { timeout: 30_000 });
    const text = await waitTopBarTrained(page);
    // Still on the Model tab; the run is named after the project and its data, and says how it did.
    expect(await page.locator('[data-testid="panel-canvas"]').count()).toBe(1);
    expect(text).toMatch(/Trained “Table classifier on iris”/);
    expect(text).toMatch(/test accuracy \d+(\.\d)?%/);
    await screenshot(page, 'topbar-trained');
  }, 240_000);

  it('names the next run after what changed', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'training');
    await setSetting(page, 'optimizer.learningRate', '0.02');
    await showPanel(page, 'data');
    await page.click('[data-testid="topbar-train"]');
    const text = await waitTopBarTrained(page);
    expect(text).toMatch(/Trained “lr 0\.02”/);
  }, 240_000);

  it('renames a run in place in the runs table, puts the differing setting first, and says which run is better', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'runs');
    const ids = await runIdsInTable(page);
    expect(ids).toHaveLength(2);
    const [newest, first] = ids;
    // The learning rate is what differs between the two runs: it leads their settings cells.
    await expect.poll(() => page.locator(`[data-testid="run-settings-${newest}"]`).textContent()).toMatch(/^lr 0\.02 · adam/);
    expect(await page.locator(`[data-testid="run-settings-${first}"]`).textContent()).toMatch(/^lr 0\.01 · adam/);
    // The duration cell reads like "749 ms" or "3.2 s" (cells are concatenated in textContent, so look per cell).
    const cells = await page.locator(`[data-testid="run-row-${newest}"] > span`).allTextContents();
    expect(cells.some((c) => /^\d+(\.\d)? m?s$/.test(c.trim()))).toBe(true);

    await page.dblclick(`[data-testid="run-name-${newest}"]`);
    const input = page.locator(`[data-testid="run-name-input-${newest}"]`);
    await input.fill('faster learning');
    await input.press('Enter');
    await expect.poll(() => page.locator(`[data-testid="run-name-${newest}"]`).textContent()).toContain('faster learning');
    // The top bar follows the rename of the run it shows.
    await expect.poll(() => page.locator('[data-testid="topbar-run-state"]').textContent()).toMatch(/Trained “faster learning”/);
    // Stored in the history: still there after the panel is shown again, and Escape cancels an edit.
    await showPanel(page, 'canvas');
    await showPanel(page, 'runs');
    await expect.poll(() => page.locator(`[data-testid="run-name-${newest}"]`).textContent()).toContain('faster learning');
    await page.click(`[data-testid="run-rename-button-${newest}"]`);
    await input.fill('not kept');
    await input.press('Escape');
    expect(await page.locator(`[data-testid="run-name-${newest}"]`).textContent()).toContain('faster learning');
    await screenshot(page, 'runs-renamed');

    await page.click(`[data-testid="run-compare-${first}"]`);
    await page.click(`[data-testid="run-compare-${newest}"]`);
    await page.click('[data-testid="compare-button"]');
    const verdict = page.locator('[data-testid="compare-verdict"]');
    await verdict.waitFor({ timeout: 30_000 });
    // Iris holds out 30 test rows: a few points either way are within noise, and the sentence says which.
    expect(await verdict.textContent()).toMatch(/(is better on test accuracy: \d+\.\d% against \d+\.\d% for .*(within run-to-run noise|more than run-to-run noise))|score the same test accuracy/);
    expect(await verdict.textContent()).toMatch(/faster learning|Table classifier on iris/);
    await screenshot(page, 'compare-verdict');
  }, 120_000);

  it('shows no run of the previous project in a new blank project', async () => {
    const { page } = studio.browser;
    await page.click('.mw-brand');
    await page.click('[data-testid="new-blank"]');
    // The changed learning rate is unsaved: the studio asks first.
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.waitForSelector('[data-testid="topbar-run-state"]');
    expect(await page.locator('[data-testid="topbar-run-state"]').getAttribute('data-phase')).toBe('idle');
    expect(await page.locator('[data-testid="topbar-train"]').isDisabled()).toBe(true);
    await showPanel(page, 'training');
    expect(await page.locator('[data-testid="run-status"]').getAttribute('data-phase')).toBe('idle');
    expect(await page.locator('[data-testid="open-evaluation"]').count()).toBe(0);
    await showPanel(page, 'tryit');
    await page.waitForSelector('[data-testid="tryit-empty"]');
    await showPanel(page, 'evaluation');
    await page.waitForSelector('[data-testid="evaluation-empty"]');
    await expect.poll(() => page.locator('[data-testid="run-picker"]').inputValue()).toBe('');
    // The history still has both runs; they are one pick away, not shown by default (the list of runs
    // arrives after the picker itself, so it is waited for).
    await expect.poll(() => page.locator('[data-testid="run-picker"] option').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'new-project-no-old-run');
    expect(studio.browser.pageErrors).toEqual([]);
  }, 120_000);
});
