// End to end: the Transformer intent template in the browser studio — attention's three named inputs
// and the shapes on the canvas, a short training run on the server's engine, then a typed question.
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, screenshot, setSetting, showPanel, trainAndWait, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] attention.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('the Transformer template in the browser studio', () => {
  const studio = useStudio('attention');

  it('shows attention with its shapes, trains briefly and tells the intent of a typed question', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-transformer-intent"]');
    await openTemplate(page, 'transformer-intent', 'message');
    const attention = page.locator('[data-testid="canvas-node-self_attention"]');
    await attention.waitFor();
    // Word and position vectors of 32 numbers for each of the 24 words, and attention keeps that shape.
    await expect.poll(() => attention.locator('[data-testid="node-output-shape"]').textContent()).toBe('[24, 32]');
    expect(await page.locator('[data-testid="canvas-node-words_and_positions"] [data-testid="node-output-shape"]').textContent()).toBe('[24, 32]');
    // Query, value and key handles, named; only the query is connected (self-attention).
    for (const [slot, name] of ['Query', 'Value', 'Key'].entries()) {
      expect(await page.locator(`[data-testid="handle-in-self_attention-${slot}"]`).getAttribute('title')).toBe(name);
    }
    expect(await page.locator('[data-testid="validation-error"]').count()).toBe(0);
    await screenshot(page, 'attention-canvas');

    await showPanel(page, 'training');
    await setSetting(page, 'epochs', '6');
    await expect.poll(() => page.locator('[data-testid="setting-epochs"]').inputValue()).toBe('6');
    await trainAndWait(page, 240_000);
    await screenshot(page, 'attention-trained');

    await showPanel(page, 'tryit');
    const text = page.locator('[data-testid="tryit-text"]');
    await text.waitFor({ timeout: 30_000 });
    await text.fill('Where is my order? It has not arrived');
    await text.press('Enter');
    const label = page.locator('[data-testid="predicted-label"]');
    await label.waitFor({ timeout: 30_000 });
    expect(['help', 'info', 'complaint', 'other']).toContain((await label.textContent())?.trim());
    await screenshot(page, 'attention-tryit');
    expect(studio.browser.pageErrors).toEqual([]);
  }, 360_000);
});
