// End to end: editing the model on the canvas in Chromium — adding a layer from the palette, the
// plain-language error of an invalid model, undo and redo of layer and parameter edits, shapes updating.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, screenshot, selectLayer, showPanel, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] canvas.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('the canvas in the browser studio', () => {
  const studio = useStudio('canvas');

  const nodeNames = () => studio.browser.page.locator('[data-testid^="canvas-node-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('canvas-node-'.length)).sort());
  const nodeText = (name: string) => studio.browser.page.locator(`[data-testid="canvas-node-${name}"]`).textContent();

  beforeAll(async () => {
    await openTemplate(studio.browser.page, 'tabular-classifier', 'measurements');
  }, 300_000);

  it('shows each layer with its type, output shape and parameter count, and the totals', async () => {
    expect(await nodeNames()).toEqual(['hidden_1', 'hidden_2', 'measurements', 'species']);
    // 4·16+16, 16·16+16, 16·3+3: computed by the studio's shape inference, shown on the nodes.
    expect(await nodeText('hidden_1')).toMatch(/Dense[\s\S]*80 params/);
    expect(await nodeText('hidden_2')).toContain('272 params');
    expect(await nodeText('species')).toContain('51 params');
    expect(await studio.browser.page.locator('[data-testid="total-params"]').textContent()).toContain('403');
    expect(await studio.browser.page.locator('[data-testid="model-valid"]').count()).toBe(1);
  });

  it('adds a Dense layer from the palette; unconnected it is an error with a fix; undo removes it', async () => {
    const { page } = studio.browser;
    await page.click('.react-flow__pane', { position: { x: 20, y: 20 } });
    await page.click('[data-testid="palette-item-Dense"]');
    await expect.poll(nodeNames).toEqual(['dense', 'hidden_1', 'hidden_2', 'measurements', 'species']);
    const error = page.locator('[data-testid="canvas-node-dense"] [data-testid="validation-error"]');
    await expect.poll(() => error.count()).toBe(1);
    expect(await error.textContent()).toMatch(/not connected[\s\S]*connect it/i);
    expect(await page.locator('[data-testid="model-invalid"]').count()).toBe(1);
    await screenshot(page, 'canvas-invalid');
    // An invalid model cannot be trained, and the Training panel says why.
    await showPanel(page, 'training');
    expect(await page.locator('[data-testid="train-button"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid="training-panel"] [role="alert"]').textContent()).toMatch(/dense.*not connected/i);

    await showPanel(page, 'canvas');
    await page.click('[data-testid="undo-button"]');
    await expect.poll(nodeNames).toEqual(['hidden_1', 'hidden_2', 'measurements', 'species']);
    expect(await page.locator('[data-testid="validation-error"]').count()).toBe(0);
    expect(await page.locator('[data-testid="model-valid"]').count()).toBe(1);
    // Redo brings the same layer (and its error) back; Ctrl+Z takes it away again.
    await page.click('[data-testid="redo-button"]');
    await expect.poll(() => page.locator('[data-testid="validation-error"]').count()).toBeGreaterThan(0);
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-testid="canvas-node-dense"]').count()).toBe(0);
    expect(await page.locator('[data-testid="validation-error"]').count()).toBe(0);
  });

  it('coming back to the canvas shows it at once where the user left it, without moving under the pointer; Fit view still fits', async () => {
    const { page } = studio.browser;
    const viewport = () => page.locator('.react-flow__viewport').getAttribute('style');
    await page.click('[data-testid="fit-view-button"]');
    await page.waitForTimeout(400);
    const fitted = await viewport();
    await showPanel(page, 'training');
    await showPanel(page, 'canvas');
    const seen: (string | null)[] = [];
    for (let i = 0; i < 20; i++) { seen.push(await viewport()); await page.waitForTimeout(20); }
    expect(new Set(seen)).toEqual(new Set([fitted]));
    // Pan away by dragging the pane.
    const pane = page.locator('.react-flow__pane');
    const box = (await pane.boundingBox())!;
    await page.mouse.move(box.x + 30, box.y + 30);
    await page.mouse.down();
    await page.mouse.move(box.x + 230, box.y + 130, { steps: 5 });
    await page.mouse.up();
    const panned = await viewport();
    expect(panned).not.toBe(fitted);
    // Left panned, the canvas comes back panned; Fit view brings the whole model back.
    await showPanel(page, 'training');
    await showPanel(page, 'canvas');
    expect(await viewport()).toBe(panned);
    await page.click('[data-testid="fit-view-button"]');
    await expect.poll(viewport).toBe(fitted);
  });

  it('adds a layer after the selected one, connected, with its shape inferred', async () => {
    const { page } = studio.browser;
    await selectLayer(page, 'hidden_2');
    await page.click('[data-testid="palette-item-Dense"]');
    await expect.poll(() => page.locator('[data-testid="canvas-node-dense"]').count()).toBe(1);
    expect(await page.locator('[data-testid="validation-error"]').count()).toBe(0);
    // Connected from hidden_2 (16 values): a new Dense of 32 units has 16·32+32 weights.
    await expect.poll(() => nodeText('dense')).toContain('544 params');
    await page.click('[data-testid="undo-button"]');
    await expect.poll(() => page.locator('[data-testid="canvas-node-dense"]').count()).toBe(0);
  });

  it('updates the shapes downstream when a parameter changes in the inspector, and undoes it', async () => {
    const { page } = studio.browser;
    await selectLayer(page, 'hidden_1');
    const units = page.locator('[data-testid="param-units"]');
    await units.fill('8');
    await units.press('Enter');
    // hidden_1: 4·8+8 = 40; hidden_2 now reads 8 values: 8·16+16 = 144.
    await expect.poll(() => nodeText('hidden_1')).toContain('40 params');
    await expect.poll(() => nodeText('hidden_2')).toContain('144 params');
    await screenshot(page, 'canvas-inspector');
    // An out-of-range value is refused in the form and changes nothing.
    await units.fill('0');
    await units.press('Enter');
    await expect.poll(() => page.locator('[data-testid="param-error"]').count()).toBe(1);
    expect(await nodeText('hidden_1')).toContain('40 params');

    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeText('hidden_2')).toContain('272 params');
    expect(await nodeText('hidden_1')).toContain('80 params');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => nodeText('hidden_2')).toContain('144 params');
    expect(studio.browser.pageErrors).toEqual([]);
  });

  it('a model too large to train is not called valid: the status bar and the Training panel say why, with the limit', async () => {
    const { page } = studio.browser;
    const setUnits = async (layer: string, value: string) => {
      await page.click(`[data-testid="canvas-node-${layer}"]`);
      const units = page.locator('[data-testid="param-units"]');
      await units.fill(value);
      await units.press('Enter');
    };
    // 4·1,000,000 + 1,000,000 + 1,000,000·1,000 + 1,000 + … ≈ 1 billion parameters: 3.7 GB of weights.
    await setUnits('hidden_1', '1000000');
    await setUnits('hidden_2', '1000');
    const problem = page.locator('[data-testid="readiness-problem"]');
    await expect.poll(() => problem.count()).toBe(1);
    expect(await problem.textContent()).toMatch(/Not ready to train: the model has 1,005,004,003 parameters \(3\.7 GB of weights\), too many to train here/);
    expect(await page.locator('[data-testid="model-valid"]').count()).toBe(0);
    await screenshot(page, 'canvas-too-large');
    await showPanel(page, 'training');
    expect(await page.locator('[data-testid="train-button"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid="training-panel"] [role="alert"]').textContent()).toMatch(/too many to train here[\s\S]*268,435,456 parameters/);
    await showPanel(page, 'canvas');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-testid="model-valid"]').count()).toBe(1);
    expect(studio.browser.pageErrors).toEqual([]);
  });
});
