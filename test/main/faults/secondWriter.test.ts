// A second writer on the same history: CLI `train` beside `modelwright serve` training at the same time.
// Both runs finish with every epoch recorded, neither process reports a busy database or a lost write.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrainingOutcome } from '../../../app/api/contract.ts';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { startCli, startServe } from './harness.ts';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'mw-fault-writers-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

describe('a second writer', () => {
  it('CLI train beside the web host on the same database: both finish (the served run stopped on request), no busy errors, every epoch recorded', async () => {
    const db = join(dir, 'history.db');
    // The served run goes on until stopped, so it is writing for the whole CLI run; then it is stopped.
    const epochs = { serve: 100_000, cli: 40 };
    const serve = await startServe(db);
    let served: TrainingOutcome | undefined;
    let cliStderr: string | undefined;
    try {
      const doc = await serve.api.projects.newFromTemplate('tabular-classifier');
      serve.api.training.onDidFinish((o) => { served = o; });
      let serveEpochs = 0;
      serve.api.training.onDidProgress((p) => { if (p.event.type === 'epoch') serveEpochs++; });
      const { runId: servedId } = await serve.api.training.start({ ...doc, training: { ...doc.training!, epochs: epochs.serve, backend: 'cpu', earlyStopping: { ...doc.training!.earlyStopping, enabled: false } } });
      while (serveEpochs < 2) await new Promise((r) => setTimeout(r, 20));

      const file = join(dir, 'iris.mwproj');
      // Early stopping off (the template stops early): both runs must train every epoch they were given.
      const cliDoc = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'CLI' });
      cliDoc.training = { ...cliDoc.training!, earlyStopping: { ...cliDoc.training!.earlyStopping, enabled: false } };
      writeFileSync(file, serializeProject(cliDoc));
      const cli = startCli(['train', file, '--epochs', String(epochs.cli), '--backend', 'cpu', '--db', db, '--json']);
      const cliExit = (await cli.exited).code;
      cliStderr = cli.stderr();
      expect(cliExit, cliStderr).toBe(0);
      expect(JSON.parse(cli.stdout()).status).toBe('completed');
      expect(served, 'the served run ended before the CLI run: they did not overlap').toBeUndefined();
      await serve.api.training.stop(servedId);
      const start = Date.now();
      while (!served && Date.now() - start < 60_000) await new Promise((r) => setTimeout(r, 20));
      expect(served?.status).toBe('stopped');
    } finally {
      serve.close();
      serve.child.child.kill('SIGINT');
      await serve.child.exited;
    }
    for (const text of [cliStderr ?? '', serve.child.stderr()]) expect(text).not.toMatch(/busy|SQLITE|could not record|unexpected/i);

    const store = openStore(db, { mustExist: true });
    try {
      expect(store.integrityCheck()).toBe('ok');
      const runs = store.listRuns().runs;
      expect(runs.map((r) => r.status)).toEqual(['completed', 'stopped']);
      const [cliRun, serveRun] = runs.map((r) => store.getRun(r.id));
      expect(cliRun.epochMetrics.loss).toHaveLength(epochs.cli);
      // Every completed epoch; a stop mid-epoch may also record the epoch it interrupted.
      expect(serveRun.epochMetrics.loss.length - served!.epochsCompleted).toBeGreaterThanOrEqual(0);
      expect(serveRun.epochMetrics.loss.length - served!.epochsCompleted).toBeLessThanOrEqual(1);
      expect(served!.epochsCompleted).toBeGreaterThan(2);
    } finally {
      store.close();
    }
  });
});
