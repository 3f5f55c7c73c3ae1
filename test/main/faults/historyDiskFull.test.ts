// Fault injection: the disk under the history fills up in the middle of `modelwright train` (a small tmpfs
// holds the database; the model goes to --out elsewhere). The model must still be saved, the command must
// say so in one plain line with exit 2, and the epochs it could not record, its result and the link to
// its saved model must reach the history once there is room again: nothing silently lost.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { startCli } from './harness.ts';

const work = mkdtempSync(join(tmpdir(), 'mw-fault-history-'));

function mountSmallDisk(): string | null {
  const mountPoint = join(work, 'history');
  mkdirSync(mountPoint);
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint], { encoding: 'utf8' });
  if (result.status !== 0) {
    console.warn(`history disk-full test skipped: cannot mount a tmpfs here (${(result.stderr || result.error?.message || 'no mount').trim()}); run as root to include it`);
    return null;
  }
  return mountPoint;
}

const disk = mountSmallDisk();

afterAll(() => {
  if (disk) spawnSync('umount', [disk]);
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!disk)('a full disk under the history during training', () => {
  it('model saved, one line "history not updated: disk full", exit 2; the run completes in the history once there is room', async () => {
    const db = join(disk!, 'history.db');
    const out = join(work, 'model');
    const file = join(work, 'iris.mwproj');
    writeFileSync(file, serializeProject(projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' })));
    const epochs = 30;
    const train = startCli(['train', file, '--epochs', String(epochs), '--backend', 'cpu', '--db', db, '--out', out]);
    await train.waitFor(/epoch 3\/30/, 'stderr', 60_000);
    // Hold the recording process while the disk fills, so the rest of the run meets a full disk.
    process.kill(train.child.pid!, 'SIGSTOP');
    spawnSync('dd', ['if=/dev/zero', `of=${join(disk!, 'filler')}`, 'bs=64k', 'count=1000'], { stdio: 'ignore' });
    expect(spawnSync('df', ['--output=avail', disk!], { encoding: 'utf8' }).stdout).toMatch(/\n\s*0\s*$/);
    process.kill(train.child.pid!, 'SIGCONT');

    const { code } = await train.exited;
    expect(code, train.stderr()).toBe(2);
    const last = train.stderr().trim().split('\n').at(-1)!;
    const match = /^modelwright train: model saved at (.+); history not updated: disk full \((.+)\); run (\d+)'s metrics and result are kept in (.+history-pending\.json) and added to the history the next time modelwright opens it with room to write$/.exec(last);
    expect(match, train.stderr()).not.toBeNull();
    const [, savedAt, history, runIdText, pendingFile] = match!;
    expect(savedAt).toBe(out);
    expect(history).toBe(db);
    expect(train.stderr()).not.toMatch(/\n\s+at |unexpected error/);
    expect(readdirSync(out).sort()).toEqual(['history-pending.json', 'model.json', 'weights.bin']);
    expect(pendingFile).toBe(join(out, 'history-pending.json'));

    // Room again: the next open writes what was kept and links the run to its saved model.
    rmSync(join(disk!, 'filler'));
    const store = openStore(db, { mustExist: true });
    try {
      const runId = Number(runIdText);
      expect(store.completedFromPending).toEqual([runId]);
      const run = store.getRun(runId);
      expect(run.status).toBe('completed');
      // Every epoch the trainer reported (early stopping may end it before the 30th), the 18+ it could not record included.
      const trained = train.stderr().match(/^epoch \d+\/30 /gm)!.length;
      expect(trained).toBeGreaterThan(3);
      expect(run.epochMetrics.loss.map((p) => p.step)).toEqual(Array.from({ length: trained }, (_, i) => i));
      expect(run.artifacts.map((a) => [a.kind, a.path])).toEqual([['model', out]]);
      expect(run.evaluation?.task).toBe('classification');
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
    }
    expect(existsSync(pendingFile)).toBe(false);
  });
});
