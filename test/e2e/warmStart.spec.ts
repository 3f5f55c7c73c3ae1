// End to end in Chromium against `modelwright serve`: the Iris template trained once, then trained again
// with "Start from" set to that run (a warm start); Runs shows the new run indented under its parent in
// the lineage tree, and the history records the parent.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../main/store/experimentStore.ts';
import { lineageOf } from '../../main/store/lineage.ts';
import { chromiumMissingReason, openTemplate, screenshot, setSetting, showPanel, trainAndWait, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] warmStart.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('warm start in the browser studio', () => {
  const studio = useStudio('warm-start');

  it('starts a run from a trained run and shows it under its parent in Runs', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-tabular-classifier"]');
    await openTemplate(page, 'tabular-classifier', 'measurements');
    await showPanel(page, 'training');
    await setSetting(page, 'epochs', '6');
    await expect.poll(() => page.locator('[data-testid="setting-epochs"]').inputValue()).toBe('6');
    await trainAndWait(page);

    // The finished run is offered as a run to start from (the list refreshes when a run ends).
    const offered = page.locator('[data-testid="start-from"] option:not([value=""])');
    await offered.first().waitFor({ state: 'attached' });
    const parentId = Number(await offered.first().getAttribute('value'));
    await page.locator('[data-testid="start-from"]').selectOption(String(parentId));
    await screenshot(page, 'warm-start-choice');
    await trainAndWait(page);
    expect(await page.locator('[data-testid="warm-start-report"]').textContent())
      .toBe(`Started from run #${parentId}: hidden_1, hidden_2, species took its weights.`);
    await screenshot(page, 'warm-start-trained');

    await showPanel(page, 'runs');
    const child = page.locator('[data-testid="runs-lineage"] [data-depth="1"]');
    await child.waitFor();
    expect(await child.textContent()).toContain(`warm-started from #${parentId}`);
    const childId = Number((await child.getAttribute('data-testid'))!.replace('lineage-', ''));
    expect(childId).toBeGreaterThan(parentId);
    expect(await page.locator(`[data-testid="lineage-${parentId}"]`).getAttribute('data-depth')).toBe('0');
    await screenshot(page, 'warm-start-lineage');
    expect(studio.browser.pageErrors).toEqual([]);

    const store = openStore(studio.db, { mustExist: true });
    try {
      const lineage = lineageOf(store, childId);
      expect(lineage).toMatchObject({ kind: 'train', parentRunId: parentId, derivation: { warmStart: { fromRunId: parentId, layers: ['hidden_1', 'hidden_2', 'species'], skipped: [] } } });
    } finally {
      store.close();
    }
  }, 300_000);
});
