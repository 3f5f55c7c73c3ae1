// End to end: the time-series template in the browser studio — the readings reshaped into steps, the
// built-in TransformerEncoder block with its shape, a training run on the server's engine, and a test
// accuracy far above chance (four classes) with all 120 test windows in the confusion matrix.
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, screenshot, showPanel, trainAndWait, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] sensorAttention.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('the sensor time-series template in the browser studio', () => {
  const studio = useStudio('sensor-attention');

  it('shows 32 steps through the encoder block, trains, and classifies the test windows well above chance', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-sensor-attention"]');
    await openTemplate(page, 'sensor-attention', 'readings');
    const shape = (name: string) => page.locator(`[data-testid="canvas-node-${name}"] [data-testid="node-output-shape"]`).textContent();
    await expect.poll(() => shape('one_reading_per_step')).toBe('[32, 1]');
    expect(await shape('readings_and_seconds')).toBe('[32, 32]');
    expect(await shape('encoder')).toBe('[32, 32]');
    expect(await shape('condition')).toBe('[4]');
    expect(await page.locator('[data-testid="validation-error"]').count()).toBe(0);
    await screenshot(page, 'sensor-canvas');

    await showPanel(page, 'training');
    await trainAndWait(page, 300_000);
    await screenshot(page, 'sensor-trained');
    await page.click('[data-testid="open-evaluation"]');
    const summary = page.locator('[data-testid="evaluation-summary"]').first();
    await summary.waitFor({ timeout: 60_000 });
    const text = (await summary.textContent()) ?? '';
    const m = /Accuracy\s*([\d.]+)%\s*on\s*(\d+)\s*test rows/.exec(text);
    expect(m, `evaluation summary: ${text}`).not.toBeNull();
    // Chance is 25%; the template as shipped measured 81.7% with the default seed.
    expect(Number(m![1])).toBeGreaterThanOrEqual(70);
    expect(Number(m![2])).toBe(120);
    const cells = await page.locator('[data-testid^="confusion-cell-"]').allTextContents();
    expect(cells).toHaveLength(16);
    expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBe(120);
    await screenshot(page, 'sensor-evaluation');
    expect(studio.browser.pageErrors).toEqual([]);
  }, 420_000);
});
