// End to end in Chromium against `modelwright serve`: on the Iris template, freeze the body, then
// "New head for this data" on the output layer: "species" gives way to a fresh "head" (3 classes,
// softmax) below the still-frozen body, the status bar says ready to train, undo and redo work, and the
// trainer accepts the new model and trains it.
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, screenshot, showPanel, trainAndWait, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] newHead.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('a new head for the data in the browser studio', () => {
  const studio = useStudio('new-head');

  it('replaces the head, keeps the frozen body, is ready, undoes, and trains', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-tabular-classifier"]');
    await openTemplate(page, 'tabular-classifier', 'measurements');
    const node = (name: string) => page.locator(`[data-testid="canvas-node-${name}"]`);
    const names = async () => (await page.locator('[data-testid^="canvas-node-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('canvas-node-'.length)))).sort();
    const frozenMarks = async () => {
      const out: string[] = [];
      for (const name of await names()) if (await node(name).locator('[data-testid="node-frozen"]').count()) out.push(name);
      return out;
    };
    const valid = page.locator('[data-testid="model-valid"]');

    await node('hidden_2').click();
    await page.click('[data-testid="inspector-freeze-up-to"]');
    await expect.poll(frozenMarks).toEqual(['hidden_1', 'hidden_2']);
    // Offered on the head only.
    expect(await page.locator('[data-testid="inspector-new-head"]').count()).toBe(0);
    await node('species').click();
    const button = page.locator('[data-testid="inspector-new-head"]');
    await expect.poll(() => button.isEnabled(), { timeout: 30_000 }).toBe(true);
    await button.click();
    await expect.poll(names).toEqual(['head', 'hidden_1', 'hidden_2', 'measurements']);
    expect(await frozenMarks()).toEqual(['hidden_1', 'hidden_2']);
    await expect.poll(async () => (await valid.textContent())?.trim(), { timeout: 30_000 }).toBe('✓ Ready to train');
    expect(await page.locator('[data-testid="inspector-new-head-message"]').textContent()).toMatch(/new head for this data/);
    // The fresh head is trainable: 16·3+3 = 51 weights; the frozen body's 352 are not.
    expect((await page.locator('[data-testid="trainable-params"]').textContent())?.trim()).toBe('51 trainable · 352 non-trainable');
    await screenshot(page, 'new-head');

    await page.keyboard.press('Control+z');
    await expect.poll(names).toEqual(['hidden_1', 'hidden_2', 'measurements', 'species']);
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(names).toEqual(['head', 'hidden_1', 'hidden_2', 'measurements']);

    await showPanel(page, 'training');
    const status = await trainAndWait(page);
    expect(status).not.toMatch(/fail/i);
  }, 240_000);
});
