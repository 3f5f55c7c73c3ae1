// End to end in Chromium against `modelwright serve`: the digits CNN trained and pruned to 80% by the CLI;
// the Export panel's trade-off view of the original lists original, float16, uint8 and the pruned child
// with metric, sizes and latency, plots them, and "Export this" on the pruned row exports and verifies
// that run's model through the panel's own export; in Runs the child names its parent; and the panel's
// Prune form makes another pruned child without a terminal, which the re-measured table lists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../main/cli/cliHarness.ts';
import { chromiumMissingReason, launchChromium, openTemplate, screenshot, showPanel, startServe } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] tradeoffs.spec.ts skipped: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), 'mw-e2e-tradeoffs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skip !== null)('the trade-off view', () => {
  it('compares a run with its quantized and pruned variants and exports one', async () => {
    const db = join(dir, 'history.sqlite');
    const project = join(dir, 'digits.mwproj');
    expect((await runCli(['new', 'digit-recognizer', '-o', project])).code).toBe(0);
    const trained = await runCli(['train', project, '--epochs', '3', '--db', db, '--json']);
    expect(trained.code, trained.stderr).toBe(0);
    const parentId: number = JSON.parse(trained.stdout).runId;
    const pruned = await runCli(['prune', '--run', String(parentId), '--sparsity', '0.8', '--epochs', '2', '--db', db, '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    const childId: number = JSON.parse(pruned.stdout).runId;

    const server = await startServe(db);
    const browser = await launchChromium({ width: 1400, height: 900 });
    try {
      const { page } = browser;
      await page.goto(server.url);
      await page.waitForSelector('[data-testid="template-digit-recognizer"]');
      await openTemplate(page, 'digit-recognizer', 'image');
      await showPanel(page, 'export');
      await page.selectOption('[data-testid="run-picker"]', String(parentId));
      await page.click('[data-testid="tradeoff-measure"]');
      await page.waitForSelector('[data-testid="tradeoff-table"]', { timeout: 60_000 });
      const rows = page.locator('[data-testid="tradeoff-row"]');
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-variant')))).toEqual(['original', 'quantized', 'quantized', 'pruned']);
      const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      expect(cells.map((c) => c[0])).toEqual(['original (float32)', 'float16', 'uint8', 'pruned 80%']);
      expect(cells[3][1]).toBe(`#${childId}`);
      for (const c of cells) {
        expect(Number(c[2])).toBeGreaterThan(0.5); // test accuracy
        expect(c[5]).toMatch(/^\d+\.\d\d ms$/); // measured latency
      }
      // One plotted point per row, labelled.
      expect(await page.locator('[data-testid="tradeoff-point"]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')))).toEqual(['original (float32)', 'float16', 'uint8', 'pruned 80%']);
      await page.locator('[data-testid="tradeoff-view"]').scrollIntoViewIfNeeded();
      await screenshot(page, 'tradeoffs-size');
      await page.click('[data-testid="tradeoff-axis-latency"]');
      await page.waitForSelector('[data-testid="tradeoff-plot"][aria-label*="latency"]');

      // Export this: the pruned child, through the panel's export and verification.
      await rows.nth(3).locator('[data-testid="tradeoff-export"]').click();
      await page.waitForSelector('[data-testid="export-verification"]', { timeout: 60_000 });
      expect(await page.getAttribute('[data-testid="export-verification"]', 'data-passed')).toBe('true');
      expect(await page.textContent('[data-testid="export-result"]')).toContain(`run-${childId}-tfjs`);
      await screenshot(page, 'tradeoffs-exported');

      // In Runs, the pruned run names its parent and leads back to the parent's trade-offs.
      await showPanel(page, 'runs');
      await page.click(`[data-testid="run-row-${childId}"]`);
      expect(await page.textContent('[data-testid="run-parent"]')).toContain(`Pruned from run #${parentId}`);
      await screenshot(page, 'tradeoffs-runs-parent');
      await page.click('[data-testid="run-parent-tradeoffs"]');
      await page.waitForSelector('[data-testid="tradeoff-view"]');
      expect(await page.inputValue('[data-testid="run-picker"]')).toBe(String(parentId));

      // Prune from the panel (no terminal): the table is measured again and shows the new pruned row.
      await page.fill('[data-testid="prune-percent"]', '50');
      await page.fill('[data-testid="prune-epochs"]', '1');
      await page.click('[data-testid="prune-submit"]');
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="tradeoff-row"] td:first-child')].some((td) => td.textContent === 'pruned 50%'), null, { timeout: 120_000 });
      await page.waitForSelector('[data-testid="prune-submit"]:not([disabled])');
      const labels = await page.locator('[data-testid="tradeoff-row"] td:first-child').evaluateAll((tds) => tds.map((td) => td.textContent));
      expect(labels).toContain('pruned 80%');
      expect(labels).toContain('pruned 50%');
      await page.locator('[data-testid="tradeoff-view"]').scrollIntoViewIfNeeded();
      await screenshot(page, 'tradeoffs-pruned-in-studio');
      expect(browser.pageErrors).toEqual([]);
    } finally {
      await browser.close();
      expect(await server.stop()).toBe(0);
    }
  }, 300_000);
});
