// End to end: the intent template on the user's own messages, as a new user would do it — their CSV uploaded
// as a "CSV table" (the obvious choice), which a text model cannot read: the studio must not say "Ready to
// train", must name the text column and offer to read it as text; then the one-click fit (the template's
// four intents become the file's three), training, and Try it answering with the user's own intents.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { reviewsCsv, supportCsv } from '../fixtures/supportMessages.ts';
import { chromiumMissingReason, openTemplate, screenshot, setSetting, showPanel, trainAndWait, uploadCsv, useOwnFiles, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] ownText.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('the intent template on your own messages, in the browser studio', () => {
  const studio = useStudio('own-text');
  const files = useOwnFiles('own-text', { 'support.csv': supportCsv(), 'reviews.csv': reviewsCsv() });
  const csv = files['support.csv'];
  const reviews = files['reviews.csv'];

  /** A fresh page on a template (the project before is unsaved: leaving it asks first, and is accepted). */
  const freshTemplate = async (page: Page, templateId: string, firstLayerName: string) => {
    page.once('dialog', (dialog) => void dialog.accept());
    await page.goto(studio.server.url);
    await page.waitForSelector(`[data-testid="template-${templateId}"]`);
    await openTemplate(page, templateId, firstLayerName);
  };

  it('a message CSV uploaded as a table is not called ready; "Read as text", the fit, training and Try it use my intents', async () => {
    const { page } = studio.browser;
    await openTemplate(page, 'intent-classifier', 'message');
    await showPanel(page, 'data');
    await page.click('[data-testid="data-source-csv"]');
    await page.fill('#mw-csv-target', 'intent');
    await page.setInputFiles('[data-testid="csv-file-input"]', csv);
    const card = page.locator('[data-testid="read-as-text"]');
    await card.waitFor({ timeout: 60_000 });
    expect(await card.textContent()).toMatch(/Column “message” holds sentences.*This model reads text/);
    // What the table reading cannot do is said, with what to do, and nothing claims the model is ready.
    const runState = page.locator('[data-testid="topbar-run-state"]');
    expect(await runState.textContent()).toMatch(/Not ready to train.*"message" holds free text.*Read "message" as text/);
    expect(await page.locator('[data-testid="topbar-train"]').isDisabled()).toBe(true);
    // Said once, on the card with its button: no toast repeating it that would outlive the fix.
    expect(await page.getByText('cannot be trained on as it is yet').count()).toBe(0);
    await screenshot(page, 'own-text-as-table');

    await page.click('[data-testid="read-as-text-apply"]');
    await expect.poll(() => card.count()).toBe(0);
    const fit = page.locator('[data-testid="fit-model"]');
    await fit.waitFor({ timeout: 60_000 });
    // Read as the model reads (24 words, its 2,000-word vocabulary): only the output changes.
    expect(await page.locator('[data-testid="fit-steps"] li').allTextContents()).toEqual(['Set units to 3']);
    expect((await page.locator('[data-testid="fit-problem"]').allTextContents()).join('\n')).toMatch(/3 classes \(opening_hours, order_status, refund\)/);
    await screenshot(page, 'own-text-fit');
    await page.click('[data-testid="fit-model-apply"]');
    await expect.poll(() => fit.count()).toBe(0);
    await expect.poll(() => runState.textContent()).toMatch(/^Ready to train/);

    await showPanel(page, 'training');
    await setSetting(page, 'epochs', '15');
    await trainAndWait(page, 240_000);
    await page.click('[data-testid="open-evaluation"]');
    const summary = page.locator('[data-testid="evaluation-summary"]').first();
    await summary.waitFor({ timeout: 60_000 });
    const m = /Accuracy\s*([\d.]+)%\s*on\s*(\d+)\s*test rows/.exec((await summary.textContent()) ?? '');
    expect(m, 'evaluation summary').not.toBeNull();
    // Eight phrasings per intent, each with small changes: a text model that read the words gets nearly all.
    expect(Number(m![1])).toBeGreaterThanOrEqual(85);

    await showPanel(page, 'tryit');
    const text = page.locator('[data-testid="tryit-text"]');
    await text.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="tryit-form"]').textContent()).toMatch(/sorts sentences into: opening_hours, order_status, refund\./);
    // It opens on a test sentence, answered and checked against its label; a typed sentence has no label.
    await page.waitForSelector('[data-testid="prediction-check"]', { timeout: 30_000 });
    const label = page.locator('[data-testid="predicted-label"]');
    await text.fill('I want my money back for order 4321');
    await text.press('Enter');
    await expect.poll(() => page.locator('[data-testid="prediction-check"]').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(async () => (await label.textContent())?.trim(), { timeout: 30_000 }).toBe('refund');
    await text.fill('Are you open on Sunday morning?');
    await text.press('Enter');
    await expect.poll(async () => (await label.textContent())?.trim(), { timeout: 30_000 }).toBe('opening_hours');
    await screenshot(page, 'own-text-try');
    expect(studio.browser.pageErrors).toEqual([]);
  }, 400_000);

  it('the same file uploaded as a "Text CSV" is read the way the model reads: only the output is left to fit', async () => {
    const { page } = studio.browser;
    await freshTemplate(page, 'intent-classifier', 'message');
    await uploadCsv(page, 'text', csv);
    const fit = page.locator('[data-testid="fit-model"]');
    await fit.waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="read-as-text"]').count()).toBe(0);
    expect(await page.locator('[data-testid="fit-steps"] li').allTextContents()).toEqual(['Set units to 3']);
    expect(await page.locator('[data-testid="data-summary"]').textContent()).toMatch(/210 rows.*model input \[24\]/);
    await page.click('[data-testid="fit-model-apply"]');
    await expect.poll(() => page.locator('[data-testid="topbar-run-state"]').textContent()).toMatch(/^Ready to train/);
    expect(studio.browser.pageErrors).toEqual([]);
  }, 120_000);

  it('short reviews last in the file (label,review) on the sentiment template: offered as text, never fitted to the reviews as classes', async () => {
    const { page } = studio.browser;
    await freshTemplate(page, 'sentiment', 'review');
    await uploadCsv(page, 'csv', reviews);
    const card = page.locator('[data-testid="read-as-text"]');
    await card.waitFor({ timeout: 60_000 });
    expect(await card.textContent()).toMatch(/Column “review” holds sentences/);
    // The table reading predicts the reviews; fitting the model to that is not offered while the card is.
    expect(await page.locator('[data-testid="fit-model"]').count()).toBe(0);
    await page.click('[data-testid="read-as-text-apply"]');
    await expect.poll(() => card.count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="data-panel"] h2 + p').textContent()).toMatch(/text, classification/);
    expect(await page.getByText(/Classes: bad \(\d+\), good \(\d+\)/).count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid="topbar-run-state"]').textContent()).toMatch(/^Ready to train/);
    await screenshot(page, 'own-text-reviews');
    expect(studio.browser.pageErrors).toEqual([]);
  }, 120_000);

  it('the same reviews uploaded as a "Text CSV", no column named: the short sentences are the text, the labels the classes', async () => {
    const { page } = studio.browser;
    await freshTemplate(page, 'sentiment', 'review');
    await uploadCsv(page, 'text', reviews);
    await expect.poll(() => page.getByText(/Classes: bad \(\d+\), good \(\d+\)/).count(), { timeout: 60_000 }).toBe(1);
    expect(await page.locator('[data-testid="data-panel"] h2 + p').textContent()).toMatch(/reviews\.csv.*text, classification/);
    await expect.poll(() => page.locator('[data-testid="topbar-run-state"]').textContent()).toMatch(/^Ready to train/);
    await screenshot(page, 'own-text-reviews-text-csv');
    expect(studio.browser.pageErrors).toEqual([]);
  }, 120_000);
});
