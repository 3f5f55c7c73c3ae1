// End to end in Chromium against `modelwright serve`: the Iris template trained, found in Runs, trained
// again with another learning rate, the two runs compared, its evaluation downloaded as a PNG, its generated
// code read and its model exported.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartInk, chromiumMissingReason, downloadedPng, openTemplate, pixelsNear, runIdsInTable, screenshot, setSetting, showPanel, trainAndWait, trainingSeriesColors, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] iris.spec.ts skipped: ${skip}`);

const EPOCHS = 4;

describe.skipIf(skip !== null)('the Iris template in the browser studio', () => {
  const studio = useStudio('iris');
  const runIds: number[] = [];

  it('opens the template from the start page with its model on the canvas', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-tabular-classifier"]');
    await screenshot(page, 'start-page');
    await openTemplate(page, 'tabular-classifier', 'measurements');
    for (const name of ['measurements', 'hidden_1', 'hidden_2', 'species']) {
      await expect.poll(() => page.locator(`[data-testid="canvas-node-${name}"]`).count()).toBe(1);
    }
    await expect.poll(() => page.locator('[data-testid="canvas-node-species"] [data-testid="node-output-shape"]').textContent()).toContain('3');
    expect(await page.locator('[data-testid="validation-error"]').count()).toBe(0);
    await screenshot(page, 'canvas');
    await showPanel(page, 'data');
    await page.waitForSelector('[data-testid="data-preview"]', { timeout: 30_000 });
    expect(await page.locator('[data-testid="data-preview"]').textContent()).toMatch(/setosa/i);
    await screenshot(page, 'data');
  });

  it(`trains ${EPOCHS} epochs: the progress completes and the loss chart fills`, async () => {
    const { page } = studio.browser;
    await showPanel(page, 'training');
    await setSetting(page, 'epochs', String(EPOCHS));
    await expect.poll(() => page.locator('[data-testid="setting-epochs"]').inputValue()).toBe(String(EPOCHS));
    // Before any training there is no chart, so the ink counted below can only come from this run.
    expect(await page.locator('[data-testid="chart-loss"]').count()).toBe(0);
    await showPanel(page, 'runs');
    const before = await runIdsInTable(page);
    await showPanel(page, 'training');

    const status = await trainAndWait(page);
    expect(status).not.toBe('');
    expect(await page.locator('[data-testid="train-progress"]').getAttribute('aria-valuenow')).toBe('100');
    expect(await page.locator('[data-testid="progress-details"]').textContent()).toContain(`Epoch ${EPOCHS} of ${EPOCHS}`);
    expect(await page.locator('[data-testid="train-backend"]').textContent()).toMatch(/backend: (wasm|cpu|tensorflow)/);
    // The chart redraws on the next animation frame after the last event.
    await expect.poll(async () => (await chartInk(page, 'chart-loss', trainingSeriesColors)).training, { timeout: 5000 }).toBeGreaterThan(100);
    const ink = await chartInk(page, 'chart-loss', trainingSeriesColors);
    expect(ink.validation, 'validation loss drawn too').toBeGreaterThan(50);
    expect(await page.locator('[data-testid="chart-accuracy"] canvas').count()).toBeGreaterThan(0);
    await screenshot(page, 'training');

    await showPanel(page, 'runs');
    await expect.poll(async () => (await runIdsInTable(page)).length).toBe(before.length + 1);
    const id = (await runIdsInTable(page)).find((r) => !before.includes(r))!;
    runIds.push(id);
    const row = page.locator(`[data-testid="run-row-${id}"]`);
    await expect.poll(() => row.textContent()).toContain('completed');
  });

  it('trains again with another learning rate and compares the two runs', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'training');
    await setSetting(page, 'optimizer.learningRate', '0.003');
    await expect.poll(() => page.locator('[data-testid="setting-optimizer.learningRate"]').inputValue()).toBe('0.003');
    await trainAndWait(page);

    await showPanel(page, 'runs');
    await expect.poll(async () => (await runIdsInTable(page)).length).toBe(runIds.length + 1);
    const second = (await runIdsInTable(page)).find((r) => !runIds.includes(r))!;
    runIds.push(second);
    await expect.poll(() => page.locator(`[data-testid="run-row-${second}"]`).textContent()).toContain('completed');
    await screenshot(page, 'runs');

    expect(await page.locator('[data-testid="compare-button"]').isDisabled()).toBe(true);
    for (const id of runIds) await page.check(`[data-testid="run-compare-${id}"]`);
    await page.click('[data-testid="compare-button"]');
    const settings = page.locator('[data-testid="compare-settings"]');
    await settings.waitFor({ timeout: 30_000 });
    const rows = await settings.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim() ?? '')));
    // Only the differences are listed: the learning rate, with each run's value, and not the shared epochs.
    const lr = rows.find((r) => r[0] === 'Learning rate');
    expect(lr, `settings diff rows: ${JSON.stringify(rows)}`).toBeDefined();
    expect(lr!.slice(1)).toEqual(['0.01', '0.003']);
    expect(rows.some((r) => r[0] === 'Epochs')).toBe(false);
    expect(await page.locator('[data-testid="compare-architecture"]').textContent()).toContain('Same architecture');
    expect(await page.locator('[data-testid="compare-test"]').textContent()).toMatch(/Accuracy/);
    expect(await page.locator('[data-testid="compare-verdict"]').textContent()).toMatch(/test accuracy/);
    await screenshot(page, 'compare');
  });

  it('shows the generated training code for the model, in JavaScript, Python (Keras) and PyTorch', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'code');
    const editor = page.locator('[data-testid="code-editor"]');
    await page.waitForSelector('[data-testid="code-editor"][data-ready="true"]', { timeout: 60_000 });
    // Monaco draws only the lines in view; what it draws must be the start of the generated program.
    await expect.poll(() => editor.locator('.view-lines').innerText(), { timeout: 30_000 }).toMatch(/tf|import/);
    const js = await page.locator('[data-testid="code-text"]').inputValue();
    expect(js).toMatch(/tf\.layers\.dense\(\{[^}]*units: 16/);
    expect(js).toContain('model.fit(');
    expect(js).toMatch(/learningRate|adam\(0\.003\)/);
    await screenshot(page, 'code');

    await page.selectOption('[data-testid="code-language"]', 'python');
    await expect.poll(() => page.locator('[data-testid="code-text"]').inputValue(), { timeout: 30_000 }).toMatch(/layers\.Dense\(/);
    expect(await page.locator('[data-testid="code-text"]').inputValue()).toContain('model.fit(');
    expect(await editor.getAttribute('data-language')).toBe('python');

    await page.selectOption('[data-testid="code-language"]', 'pytorch');
    await expect.poll(() => page.locator('[data-testid="code-text"]').inputValue(), { timeout: 30_000 }).toContain('class Model(nn.Module)');
    expect(await page.locator('[data-testid="code-text"]').inputValue()).toMatch(/nn\.Linear\(4, 16\)/);
  });

  it('exports the trained model and shows that the export was verified', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'export');
    await page.click('[data-testid="export-button"]');
    // Either the verified export or the panel's error message: a refusal fails here with its own words.
    await page.waitForSelector('[data-testid="export-result"], [data-testid="export-panel"] [role="alert"]', { timeout: 90_000 });
    const refusal = page.locator('[data-testid="export-panel"] [role="alert"]');
    if (await refusal.count()) throw new Error(`the export failed: ${await refusal.first().textContent()}`);
    const verification = page.locator('[data-testid="export-verification"]');
    expect(await verification.getAttribute('data-passed')).toBe('true');
    const result = (await page.locator('[data-testid="export-result"]').textContent()) ?? '';
    expect(result).toContain('model.json');
    const folder = await page.locator('[data-testid="export-result"] code').first().textContent();
    // The page names the folder inside the workspace, never by its path on this computer.
    expect(folder).toMatch(/^exports\/run-\d+-tfjs/);
    expect(folder && existsSync(join(studio.workspace, folder, 'model.json')), `exported folder ${folder} has a model.json`).toBe(true);
    await screenshot(page, 'export');
  }, 120_000);

  it('downloads the evaluation as a PNG: a real image of the confusion matrix, the scores and the ROC curves', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'evaluation');
    await page.locator('[data-testid="confusion-matrix"]').waitFor({ timeout: 30_000 });
    const image = await downloadedPng(page, 'evaluation-download-png', 'evaluation-download');
    expect(image.fileName).toMatch(/-evaluation\.png$/);
    // A two-column report drawn at 2×.
    expect(image.width).toBeGreaterThan(1500);
    expect(image.width).toBeLessThan(4000);
    expect(image.height).toBeGreaterThan(900);
    expect(image.height).toBeLessThan(3000);
    // What is drawn: the three ROC curves in the class colours, the green diagonal cells (correct predictions), text.
    for (const colour of ['#4e79a7', '#f28e2b', '#e15759']) expect(pixelsNear(image, colour), `ROC curve ${colour}`).toBeGreaterThan(200);
    expect(pixelsNear(image, '#6aa56e', 60), 'green cells').toBeGreaterThan(2000);
    expect(pixelsNear(image, '#1f2328', 40), 'text').toBeGreaterThan(2000);
  }, 60_000);

  it('logged no errors in the page', () => {
    expect(studio.browser.pageErrors).toEqual([]);
  });
});
