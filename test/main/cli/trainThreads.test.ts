// `--threads N` of train, sweep and bench as a user runs them: the run computes with N wasm threads (replicas
// of the model, or the threaded build for BatchNormalization), records N with its settings, says how the
// threads were used, and bad counts are one-line usage errors.
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
  await writeFile(file('digits.mwproj'), serializeProject(projectFromTemplate(getTemplate('digit-recognizer')!, { name: 'Digits' })));
  await writeFile(file('bn.json'), JSON.stringify({ class_name: 'Sequential', config: { name: 'bn', layers: [
    { class_name: 'Dense', config: { name: 'd1', units: 8, activation: 'relu', batch_input_shape: [null, 4] } },
    { class_name: 'BatchNormalization', config: { name: 'bn1' } },
    { class_name: 'Dense', config: { name: 'd2', units: 3, activation: 'softmax' } },
  ] } }));
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
    // `threads` is what the trainer process started, not the number asked for: here replicas of the model.
    expect(out).toMatchObject({ status: 'completed', backend: 'wasm', threads: n });
    if (n > 1) {
      expect(out.parallelism).toBe('replicas');
      // One epoch of 96 rows is too short to time splitting against not splitting, and the run says so.
      expect(out.parallelChoice).toMatch(/^the run was too short to time splitting each batch over 2 threads/);
      expect(run.stderr).toMatch(/^training on wasm with 2 threads \(each on part of every batch\)/m);
    }
    const store = openStore(file('h.db'), { mustExist: true });
    try {
      expect(store.getRun(out.runId).config).toMatchObject({ threads: n });
    } finally {
      store.close();
    }
  }, 120_000);

  it.runIf(cores > 1)('times its first steps on a CNN and then keeps the faster way, saying which', async () => {
    const run = await runCli(['train', file('digits.mwproj'), '--epochs', '1', '--backend', 'wasm', '--threads', '2', '--db', file('h.db'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.status).toBe('completed');
    // Which way wins depends on the machine; what is reported must match the way taken.
    if (out.threads === 2) {
      expect(out.parallelism).toBe('replicas');
      expect(out.parallelChoice).toMatch(/^each batch split over 2 threads \((\d+) of (\d+) steps split\); last timed at [\d.]+ ms per sample split against [\d.]+ on one thread$/);
      const [, split, of] = /\((\d+) of (\d+)/.exec(out.parallelChoice)!.map(Number);
      expect(split * 2).toBeGreaterThan(of);
    } else {
      expect(out).toMatchObject({ threads: 1, parallelism: null });
      expect(out.parallelChoice).toMatch(/^trained on one thread \(\d+ of \d+ steps split\): splitting each batch over 2 threads was not faster for this model; last timed at /);
    }
  }, 120_000);

  it.runIf(cores > 1)('runs a model with BatchNormalization on the threaded build, so it normalizes over the whole batch', async () => {
    const run = await runCli(['train', file('bn.json'), '--data', 'builtin:iris', '--epochs', '2', '--backend', 'wasm', '--threads', '2', '--db', file('h.db'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', threads: 2, parallelism: 'threaded-build' });
    expect(run.stderr).toMatch(/^training on wasm with 2 threads \(one model, its products split over threads\)/m);
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
