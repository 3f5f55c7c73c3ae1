// End to end in Chromium against `modelwright serve`: More settings offer "Use N of M cores" with the
// server's core count (default all but one); the choice is saved with the project's settings, sent with
// training, and the run computes with that many WebAssembly threads (replicas of the model); a finished run
// says how many it really used and why.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, screenshot, setSetting, showPanel, trainAndWait, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] cores.spec.ts skipped: ${skip}`);
const cores = availableParallelism();

describe.skipIf(skip !== null)('cores in the studio settings', () => {
  const studio = useStudio('cores');

  it('offers the server\'s cores, defaults to all but one, and trains on the count chosen', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-tabular-classifier"]');
    await openTemplate(page, 'tabular-classifier', 'measurements');
    await showPanel(page, 'training');
    await page.click('[data-testid="toggle-advanced"]');
    const select = page.locator('[data-testid="setting-threads"]');
    await select.waitFor({ timeout: 30_000 });
    expect(await select.inputValue()).toBe('');
    expect(await select.locator('option').first().textContent()).toBe(`Use ${Math.max(1, cores - 1)} of ${cores} cores (default: all but one)`);
    expect(await select.locator('option').count()).toBe(cores + 1);
    await select.selectOption(String(cores));
    await page.locator('[data-testid="setting-backend"]').selectOption('wasm');
    await setSetting(page, 'epochs', '2');
    await select.scrollIntoViewIfNeeded();
    await screenshot(page, 'cores-setting');
    await trainAndWait(page);
    expect(await page.locator('[data-testid="train-backend"]').textContent()).toBe(`backend: wasm on ${cores} core${cores === 1 ? '' : 's'}`);
    expect(await select.inputValue()).toBe(String(cores));
    await screenshot(page, 'cores-trained');
  });

  it.runIf(cores > 1)('a CNN on every core: the finished run says whether splitting each batch was faster, and the cores it shows match', async () => {
    const { page } = studio.browser;
    page.once('dialog', (d) => void d.accept());
    await page.goto(studio.server.url);
    await page.waitForSelector('[data-testid="template-digit-recognizer"]');
    await openTemplate(page, 'digit-recognizer', 'image');
    await showPanel(page, 'training');
    await page.click('[data-testid="toggle-advanced"]');
    await page.locator('[data-testid="setting-threads"]').selectOption(String(cores));
    await page.locator('[data-testid="setting-backend"]').selectOption('wasm');
    await setSetting(page, 'epochs', '1');
    await trainAndWait(page);
    const choice = (await page.locator('[data-testid="parallel-choice"]').textContent())!;
    const shown = await page.locator('[data-testid="train-backend"]').textContent();
    if (choice.startsWith('Cores: each batch split')) {
      expect(choice).toMatch(new RegExp(`^Cores: each batch split over ${cores} threads \\(\\d+ of \\d+ steps split\\); last timed at [\\d.]+ ms per sample split against [\\d.]+ on one thread\\.$`));
      expect(shown).toBe(`backend: wasm on ${cores} cores`);
    } else {
      expect(choice).toMatch(new RegExp(`^Cores: trained on one thread \\(\\d+ of \\d+ steps split\\): splitting each batch over ${cores} threads was not faster`));
      expect(shown).toBe('backend: wasm on 1 core');
    }
    await page.locator('[data-testid="parallel-choice"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'cores-cnn-trained');
  });
});
