// End to end: the customer-service intent template (a text model) trained briefly in Chromium, then a
// typed question in Try it comes back with one of the template's intents and its probabilities.
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, screenshot, setSetting, showPanel, trainAndWait, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] intent.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('the customer-service intent template in the browser studio', () => {
  const studio = useStudio('intent');

  it('trains briefly and tells the intent of a typed question', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-intent-classifier"]');
    await openTemplate(page, 'intent-classifier', 'message');
    await showPanel(page, 'training');
    await setSetting(page, 'epochs', '5');
    await expect.poll(() => page.locator('[data-testid="setting-epochs"]').inputValue()).toBe('5');
    await trainAndWait(page, 180_000);

    await showPanel(page, 'tryit');
    const text = page.locator('[data-testid="tryit-text"]');
    await text.waitFor({ timeout: 30_000 });
    // The form names the classes the model learned from the data; the answer must be one of them.
    const help = (await page.locator('[data-testid="tryit-form"]').textContent()) ?? '';
    const classes = /sorts sentences into: ([^.]+)\./.exec(help)?.[1].split(', ').map((c) => c.trim()) ?? [];
    expect(classes.length, `Try it help: ${help}`).toBe(4);
    // It opens with a real test sentence, already answered and checked against its true intent.
    await page.waitForSelector('[data-testid="prediction-check"]', { timeout: 30_000 });
    expect((await text.inputValue()).length).toBeGreaterThan(3);
    await text.fill('How do I reset my password?');
    await text.press('Enter');
    const label = page.locator('[data-testid="predicted-label"]');
    await label.waitFor({ timeout: 30_000 });
    expect(classes).toContain((await label.textContent())?.trim());
    // One probability per intent, summing to one (shown as percentages).
    const bars = await page.locator('[data-testid="probability-bars"] .mw-wp-bar').evaluateAll((rows) => rows.map((r) => ({
      label: r.querySelector('.mw-wp-bar-label')?.textContent ?? '',
      percent: Number.parseFloat(r.querySelector('.mw-wp-bar-value')?.textContent ?? 'NaN'),
    })));
    expect(bars.map((b) => b.label).sort()).toEqual([...classes].sort());
    expect(bars.reduce((sum, b) => sum + b.percent, 0)).toBeCloseTo(100, 0);
    // The label shown is the most probable intent.
    expect(bars[0].label).toBe((await label.textContent())?.trim());
    await screenshot(page, 'tryit-text');
    expect(studio.browser.pageErrors).toEqual([]);
  }, 240_000);
});
