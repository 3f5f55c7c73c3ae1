// End to end: a user's own model on their own table, as a new user would make it — a blank canvas, layers
// from the palette, a CSV upload, the one-click "make the model fit this data", "Ready to train", Train —
// reaching about logistic regression's test accuracy; then the usual mistakes (a Conv2D on a table, a
// layer left as a loose end) are named on their layer with advice that fits a table, and fixed in a click.
import { describe, expect, it } from 'vitest';
import { customerRows, customersCsv, customersSpreadsheetCsv, logisticRegressionAccuracy, studioSplit } from '../fixtures/customers.ts';
import { chromiumMissingReason, openTemplate, screenshot, selectLayer, showPanel, trainAndWait, uploadCsv, useOwnFiles, useStudio, waitForTrained } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] ownData.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('your own model on your own table, in the browser studio', () => {
  const studio = useStudio('own-data');
  const files = useOwnFiles('own-data', { 'customers.csv': customersCsv(), 'clients.csv': customersSpreadsheetCsv() });
  const csv = files['customers.csv'];

  const statusBar = () => studio.browser.page.locator('[data-testid="status-bar"]').textContent();

  it('blank canvas → palette → CSV → one-click fit → ready → trained near logistic regression', async () => {
    const { page } = studio.browser;
    await page.click('[data-testid="new-blank"]');
    await page.waitForSelector('[data-testid="canvas-empty"]');
    // Each click adds the layer after the one just added (it stays selected): Input → Dense → Dense.
    for (const type of ['Input', 'Dense', 'Dense']) await page.click(`[data-testid="palette-item-${type}"]`);
    await expect.poll(() => page.locator('[data-testid^="canvas-node-"]').count()).toBe(3);
    expect(await statusBar()).toMatch(/Model is valid · choose data/);

    await showPanel(page, 'data');
    await page.click('[data-testid="data-source-csv"]');
    await page.fill('#mw-csv-target', 'outcome');
    await page.setInputFiles('[data-testid="csv-file-input"]', csv);
    const card = page.locator('[data-testid="fit-model"]');
    await card.waitFor({ timeout: 60_000 });
    // What does not fit, named on its layer, with the change that fixes it: the input width, and an output
    // of 32 linear units where the data has two classes (which used to train to chance).
    const problems = await page.locator('[data-testid="fit-problem"]').allTextContents();
    expect(problems.join('\n')).toMatch(/Input layer "input" has shape \[4\] but each row has 7 input values/);
    expect(problems.join('\n')).toMatch(/"dense_1" gives 32 values but the data has 2 classes \(leaves, stays\).*raw scores/);
    expect(await page.locator('[data-testid="fit-steps"] li').allTextContents()).toEqual([
      'Set the Input shape to [7]', 'Set units to 2 and set activation to softmax',
    ]);
    await screenshot(page, 'own-data-fit');
    await page.click('[data-testid="fit-model-apply"]');
    await expect.poll(() => card.count()).toBe(0);

    await showPanel(page, 'canvas');
    await expect.poll(statusBar).toMatch(/✓ Ready to train/);
    expect(await page.locator('[data-testid="canvas-node-dense_1"]').textContent()).toMatch(/units 2 · softmax/);
    await screenshot(page, 'own-data-ready');

    await showPanel(page, 'training');
    await page.click('[data-testid="train-button"]');
    await waitForTrained(page, 180_000);
    await page.click('[data-testid="open-evaluation"]');
    const summary = page.locator('[data-testid="evaluation-summary"]').first();
    await summary.waitFor({ timeout: 60_000 });
    const text = (await summary.textContent()) ?? '';
    const m = /Accuracy\s*([\d.]+)%\s*on\s*(\d+)\s*test rows/.exec(text);
    expect(m, `evaluation summary: ${text}`).not.toBeNull();
    // Logistic regression fitted on the same rows the studio trains on, scored on the same test rows.
    const { fit, test } = studioSplit(customerRows());
    const baseline = logisticRegressionAccuracy(fit, test);
    console.log(`[e2e] own data: test accuracy ${m![1]}% on ${m![2]} rows; logistic regression ${(baseline * 100).toFixed(1)}%`);
    expect(Number(m![2])).toBe(test.length);
    expect(Number(m![1]) / 100).toBeGreaterThan(baseline - 0.04);
    await screenshot(page, 'own-data-evaluation');
  }, 300_000);

  it('a Conv2D added to the table model is named with table advice, Train explains, and the fix makes it ready', async () => {
    const { page } = studio.browser;
    await showPanel(page, 'canvas');
    await selectLayer(page, 'dense');
    await page.click('[data-testid="palette-item-Conv2D"]');
    const error = page.locator('[data-testid="canvas-node-conv2d"] [data-testid="validation-error"]');
    await expect.poll(() => error.count()).toBe(1);
    expect(await error.textContent()).toMatch(/Conv2D "conv2d" is for images.*the data is a table.*use a Dense layer instead/);
    expect(await error.textContent()).not.toMatch(/Reshape/);
    expect(await statusBar()).not.toMatch(/Ready to train|Model is valid/);
    await screenshot(page, 'own-data-conv2d');

    await showPanel(page, 'training');
    expect(await page.locator('[data-testid="train-button"]').isDisabled()).toBe(true);
    const notReady = page.locator('[data-testid="not-ready"]');
    expect(await notReady.textContent()).toMatch(/cannot be trained yet: Conv2D "conv2d" is for images/);
    await page.locator('[data-testid="not-ready"] [data-testid="fix-button"]').first().click();
    await expect.poll(() => page.locator('[data-testid="train-button"]').isDisabled()).toBe(false);
    await showPanel(page, 'canvas');
    await expect.poll(statusBar).toMatch(/✓ Ready to train/);
    // Undo brings the mistake back, redo the fix: the fix is an ordinary edit.
    await page.click('[data-testid="undo-button"]');
    await expect.poll(statusBar).toMatch(/1 layer problem/);
    await expect.poll(() => error.count()).toBe(1);
    await page.click('[data-testid="redo-button"]');
    await expect.poll(statusBar).toMatch(/✓ Ready to train/);
  }, 120_000);

  it('a layer left as a loose end is named, and "connect" puts it into the chain', async () => {
    const { page } = studio.browser;
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.click('[data-testid="palette-item-Dense"]');
    const loose = page.locator('[data-testid^="canvas-node-dense_"]').last();
    const name = ((await loose.getAttribute('data-testid')) ?? '').slice('canvas-node-'.length);
    await page.click('[data-testid="fit-view-button"]');
    await page.waitForTimeout(400);
    await page.dragAndDrop('[data-testid="handle-out-input"]', `[data-testid="handle-in-${name}-0"]`);
    await expect.poll(statusBar).toMatch(new RegExp(`Not ready to train: Dense "${name}" is a loose end`));
    await screenshot(page, 'own-data-loose-end');
    const fix = page.locator('[data-testid="status-bar"] [data-testid="fix-button"]');
    expect(await fix.allTextContents()).toEqual([`Connect "${name}" into the chain, before "dense"`, `Remove "${name}"`]);
    await fix.first().click();
    await expect.poll(statusBar).toMatch(/✓ Ready to train/);
    expect(studio.browser.pageErrors).toEqual([]);
  }, 120_000);

  it('a spreadsheet export (semicolons, decimal commas) with a client id: the id is left out and says why, the rest trains', async () => {
    const { page } = studio.browser;
    page.once('dialog', (dialog) => void dialog.accept());
    await page.goto(studio.server.url);
    await openTemplate(page, 'tabular-classifier', 'measurements');
    await uploadCsv(page, 'csv', files['clients.csv']);
    const role = page.getByLabel('Role of client_id');
    await expect.poll(() => role.inputValue(), { timeout: 60_000 }).toBe('ignore');
    expect(await page.locator('[data-testid="data-warnings"]').textContent()).toMatch(/Column "client_id" looks like an identifier: its name and values are those of an ID .*It is ignored/);
    // Three numbers (the basket read with its decimal comma) and four regions; the id is not an input.
    expect(await page.locator('[data-testid="fit-steps"] li').allTextContents()).toEqual(['Set the Input shape to [7]', 'Set units to 2']);
    await screenshot(page, 'own-data-client-id');
    await page.click('[data-testid="fit-model-apply"]');
    await showPanel(page, 'training');
    await trainAndWait(page, 180_000);
    await page.click('[data-testid="open-evaluation"]');
    const summary = page.locator('[data-testid="evaluation-summary"]').first();
    await summary.waitFor({ timeout: 60_000 });
    const accuracy = Number(/Accuracy\s*([\d.]+)%/.exec((await summary.textContent()) ?? '')?.[1]) / 100;
    const { fit, test } = studioSplit(customerRows());
    expect(accuracy).toBeGreaterThan(logisticRegressionAccuracy(fit, test) - 0.04);
    // Try it asks for what the model reads, not for a client number.
    await showPanel(page, 'tryit');
    await page.locator('[data-testid="tryit-field-basket"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="tryit-field-client_id"]').count()).toBe(0);
    // The user who means it can have it back: the model then needs one more input.
    await showPanel(page, 'data');
    await role.selectOption('feature');
    await expect.poll(() => page.locator('[data-testid="fit-steps"] li').allTextContents()).toEqual(['Set the Input shape to [8]']);
    expect(await page.getByText(/"client_id" looks like an identifier/).count()).toBe(0);
    expect(studio.browser.pageErrors).toEqual([]);
  }, 300_000);
});
