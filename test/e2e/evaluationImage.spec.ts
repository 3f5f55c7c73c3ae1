// End to end in Chromium: "Download (.png)" of the Evaluation panel for a regression (predicted against
// actual) and a two-class model (the ROC curve of the positive class the user picked), each a real PNG.
// (The multi-class report — confusion matrix, per-class scores, three ROC curves — is in iris.spec.ts.)
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, downloadedPng, openTemplate, pixelsNear, setSetting, showPanel, trainAndWait, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] evaluationImage.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('the evaluation as a PNG: regression', () => {
  const studio = useStudio('evaluation-png-regression');

  it('draws predicted against actual', async () => {
    const { page } = studio.browser;
    await openTemplate(page, 'regression', 'features');
    await showPanel(page, 'training');
    await setSetting(page, 'epochs', '3');
    await trainAndWait(page);
    await showPanel(page, 'evaluation');
    await page.locator('[data-testid="scatter-plot"]').waitFor({ timeout: 30_000 });
    const image = await downloadedPng(page, 'evaluation-download-png', 'evaluation-download-regression');
    expect(image.width).toBeGreaterThan(1200);
    expect(image.height).toBeGreaterThan(700);
    // The points (class colour 0, drawn at 60% over white) and the text.
    expect(pixelsNear(image, '#83a1c1', 40), 'scatter points').toBeGreaterThan(300);
    expect(pixelsNear(image, '#1f2328', 40), 'text').toBeGreaterThan(1000);
    expect(studio.browser.pageErrors).toEqual([]);
  }, 180_000);
});

describe.skipIf(skip !== null)('the evaluation as a PNG: two classes', () => {
  const studio = useStudio('evaluation-png-binary');

  it('draws the ROC curve of the positive class chosen in the panel', async () => {
    const { page } = studio.browser;
    await openTemplate(page, 'binary-classifier', 'point');
    await showPanel(page, 'training');
    await setSetting(page, 'epochs', '3');
    await trainAndWait(page);
    await showPanel(page, 'evaluation');
    const select = page.locator('[data-testid="positive-class-select"]');
    await select.waitFor({ timeout: 30_000 });
    const options = await select.locator('option').allTextContents();
    await select.selectOption(options[0]);
    const image = await downloadedPng(page, 'evaluation-download-png', 'evaluation-download-binary');
    expect(image.width).toBeGreaterThan(1500);
    // One curve (class colour 0), green cells for the two correct-prediction cells.
    expect(pixelsNear(image, '#4e79a7'), 'ROC curve').toBeGreaterThan(200);
    expect(pixelsNear(image, '#f28e2b'), 'no second curve').toBeLessThan(50);
    expect(studio.browser.pageErrors).toEqual([]);
  }, 180_000);
});
