// End to end in Chromium against `modelwright serve`: on the Iris template, "Freeze everything up to
// here" on hidden_2 marks hidden_1 and hidden_2 frozen (not the output layer), the status bar counts
// their weights as non-trainable, the inspector's Frozen box is ticked, and undo takes it all back.
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, screenshot, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] freeze.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('freezing layers in the browser studio', () => {
  const studio = useStudio('freeze');

  it('freezes everything up to a layer, shows markers and totals, and undoes', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-tabular-classifier"]');
    await openTemplate(page, 'tabular-classifier', 'measurements');
    const node = (name: string) => page.locator(`[data-testid="canvas-node-${name}"]`);
    const frozenMarks = async () => {
      const out: string[] = [];
      for (const name of ['measurements', 'hidden_1', 'hidden_2', 'species']) if (await node(name).locator('[data-testid="node-frozen"]').count()) out.push(name);
      return out;
    };
    const trainable = page.locator('[data-testid="trainable-params"]');
    expect((await trainable.textContent())?.trim()).toBe('403 trainable');

    await node('hidden_2').click();
    await page.click('[data-testid="inspector-freeze-up-to"]');
    await expect.poll(frozenMarks).toEqual(['hidden_1', 'hidden_2']);
    // hidden_1 4·16+16 = 80 and hidden_2 16·16+16 = 272 weights no longer train; species' 51 do.
    expect((await trainable.textContent())?.trim()).toBe('51 trainable · 352 non-trainable');
    expect(await page.locator('[data-testid="inspector-frozen"]').isChecked()).toBe(true);
    expect(await node('hidden_2').locator('.mw-node-count').textContent()).toBe('272 params, frozen');
    await screenshot(page, 'freeze-up-to');

    await page.keyboard.press('Control+z');
    await expect.poll(frozenMarks).toEqual([]);
    expect((await trainable.textContent())?.trim()).toBe('403 trainable');
    expect(await page.locator('[data-testid="inspector-frozen"]').isChecked()).toBe(false);

    // The checkbox freezes one layer.
    await page.click('[data-testid="inspector-frozen"]');
    await expect.poll(frozenMarks).toEqual(['hidden_2']);
    expect((await trainable.textContent())?.trim()).toBe('131 trainable · 272 non-trainable');
  }, 120_000);
});
