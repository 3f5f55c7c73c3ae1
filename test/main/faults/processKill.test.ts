// Fault injection with real processes: kill -9 of the trainer mid-epoch and of the host (CLI `train`,
// `modelwright serve`) while it records, then the next start: the database opens and passes
// integrity_check, the run ends failed/interrupted with its metrics so far, every other run is untouched.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectDocument, TrainingOutcome } from '../../../app/api/contract.ts';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { expectOneLine, runCli } from '../cli/cliHarness.ts';
import { checkpointPath, lastCheckpoint } from '../../../main/model/checkpoint.ts';
import { readModelFolder } from '../../../main/model/modelFolder.ts';
import { historyChanges, isAlive, seedHistory, snapshotHistory, startCli, startServe, trainerPid } from './harness.ts';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'mw-fault-kill-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

/** The iris template as a project file; training goes on far longer than any test waits. */
function irisProject(): string {
  const path = join(dir, 'iris.mwproj');
  writeFileSync(path, serializeProject(projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' })));
  return path;
}

function longProject(doc: ProjectDocument): ProjectDocument {
  return { ...doc, training: { ...doc.training!, epochs: 100_000, backend: 'cpu' } };
}

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function soundHistory(db: string) {
  const store = openStore(db, { mustExist: true });
  expect(store.integrityCheck()).toBe('ok');
  return store;
}

describe('kill -9 of the trainer mid-epoch', () => {
  it('CLI train: exits 1 naming the kill, records the run as failed with the epochs so far, and the history stays usable', async () => {
    const db = join(dir, 'history.db');
    const earlier = seedHistory(db);
    const before = snapshotHistory(db, []);
    const train = startCli(['train', irisProject(), '--epochs', '100000', '--backend', 'cpu', '--db', db, '--out', join(dir, 'model')]);
    await train.waitFor(/^epoch 3\/100000/m, 'stderr');
    const pid = await trainerPid(train.child.pid!);
    process.kill(pid, 'SIGKILL');
    const { code } = await train.exited;
    expect(code, train.stderr()).toBe(1);
    expect(train.stdout()).toMatch(/^failed: .*SIGKILL/m);
    expect(train.stderr()).not.toMatch(/\n\s+at |Error:/);

    const store = soundHistory(db);
    try {
      const runs = store.listRuns({ sort: { by: 'id', direction: 'desc' } }).runs;
      const run = store.getRun(runs[0].id);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/SIGKILL/);
      expect(run.epochMetrics.loss.length).toBeGreaterThanOrEqual(3);
      expect(run.epochMetrics.loss.map((p) => p.step)).toEqual(run.epochMetrics.loss.map((_, i) => i));
      // The weights survive the kill: the last epoch's checkpoint, whole and loadable, in the run's recorded folder.
      expect(run.artifacts.map((a) => [a.kind, a.path])).toEqual([['output', join(dir, 'model')]]);
      const last = await lastCheckpoint(join(dir, 'model'));
      // A kill between the renames that swap a new checkpoint in leaves the previous one whole at last.old (the
      // recovery's second place to look, main/model/checkpoint.ts); either way one whole checkpoint is found.
      const lastDir = checkpointPath(join(dir, 'model'), 'last');
      expect([lastDir, `${lastDir}.old`]).toContain(last?.dir);
      // Epoch 3's line means epoch 2 finished training; its checkpoint may still be being written, epoch 2's (index 1) is whole.
      expect(last!.state.epoch).toBeGreaterThanOrEqual(1);
      expect(last!.state.epoch).toBeLessThanOrEqual(run.epochMetrics.loss.length);
      expect((await readModelFolder(last!.dir)).weightSpecs.length).toBeGreaterThan(0);
      const bestDir = checkpointPath(join(dir, 'model'), 'best');
      const best = await readModelFolder(bestDir).catch(() => readModelFolder(`${bestDir}.old`));
      expect(best.weightSpecs.length).toBeGreaterThan(0);
      expect(historyChanges(before, snapshotHistory(db, [run.id]))).toEqual([]);
      expect(earlier.every((id) => store.getRun(id).status === 'completed')).toBe(true);
    } finally {
      store.close();
    }
    const listed = await runCli(['runs', '--db', db, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((r: { status: string }) => r.status)).toEqual(['failed', 'completed', 'completed', 'completed']);
  });

  it('serve: the run is reported failed with its metrics, and the same host trains again', async () => {
    const db = join(dir, 'history.db');
    const serve = await startServe(db);
    try {
      const doc = longProject(await serve.api.projects.newFromTemplate('tabular-classifier'));
      let epochs = 0;
      let finished: TrainingOutcome | undefined;
      serve.api.training.onDidProgress((p) => { if (p.event.type === 'epoch') epochs++; });
      serve.api.training.onDidFinish((o) => { finished = o; });
      const { runId } = await serve.api.training.start(doc);
      await waitUntil(() => epochs >= 3, 'three epochs');
      process.kill(await trainerPid(serve.child.child.pid!), 'SIGKILL');
      await waitUntil(() => finished !== undefined, 'the run to finish');
      expect(finished).toMatchObject({ runId, status: 'failed' });
      expect(finished!.message).toMatch(/SIGKILL/);
      const run = await serve.api.runs.get(runId);
      expect(run.status).toBe('failed');
      expect(run.epochMetrics.loss.length).toBeGreaterThanOrEqual(3);

      // Still usable: another training starts and makes progress, and stopping it is honoured.
      const again = await serve.api.training.start({ ...doc, training: { ...doc.training!, epochs: 2 } });
      await waitUntil(() => finished?.runId === again.runId, 'the second run to finish', 60_000);
      expect(finished!.status).toBe('completed');
    } finally {
      serve.close();
      serve.child.child.kill('SIGINT');
      await serve.child.exited;
    }
    const store = soundHistory(db);
    store.close();
  });
});

describe('kill -9 of the host while it writes', () => {
  it('CLI train: on the next start the database opens, the run is interrupted with its metrics, nothing else changed, the orphaned trainer exits', async () => {
    const db = join(dir, 'history.db');
    seedHistory(db);
    const before = snapshotHistory(db, []);
    const train = startCli(['train', irisProject(), '--epochs', '100000', '--backend', 'cpu', '--db', db, '--out', join(dir, 'model')]);
    await train.waitFor(/^epoch 5\/100000/m, 'stderr');
    const trainer = await trainerPid(train.child.pid!);
    train.child.kill('SIGKILL');
    await train.exited;
    // Nobody is left to record what it learns: the orphaned trainer notices and exits.
    await waitUntil(() => !isAlive(trainer), 'the orphaned trainer to exit', 20_000);

    const listed = await runCli(['runs', '--db', db, '--json', '--sort', 'id:desc']);
    expect(listed.code, listed.stderr).toBe(0);
    const [killed] = JSON.parse(listed.stdout) as { id: number; status: string }[];
    expect(killed.status).toBe('interrupted');
    const store = soundHistory(db);
    try {
      const run = store.getRun(killed.id);
      expect(run.error).toMatch(/stopped before it finished/);
      expect(run.epochMetrics.loss.length).toBeGreaterThanOrEqual(5);
    } finally {
      store.close();
    }
    expect(historyChanges(before, snapshotHistory(db, [killed.id]))).toEqual([]);
  });

  it('serve: on the next start the run is interrupted, nothing else changed, and the restarted host serves it', async () => {
    const db = join(dir, 'history.db');
    seedHistory(db);
    const before = snapshotHistory(db, []);
    const serve = await startServe(db);
    let runId: number;
    try {
      const doc = longProject(await serve.api.projects.newFromTemplate('tabular-classifier'));
      let epochs = 0;
      serve.api.training.onDidProgress((p) => { if (p.event.type === 'epoch') epochs++; });
      runId = (await serve.api.training.start(doc)).runId;
      await waitUntil(() => epochs >= 5, 'five epochs');
    } finally {
      serve.close();
    }
    serve.child.child.kill('SIGKILL');
    await serve.child.exited;

    const again = await startServe(db);
    try {
      const run = await again.api.runs.get(runId);
      expect(run.status).toBe('interrupted');
      expect(run.epochMetrics.loss.length).toBeGreaterThanOrEqual(5);
    } finally {
      again.close();
      again.child.child.kill('SIGINT');
      await again.child.exited;
    }
    const store = soundHistory(db);
    store.close();
    expect(historyChanges(before, snapshotHistory(db, [runId]))).toEqual([]);
  });
});

describe('a damaged history the next start cannot use', () => {
  it('is never overwritten: train and serve refuse it in one line with the reset command, which keeps it as a backup', async () => {
    const db = join(dir, 'history.db');
    seedHistory(db);
    const bytes = readFileSync(db);
    // A crash of the disk, not of SQLite: the file ends mid-page.
    writeFileSync(db, bytes.subarray(0, bytes.length - 1000));
    const damaged = readFileSync(db);

    for (const args of [['runs'], ['train', irisProject(), '--epochs', '1', '--backend', 'cpu'], ['serve', '--no-build']]) {
      const run = await runCli([...args, '--db', db]);
      expect(run.code, run.stderr).toBe(2);
      const line = expectOneLine(run.stderr);
      expect(line).toMatch(/is damaged \(it is truncated.*keep it as a backup.*run: modelwright db reset --db \S+history\.db$/);
      expect((readFileSync(db)).equals(damaged)).toBe(true);
    }

    const check = await runCli(['db', 'check', '--db', db]);
    expect(check.code).toBe(1);
    expect(expectOneLine(check.stderr)).toMatch(/is damaged/);
    const reset = await runCli(['db', 'reset', '--db', db]);
    expect(reset.code, reset.stderr).toBe(0);
    const backup = /kept the old history as (\S+)/.exec(reset.stdout)![1];
    expect(backup).toMatch(/history\.db\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(readFileSync(backup).equals(damaged)).toBe(true);
    const fresh = await runCli(['runs', '--db', db, '--json']);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout)).toEqual([]);
    // A sound history is not reset by accident.
    const refused = await runCli(['db', 'reset', '--db', db]);
    expect(refused.code).toBe(2);
    expect(expectOneLine(refused.stderr)).toMatch(/is not damaged .* nothing was changed/);
  });
});
