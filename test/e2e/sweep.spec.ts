// End to end in Chromium against `modelwright serve`: the Training panel's Tune mode on the two-moons
// template — the space form (with a bad range refused in plain words), a sweep of real trials in the
// trainer processes, the live trials table with the best so far, the parallel-coordinates plot and the
// importance bars, "Use best settings" as one undoable edit, and the Runs panel grouping the trials.
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, runIdsInTable, screenshot, showPanel, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] sweep.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('tuning with a sweep, in the browser studio', () => {
  const studio = useStudio('sweep');
  let best: { trial: number; lr: string } = { trial: 0, lr: '' };

  it('runs a sweep from the Tune mode: trials table, best so far, plot and importance', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-binary-classifier"]');
    await openTemplate(page, 'binary-classifier', 'point');
    await showPanel(page, 'training');
    await page.click('[data-testid="mode-tune"]');
    await page.waitForSelector('[data-testid="tune-panel"]');
    await expect.poll(() => page.locator('[data-testid="tune-metric"] option').allTextContents()).toEqual(['Validation loss', 'Validation accuracy']);
    // The starter space: learning rate, batch size and the first hidden layer's units, around the project's values.
    expect(await page.locator('[data-testid="space-low-optimizer.learningRate"]').inputValue()).toBe('0.001');
    expect(await page.locator('[data-testid="space-high-optimizer.learningRate"]').inputValue()).toBe('0.1');
    expect(await page.locator('[data-testid="space-values-batchSize"]').inputValue()).toBe('16, 32, 64');
    expect(await page.locator('[data-testid="space-values-layers.hidden_1.units"]').inputValue()).toBe('8, 16, 32');

    // A range that cannot be used is refused before anything trains, naming the setting.
    await page.fill('[data-testid="space-low-optimizer.learningRate"]', '0');
    await expect.poll(() => page.locator('[data-testid="space-problem"]').textContent()).toMatch(/^optimizer\.learningRate: logUniform needs numbers above 0/);
    expect(await page.locator('[data-testid="tune-start"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="space-low-optimizer.learningRate"]', '0.001');
    await expect.poll(() => page.locator('[data-testid="space-problem"]').count()).toBe(0);

    await page.fill('[data-testid="tune-trials"]', '4');
    await page.fill('[data-testid="tune-parallel"]', '1');
    await page.fill('#mw-tune-epochs', '15');
    await page.click('[data-testid="tune-start"]');
    // Live: the first trial trains while the others wait.
    await page.waitForSelector('[data-testid="sweep-trials"] [data-status="running"]', { timeout: 60_000 });
    await screenshot(page, 'sweep-running');
    await page.waitForSelector('[data-testid="sweep-status"][data-status="completed"]', { timeout: 180_000 });

    const statuses = await page.locator('[data-testid^="sweep-trial-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses).toEqual(['completed', 'completed', 'completed', 'completed']);
    const bestRow = page.locator('[data-testid^="sweep-trial-"].mw-wp-best');
    expect(await bestRow.count()).toBe(1);
    best = { trial: Number((await bestRow.getAttribute('data-testid'))!.slice('sweep-trial-'.length)), lr: (await bestRow.locator('td').nth(2).textContent())! };
    expect(await page.locator('[data-testid="sweep-best"]').textContent()).toMatch(new RegExp(`^Best so far: trial ${best.trial} — Validation loss [\\d.]+ with Learning rate `));
    // One line per trial in the plot, the best drawn thick.
    expect(await page.locator('[data-testid="sweep-parallel"] polyline').count()).toBe(4);
    expect(await page.locator(`[data-testid="sweep-parallel"] polyline[data-trial="${best.trial}"]`).getAttribute('stroke-width')).toBe('3');
    // Each setting's importance, in words.
    expect(await page.locator('[data-testid^="importance-"]').count()).toBe(3);
    expect(await page.locator('[data-testid="sweep-importance"]').textContent()).toMatch(/Matters (a lot|somewhat|little): \d+% of the differences in validation loss between trials go with this setting/);
    await screenshot(page, 'sweep-finished');
  }, 300_000);

  it('"Use best settings" writes them into the project as one edit that Undo takes back', async () => {
    const { page } = studio.browser;
    await page.click('[data-testid="sweep-use-best"]');
    await page.click('[data-testid="mode-train"]');
    const lr = page.locator('[data-testid="setting-optimizer.learningRate"]');
    await expect.poll(() => lr.inputValue()).not.toBe('0.01');
    expect(Number(await lr.inputValue())).toBeCloseTo(Number(best.lr), 3);
    await page.keyboard.press('Control+z');
    await expect.poll(() => lr.inputValue()).toBe('0.01');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => lr.inputValue()).not.toBe('0.01');
  });

  it('the Runs panel shows a sweep\'s trials as one group', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'runs');
    await page.waitForSelector('[data-testid="runs-sweep"]');
    const sweepOption = await page.locator('[data-testid="runs-sweep"] option').nth(1).getAttribute('value');
    await page.selectOption('[data-testid="runs-sweep"]', sweepOption!);
    await expect.poll(async () => (await runIdsInTable(page)).length).toBe(4);
    expect(await page.locator('[data-testid="runs-sweep-summary"]').textContent()).toMatch(/^Sweep \d+ \(random, completed\): 4 of 4 trials, ranked by validation loss\. Best: trial \d/);
    await screenshot(page, 'sweep-runs');
    await page.click('[data-testid="runs-open-sweep"]');
    await page.waitForSelector('[data-testid="tune-panel"] [data-testid="sweep-trials"]');
  });
});
