// Fault injection: a full disk (a tiny tmpfs, when this user may mount one) and a write error (a file
// size limit, RLIMIT_FSIZE, set on the child process with prlimit) while saving a project or a model:
// one clear line, the previous file byte-for-byte intact, no half-written temporary file left behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalHost } from '../../../app/api/localHost.ts';
import { ApiError } from '../../../app/api/errors.ts';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { createServiceHost } from '../../../main/services/host.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { expectOneLine, runCli } from '../cli/cliHarness.ts';
import { startCli } from './harness.ts';

const work = mkdtempSync(join(tmpdir(), 'mw-fault-disk-'));

/** Mounts a 256 KiB tmpfs (needs root or CAP_SYS_ADMIN); null, with the reason printed, when that is not possible. */
function mountTinyDisk(): string | null {
  const mountPoint = join(work, 'tiny');
  mkdirSync(mountPoint);
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { encoding: 'utf8' });
  if (result.status !== 0) {
    console.warn(`disk-full tests skipped: cannot mount a tmpfs here (${(result.stderr || result.error?.message || 'no mount').trim()}); run as root to include them`);
    return null;
  }
  return mountPoint;
}

const tiny = mountTinyDisk();
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
if (!hasPrlimit) console.warn('file-size-limit tests skipped: prlimit (util-linux) is not installed');

afterAll(() => {
  if (tiny) spawnSync('umount', [tiny]);
  rmSync(work, { recursive: true, force: true });
});

/** Fills the disk holding `dir` to the last block, so that any further write fails with ENOSPC. */
function fillDisk(dir: string): void {
  const filler = join(dir, 'filler');
  spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k', 'count=1000'], { stdio: 'ignore' });
  expect(spawnSync('df', ['--output=avail', dir], { encoding: 'utf8' }).stdout).toMatch(/\n\s*0\s*$/);
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => /\.tmp$/.test(f));
}

const project = (id: string) => serializeProject(projectFromTemplate(getTemplate(id)!, { name: id }));

describe.skipIf(!tiny)('a full disk', () => {
  it('modelwright new --force over a project: "the disk is full", exit 2, the previous project intact', async () => {
    const dir = join(tiny!, 'cli');
    mkdirSync(dir);
    const path = join(dir, 'moons.mwproj');
    writeFileSync(path, project('binary-classifier'));
    const before = readFileSync(path);
    fillDisk(dir);
    const run = await runCli(['new', 'tabular-classifier', '-o', path, '--force']);
    expect(run.code).toBe(2);
    expect(expectOneLine(run.stderr)).toMatch(/Could not save ".*moons\.mwproj": the disk is full\. The previous file, if any, is unchanged\./);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
    rmSync(join(dir, 'filler'));
  });

  it('saving a project from the studio (API): a failed error that says the disk is full, the previous file intact', async () => {
    const dir = join(tiny!, 'api');
    mkdirSync(dir);
    const host = createServiceHost({ dbPath: join(work, 'api.db'), dataDir: join(work, 'api-data') });
    const local = new LocalHost(host.api);
    try {
      const doc = await local.api.projects.newFromTemplate('tabular-classifier');
      const saved = await local.api.projects.saveAs(join(dir, 'iris'), doc);
      const before = readFileSync(saved.path);
      fillDisk(dir);
      const err = await local.api.projects.save(saved.path, { ...doc, name: 'Renamed while the disk is full' }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('failed');
      expect((err as ApiError).message).toMatch(/the disk is full.*previous file.*unchanged/);
      expect(readFileSync(saved.path).equals(before)).toBe(true);
      expect(leftovers(dir)).toEqual([]);
      rmSync(join(dir, 'filler'));
    } finally {
      local.dispose();
      await host.dispose();
    }
  });

  it('saving a trained model: the run fails with a plain reason, the model saved there before is intact, no .tmp left', async () => {
    const dir = join(tiny!, 'model');
    const db = join(work, 'model.db');
    const file = join(work, 'iris.mwproj');
    writeFileSync(file, project('tabular-classifier'));
    const first = await runCli(['train', file, '--epochs', '2', '--backend', 'cpu', '--db', db, '--out', dir]);
    expect(first.code, first.stderr).toBe(0);
    const before = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('hex')]));
    expect(Object.keys(before).sort()).toEqual(['model.json', 'weights.bin']);
    fillDisk(tiny!);
    const train = startCli(['train', file, '--epochs', '2', '--backend', 'cpu', '--db', db, '--out', dir, '--json']);
    const { code } = await train.exited;
    expect(code, train.stderr()).toBe(1);
    const out = JSON.parse(train.stdout());
    expect(out.status).toBe('failed');
    expect(out.message).toMatch(/^could not save the trained model in .*model: the disk is full; a model saved there before, if any, is unchanged/);
    expect(Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('hex')]))).toEqual(before);
    const store = openStore(db, { mustExist: true });
    try {
      expect(store.getRun(out.runId).status).toBe('failed');
      expect(store.getRun(out.runId).error).toMatch(/the disk is full/);
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
    }
    rmSync(join(tiny!, 'filler'));
  });
});

describe.skipIf(!hasPrlimit)('a write error (file size limit on the process)', () => {
  it.each([
    ['modelwright new --force', (path: string) => ['new', 'residual-cnn', '-o', path, '--force']],
    ['modelwright export -o', (path: string, source: string) => ['export', source, '--format', 'python', '-o', path]],
  ])('%s: one plain line, exit 2, the previous file intact, no temp file', async (_name, argsOf) => {
    const dir = mkdtempSync(join(work, 'fsize-'));
    const source = join(dir, 'source.mwproj');
    writeFileSync(source, project('tabular-classifier'));
    const path = join(dir, 'target.out');
    writeFileSync(path, 'the previous contents\n');
    const run = startCli(argsOf(path, source), { prefix: ['prlimit', '--fsize=600', '--'] });
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(2);
    expect(expectOneLine(run.stderr())).toMatch(/larger than this system allows \(file size limit\)/);
    expect(readFileSync(path, 'utf8')).toBe('the previous contents\n');
    expect(leftovers(dir)).toEqual([]);
    expect(existsSync(source)).toBe(true);
  });
});
