// End to end in Chromium against `modelwright serve`: three seeds of the table template (one split seed)
// ticked in the Runs panel, "Fuse…" with the weighted method, and the ensemble appears as a run with its
// test accuracy beside its members', recorded in the history as a run of kind `ensemble`; Try it answers
// with the fused model.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../app/templates/index.ts';
import { openStore } from '../../main/store/experimentStore.ts';
import { ensembleOf } from '../../main/store/ensembles.ts';
import { runCli } from '../main/cli/cliHarness.ts';
import { chromiumMissingReason, launchChromium, openTemplate, screenshot, showPanel, startServe } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] ensemble.spec.ts skipped: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), 'mw-e2e-ensemble-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skip !== null)('fusing runs in the studio', () => {
  it('ticks three seeds, fuses them, and shows the ensemble beside its members', async () => {
    const file = join(dir, 'iris.mwproj');
    writeFileSync(file, serializeProject(projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' })));
    const db = join(dir, 'history.sqlite');
    const members: number[] = [];
    for (const seed of [1, 2, 3]) {
      const r = await runCli(['train', file, '--seed', String(seed), '--split-seed', '7', '--epochs', '4', '--db', db, '--json']);
      expect(r.code, r.stderr).toBe(0);
      members.push(JSON.parse(r.stdout.trim().split('\n').pop()!).runId as number);
    }

    const server = await startServe(db);
    const browser = await launchChromium({ width: 1280, height: 900 });
    let ensembleId: number;
    try {
      const { page } = browser;
      await page.goto(server.url);
      await page.waitForSelector('[data-testid="template-tabular-classifier"]');
      await openTemplate(page, 'tabular-classifier', 'measurements');
      await showPanel(page, 'runs');
      for (const id of members) await page.check(`[data-testid="run-compare-${id}"]`);
      await page.click('[data-testid="fuse-button"]');
      await page.selectOption('[data-testid="fuse-method"]', 'weighted');
      await page.click('[data-testid="fuse-run"]');
      await page.waitForSelector('[data-testid="fuse-outcome"]', { timeout: 120_000 });
      const row = await page.textContent('[data-testid="fuse-ensemble-row"]');
      expect(row).toMatch(/weighted of runs/);
      expect(row).toMatch(/accuracy \d\.\d{4}/i);
      ensembleId = Number(/#(\d+)/.exec(row!)![1]);
      await page.waitForSelector(`[data-testid="run-row-${ensembleId}"]`);
      await screenshot(page, 'ensemble-fused');
      await page.click('[data-testid="fuse-show-run"]');
      await page.waitForSelector('[data-testid="run-details"]');
      expect(await page.inputValue('[data-testid="run-rename"]')).toBe(`weighted of runs ${members.join(', ')}`);
      expect(await page.textContent('[data-testid="run-ensemble"]')).toMatch(/Ensemble \(weighted\) of #1 \(weight [\d.]+\), #2/);
      await screenshot(page, 'ensemble-run');
      // Try it answers a real test row with the fused model, as for any run.
      await page.click('[data-testid="run-details"] >> text=Try it');
      await page.waitForSelector('[data-testid="panel-tryit"]');
      await page.waitForSelector('[data-testid="predicted-label"]', { timeout: 60_000 });
      expect(await page.textContent('[data-testid="predicted-label"]')).toMatch(/setosa|versicolor|virginica/);
      await screenshot(page, 'ensemble-tryit');
      expect(browser.pageErrors).toEqual([]);
    } finally {
      await browser.close();
      expect(await server.stop()).toBe(0);
    }
    const store = openStore(db, { mustExist: true });
    try {
      expect(ensembleOf(store, ensembleId)?.members.map((m) => m.runId)).toEqual(members);
      expect(store.getRun(ensembleId).test.accuracy).toBeGreaterThan(0.8);
    } finally {
      store.close();
    }
  }, 300_000);
});
