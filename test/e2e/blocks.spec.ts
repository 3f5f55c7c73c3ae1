// End to end: blocks in the browser studio — select the Transformer template's encoder layers, Make block,
// see one node with the shape and parameter count flowing through it, expand it, undo back, and add the
// built-in TransformerEncoder from the palette.
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, screenshot, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] blocks.spec.ts skipped: ${skip}`);

const encoder = ['self_attention', 'attention_residual', 'attention_norm', 'feed_forward', 'feed_forward_out', 'feed_forward_residual', 'block_output'];

describe.skipIf(skip !== null)('blocks in the browser studio', () => {
  const studio = useStudio('blocks');

  it('makes a block of selected layers, shows its shape and weights, saves it to My blocks, expands it, undoes, and drops the built-in encoder', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-transformer-intent"]');
    await openTemplate(page, 'transformer-intent', 'message');
    const node = (name: string) => page.locator(`[data-testid="canvas-node-${name}"]`);
    await node('self_attention').waitFor();
    const paramsText = async (name: string) => (await node(name).locator('.mw-node-count').textContent())?.trim();
    const total = await page.locator('[data-testid="total-params"]').textContent();

    await node(encoder[0]).click();
    for (const name of encoder.slice(1)) await node(name).click({ modifiers: ['Control'] });
    await page.click('[data-testid="make-block-button"]');
    const block = node('block');
    await block.waitFor();
    for (const name of encoder) expect(await node(name).count()).toBe(0);
    expect(await block.locator('[data-testid="node-output-shape"]').textContent()).toBe('[24, 32]');
    // Attention 4,224 + two LayerNormalizations 64 each + Dense 2,112 and 2,080 = 8,544 weights.
    expect(await paramsText('block')).toBe('8,544 params');
    expect(await node('average_over_words').locator('[data-testid="node-output-shape"]').textContent()).toBe('[32]');
    expect(await page.locator('[data-testid="validation-error"]').count()).toBe(0);
    expect(await page.locator('[data-testid="total-params"]').textContent()).toBe(total);
    await screenshot(page, 'blocks-made');

    // Save it to My blocks twice: the palette lists it, at version 2 after the second save.
    await page.fill('[data-testid="save-block-name"]', 'MyEncoder');
    await page.click('[data-testid="save-block-button"]');
    await expect.poll(() => page.locator('[data-testid="save-block-message"]').textContent()).toBe('Saved to My blocks as MyEncoder, version 1.');
    await page.click('[data-testid="save-block-button"]');
    await expect.poll(() => page.locator('[data-testid="save-block-message"]').textContent()).toBe('Saved to My blocks as MyEncoder, version 2.');
    const mine = page.locator('[data-testid="palette-myblock-MyEncoder"]');
    await expect.poll(() => mine.locator('.mw-palette-desc').textContent()).toMatch(/^My block, version 2 · 7 layers/);
    await page.fill('[data-testid="save-block-name"]', '../x');
    await page.click('[data-testid="save-block-button"]');
    await expect.poll(() => page.locator('[data-testid="save-block-message"]').textContent()).toBe('"../x" cannot name a block: a block name starts with a letter and has at most 64 letters, digits, "_" or "-".');
    await mine.scrollIntoViewIfNeeded();
    await screenshot(page, 'blocks-saved');
    await node('block').click();

    await page.click('[data-testid="expand-block-button"]');
    await node('self_attention').waitFor();
    expect(await block.count()).toBe(0);
    expect(await page.locator('[data-testid="make-block-button"]').textContent()).toBe('Collapse block block');
    await screenshot(page, 'blocks-expanded');

    // Undo the expansion: the block is back; undo again: the layers as the template had them.
    await page.keyboard.press('Control+z');
    await block.waitFor();
    await page.keyboard.press('Control+z');
    await node('self_attention').waitFor();
    expect(await block.count()).toBe(0);

    await page.click('[data-testid="palette-block-TransformerEncoder"]');
    const dropped = node('transformer_encoder');
    await dropped.waitFor();
    expect(await dropped.locator('.mw-node-params').textContent()).toBe('TransformerEncoder v1 · 7 layers');
    await screenshot(page, 'blocks-builtin');
    expect(studio.browser.pageErrors).toEqual([]);
  }, 240_000);
});
