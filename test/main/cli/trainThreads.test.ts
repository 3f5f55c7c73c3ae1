// `--threads N` of train, sweep and bench as a user runs them: the run computes with N wasm threads (the
// trainer reports the backend's pool size), records N with its settings, and bad counts are one-line usage errors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

let dir: string;
const file = (name: string) => join(dir, name);
const cores = availableParallelism();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-cli-threads-'));
  await writeFile(file('iris.mwproj'), serializeProject(projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' })));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('modelwright train --threads', () => {
  it('computes with the threads asked for on wasm and records them with the run\'s settings', async () => {
    const n = Math.min(2, cores);
    const run = await runCli(['train', file('iris.mwproj'), '--epochs', '1', '--backend', 'wasm', '--threads', String(n), '--db', file('h.db'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    // `threads` is the pool size the wasm backend reports in the trainer process, not the number asked for.
    expect(out).toMatchObject({ status: 'completed', backend: 'wasm', threads: n });
    expect(run.stderr).toMatch(new RegExp(`^training on wasm with ${n} thread`, 'm'));
    const store = openStore(file('h.db'), { mustExist: true });
    try {
      expect(store.getRun(out.runId).config).toMatchObject({ threads: n });
    } finally {
      store.close();
    }
  }, 120_000);

  it('takes every core by default from the CLI', async () => {
    const run = await runCli(['train', file('iris.mwproj'), '--epochs', '1', '--backend', 'cpu', '--db', file('h.db'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    // The cpu backend is single-threaded whatever the setting; the setting recorded is the CLI's default.
    expect(out.threads).toBe(1);
    const store = openStore(file('h.db'), { mustExist: true });
    try {
      expect(store.getRun(out.runId).config).toMatchObject({ threads: cores });
    } finally {
      store.close();
    }
  }, 120_000);

  it.each([
    [['train', 'iris.mwproj', '--threads', '0']],
    [['train', 'iris.mwproj', '--threads', 'two']],
    [['train', 'iris.mwproj', '--threads', String(cores + 1)]],
    [['train', 'iris.mwproj', '--threads', '1.5']],
    [['sweep', 'iris.mwproj', '--space', 'space.json', '--trials', '1', '--threads', String(cores + 1)]],
    [['bench', '--threads', '0']],
  ])('refuses %j in one line with exit 2', async (args) => {
    const r = await runCli(args.map((a) => (a.endsWith('.mwproj') || a.endsWith('.json') ? file(a) : a)).concat(args[0] === 'bench' ? [] : ['--db', file('bad.db')]));
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toMatch(new RegExp(`--threads needs a whole number from 1 to ${cores} \\(the cores of this computer\\), got "`));
  });
});
