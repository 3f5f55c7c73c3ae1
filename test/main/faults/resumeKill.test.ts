// Fault injection: kill -9 of the trainer mid-training, then `modelwright train --resume RUN_ID`. The
// killed run's weights survive as checkpoints; the resume continues the SAME run from its last checkpoint
// for the remaining epochs, and the run completes with its epochs continuing (none missing, none twice).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../app/api/errors.ts';
import { LocalHost } from '../../../app/api/localHost.ts';
import type { TrainingOutcome } from '../../../app/api/types.ts';
import { createServiceHost } from '../../../main/services/host.ts';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { lastCheckpoint } from '../../../main/model/checkpoint.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { expectOneLine, runCli } from '../cli/cliHarness.ts';
import { startCli, trainerPid } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'mw-fault-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kill -9 mid-training, then train --resume', () => {
  it('continues the same run from its last checkpoint and completes it with every epoch once', async () => {
    const doc = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' });
    const epochs = 40;
    // No early stopping: the run must go to its last epoch, so the count of epochs is known.
    doc.training = { ...doc.training!, epochs, earlyStopping: { ...doc.training!.earlyStopping!, enabled: false } };
    const file = join(dir, 'iris.mwproj');
    writeFileSync(file, serializeProject(doc));
    const db = join(dir, 'history.db');
    const out = join(dir, 'model');

    const train = startCli(['train', file, '--backend', 'cpu', '--db', db, '--out', out]);
    await train.waitFor(/^epoch 6\/40/m, 'stderr');
    process.kill(await trainerPid(train.child.pid!), 'SIGKILL');
    expect((await train.exited).code, train.stderr()).toBe(1);
    const runId = Number(/recorded as run (\d+)/.exec(train.stdout())![1]);
    const checkpoint = await lastCheckpoint(out);
    expect(checkpoint!.state.epoch).toBeGreaterThanOrEqual(3);

    const resumed = await runCli(['train', '--resume', String(runId), '--db', db, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming run ${runId} "`);
    expect(resumed.stderr).toContain(`after epoch ${checkpoint!.state.epoch + 1} of 40`);
    // Only the remaining epochs are trained, starting right after the checkpoint.
    const trained = [...resumed.stderr.matchAll(/^epoch (\d+)\/40 /gm)].map((m) => Number(m[1]));
    expect(trained).toEqual(Array.from({ length: epochs - checkpoint!.state.epoch - 1 }, (_, i) => checkpoint!.state.epoch + 2 + i));
    const result = JSON.parse(resumed.stdout);
    expect(result.runId).toBe(runId);
    expect(result.status).toBe('completed');
    expect(result.epochs).toBe(epochs);
    expect(result.modelDir).toBe(out);
    // The checkpoints go once the model is saved.
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);

    const store = openStore(db, { mustExist: true });
    try {
      expect(store.listRuns().runs.map((r) => r.id)).toEqual([runId]);
      const run = store.getRun(runId);
      expect(run.status).toBe('completed');
      expect(run.error).toBeNull();
      expect(run.epochMetrics.loss.map((p) => p.step)).toEqual(Array.from({ length: epochs }, (_, i) => i));
      // The weights were the checkpoint's, not new random ones: the first resumed epoch starts near where the
      // killed run was, well below the first epoch's loss.
      const loss = run.epochMetrics.loss.map((p) => p.value!);
      expect(loss[checkpoint!.state.epoch + 1]).toBeLessThan(loss[0] * 0.8);
      expect(run.artifacts.map((a) => [a.kind, a.path])).toEqual([['model', out]]);
      expect(run.evaluation?.task).toBe('classification');
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
    }

    // A completed run is not resumed again: one line, exit 2.
    const again = await runCli(['train', '--resume', String(runId), '--db', db]);
    expect(again.code).toBe(2);
    expect(expectOneLine(again.stderr)).toMatch(new RegExp(`run ${runId} is completed; only an interrupted or failed run can be resumed`));
    expect(existsSync(join(out, 'checkpoint'))).toBe(false);
  });

  it('the studio\'s Resume (training.resume over the API) continues the same run; a completed run is refused in words', async () => {
    const doc = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' });
    doc.training = { ...doc.training!, epochs: 30, earlyStopping: { ...doc.training!.earlyStopping!, enabled: false } };
    const file = join(dir, 'iris-api.mwproj');
    writeFileSync(file, serializeProject(doc));
    const db = join(dir, 'api.db');
    // Without --out: the model folder is the history's own (owned by the run).
    const train = startCli(['train', file, '--backend', 'cpu', '--db', db]);
    await train.waitFor(/^epoch 5\/30/m, 'stderr');
    process.kill(await trainerPid(train.child.pid!), 'SIGKILL');
    expect((await train.exited).code, train.stderr()).toBe(1);
    const runId = Number(/recorded as run (\d+)/.exec(train.stdout())![1]);

    const host = createServiceHost({ dbPath: db, dataDir: join(dir, 'api-data') });
    const local = new LocalHost(host.api);
    try {
      const finished = new Promise<TrainingOutcome>((resolve) => local.api.training.onDidFinish((f) => resolve(f)));
      const started = await local.api.training.resume(runId);
      expect(started.runId).toBe(runId);
      const outcome = await finished;
      expect(outcome.runId).toBe(runId);
      expect(outcome.status).toBe('completed');
      const run = await local.api.runs.get(runId);
      expect(run.status).toBe('completed');
      expect(run.epochMetrics.loss.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(run.artifacts.map((a) => [a.kind, a.owned])).toEqual([['model', true]]);
      const refused = await local.api.training.resume(runId).then(() => null, (e: unknown) => e);
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).code).toBe('failed');
      expect((refused as ApiError).message).toMatch(/is completed; only an interrupted or failed run can be resumed/);
    } finally {
      local.dispose();
      await host.dispose();
    }
  });
});
