// End to end in Chromium against `modelwright serve`: a run whose trainer was killed (kill -9) shows a
// Resume button in the Runs panel; clicking it continues the same run from its last checkpoint, the
// Training panel follows it to the end, and the history holds one completed run with every epoch once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../app/templates/index.ts';
import { openStore } from '../../main/store/experimentStore.ts';
import { startCli, trainerPid } from '../main/faults/harness.ts';
import { chromiumMissingReason, launchChromium, openTemplate, screenshot, showPanel, startServe, waitForTrained } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] resume.spec.ts skipped: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), 'mw-e2e-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skip !== null)('resuming a killed run from the studio', () => {
  it('Resume on a failed run continues it as the same run to its last epoch', async () => {
    const doc = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' });
    doc.training = { ...doc.training!, epochs: 40, earlyStopping: { ...doc.training!.earlyStopping!, enabled: false } };
    const file = join(dir, 'iris.mwproj');
    writeFileSync(file, serializeProject(doc));
    const db = join(dir, 'history.sqlite');
    const train = startCli(['train', file, '--backend', 'cpu', '--db', db]);
    await train.waitFor(/^epoch 6\/40/m, 'stderr');
    process.kill(await trainerPid(train.child.pid!), 'SIGKILL');
    expect((await train.exited).code).toBe(1);
    const runId = Number(/recorded as run (\d+)/.exec(train.stdout())![1]);

    const server = await startServe(db);
    const browser = await launchChromium();
    try {
      const { page } = browser;
      await page.goto(server.url);
      await page.waitForSelector('[data-testid="template-tabular-classifier"]');
      await openTemplate(page, 'tabular-classifier', 'measurements');
      await showPanel(page, 'runs');
      await page.click(`[data-testid="run-row-${runId}"]`);
      await page.waitForSelector('[data-testid="run-resume"]');
      await screenshot(page, 'resume-before');
      await page.click('[data-testid="run-resume"]');
      await page.waitForSelector('[data-testid="panel-training"]');
      await waitForTrained(page);
      await screenshot(page, 'resume-after');
      expect(browser.pageErrors).toEqual([]);
    } finally {
      await browser.close();
      expect(await server.stop()).toBe(0);
    }
    const store = openStore(db, { mustExist: true });
    try {
      expect(store.listRuns().runs.map((r) => r.id)).toEqual([runId]);
      const run = store.getRun(runId);
      expect(run.status).toBe('completed');
      expect(run.epochMetrics.loss.map((p) => p.step)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      store.close();
    }
  }, 300_000);
});
