// `modelwright sweep` as a user runs it, on the binary classifier template and its real two-moons table:
// a sweep finds settings at least as good as the template's, halving spends fewer epochs than random on
// the same trials, a sweep killed with SIGKILL resumes keeping its finished trials, and bad input is one line.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

let dir: string;
const file = (name: string) => join(dir, name);
const entry = fileURLToPath(new URL('../../../main/cli/modelwright.ts', import.meta.url));

interface SweepOut {
  sweepId: number;
  status: string;
  best: { runId: number; settings: Record<string, unknown>; test: Record<string, number> } | null;
  trials: { runId: number | null; status: string; settings: Record<string, unknown>; test: Record<string, number> | null; epochs: number }[];
  epochsSpent: number;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-cli-sweep-'));
  await writeFile(file('moons.mwproj'), serializeProject(projectFromTemplate(getTemplate('binary-classifier')!, { name: 'Moons' })));
  await writeFile(file('space.json'), JSON.stringify({
    'optimizer.learningRate': { logUniform: [0.001, 0.1] },
    batchSize: { choice: [16, 32, 64] },
    'layers.hidden_1.units': { choice: [8, 16, 32] },
  }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sweep(...args: string[]): Promise<SweepOut> {
  const run = await runCli(['sweep', file('moons.mwproj'), '--space', file('space.json'), '--parallel', '1', '--json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as SweepOut;
}

describe('modelwright sweep', () => {
  it('finds settings at least as good as the template defaults, every trial a run grouped under the sweep', async () => {
    const baseline = await runCli(['train', file('moons.mwproj'), '--db', file('best.db'), '--json']);
    expect(baseline.code, baseline.stderr).toBe(0);
    const defaults = JSON.parse(baseline.stdout).test as Record<string, number>;

    const out = await sweep('--trials', '4', '--db', file('best.db'));
    expect(out.status).toBe('completed');
    expect(out.trials).toHaveLength(4);
    expect(out.trials.every((t) => t.status === 'completed' && t.runId !== null && t.test !== null)).toBe(true);
    expect(out.best).not.toBeNull();
    expect(out.best!.test.accuracy).toBeGreaterThanOrEqual(defaults.accuracy);
    // The best is one of the trials, with its settings from the space.
    expect(out.trials.map((t) => t.runId)).toContain(out.best!.runId);
    expect([8, 16, 32]).toContain(out.best!.settings['layers.hidden_1.units']);

    const store = openStore(file('best.db'), { mustExist: true });
    try {
      for (const t of out.trials) {
        const run = store.getRun(t.runId!);
        expect(run.name).toMatch(new RegExp(`^sweep ${out.sweepId} #\\d+: `));
        expect(run.config.batchSize).toBe(t.settings.batchSize);
        expect(run.graph.layers.find((l) => l.name === 'hidden_1')!.params.units).toBe(t.settings['layers.hidden_1.units']);
      }
      const grouped = store.connection.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE sweep_id = ?').get(out.sweepId) as { n: number };
      expect(grouped.n).toBe(4);
    } finally {
      store.close();
    }
    // `runs --sweep` lists exactly the trials (the baseline run is not one of them).
    const listed = await runCli(['runs', '--sweep', String(out.sweepId), '--db', file('best.db'), '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const runs = JSON.parse(listed.stdout) as { id: number; sweep: { id: number; trial: number } }[];
    expect(runs.map((r) => r.id).sort((a, b) => a - b)).toEqual(out.trials.map((t) => t.runId));
    expect(runs.map((r) => r.sweep.trial).sort()).toEqual([0, 1, 2, 3]);
  }, 180_000);

  it('halving stops the worst trials early: fewer epochs than random on the same trials', async () => {
    const random = await sweep('--trials', '6', '--strategy', 'random', '--seed', '5', '--db', file('halving.db'));
    const halving = await sweep('--trials', '6', '--strategy', 'halving', '--seed', '5', '--db', file('halving.db'));
    expect(halving.trials.map((t) => t.settings)).toEqual(random.trials.map((t) => t.settings));
    expect(random.epochsSpent).toBe(6 * 40);
    expect(halving.trials.some((t) => t.status === 'pruned')).toBe(true);
    for (const t of halving.trials.filter((x) => x.status === 'pruned')) expect([4, 13]).toContain(t.epochs);
    expect(halving.epochsSpent).toBeLessThan(random.epochsSpent);
    // Pruned trials are still evaluated on the test rows (with the weights they had).
    expect(halving.trials.every((t) => t.test !== null)).toBe(true);
  }, 240_000);

  it('a sweep killed with SIGKILL resumes with --resume, keeping its finished trials', async () => {
    const db = file('killed.db');
    const child = spawn(process.execPath, [entry, 'sweep', file('moons.mwproj'), '--space', file('space.json'), '--trials', '5', '--parallel', '1', '--db', db],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no third trial in time:\n${err}`)), 120_000);
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        if (/trial 3\/5 started as run/.test(err)) { clearTimeout(timer); resolve(); }
      });
      child.on('exit', () => reject(new Error(`the sweep ended before it was killed:\n${err}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const sweepId = Number(/^sweep (\d+):/m.exec(err)![1]);
    const finishedBefore = [...err.matchAll(/^trial (\d)\/5 completed/gm)].map((m) => Number(m[1]));
    expect(finishedBefore).toEqual([1, 2]);
    const killedRun = Number(/trial 3\/5 started as run (\d+)/.exec(err)![1]);

    const run = await runCli(['sweep', '--resume', String(sweepId), '--parallel', '1', '--db', db, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as SweepOut;
    expect(out.status).toBe('completed');
    expect(out.trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed']);
    // Trials 1 and 2 were not trained again: the resumed sweep started only trials 3 to 5.
    expect(run.stderr).not.toMatch(/trial [12]\/5 started/);
    expect(run.stderr.match(/trial [345]\/5 started/g)).toHaveLength(3);
    expect(out.trials[2].runId).not.toBe(killedRun);

    const store = openStore(db, { mustExist: true });
    try {
      // The killed trial's run stays in the history as interrupted.
      expect(store.getRun(killedRun).status).toBe('interrupted');
      expect(out.trials.slice(0, 2).every((t) => store.getRun(t.runId!).status === 'completed')).toBe(true);
    } finally {
      store.close();
    }
    // Resuming a completed sweep trains nothing and prints it again.
    const again = await runCli(['sweep', '--resume', String(sweepId), '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).trials).toEqual(out.trials);
  }, 240_000);

  it('bad input ends with one line and exit 2, before any history is created', async () => {
    await writeFile(file('broken.json'), '{"batchSize": ');
    await writeFile(file('unknown.json'), '{"layers.hidden_9.units": {"choice": [8, 16]}}');
    const cases: [string[], RegExp][] = [
      [['--space', file('broken.json'), '--trials', '2'], /^modelwright sweep: --space .*broken\.json: the search space is not valid JSON/],
      [['--space', file('unknown.json'), '--trials', '2'], /^modelwright sweep: --space .*unknown\.json: layers\.hidden_9\.units: there is no layer named "hidden_9" \(the layers are: point, hidden_1, hidden_2, is_upper_moon\)$/],
      [['--space', file('nope.json'), '--trials', '2'], /--space: cannot read ".*nope\.json" \(no such file\)/],
      [['--space', file('space.json')], /give the number of trials with --trials N/],
      [['--space', file('space.json'), '--trials', '2', '--strategy', 'bayes'], /--strategy must be one of grid, random, halving/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['sweep', file('moons.mwproj'), ...args, '--db', file('bad.db')]);
      expect(run.code, run.stderr).toBe(2);
      expect(expectOneLine(run.stderr)).toMatch(message);
    }
    expect(existsSync(file('bad.db'))).toBe(false);
    const missing = await runCli(['sweep', '--resume', '99', '--db', file('best.db')]);
    expect(missing.code).toBe(2);
    expect(expectOneLine(missing.stderr)).toMatch(/there is no sweep 99/);
  });

  it('a metric the training never records ends the sweep after its first trial, naming the ones it does (exit 1)', async () => {
    // The classifier records accuracy, not a mean absolute error: no trial could ever be ranked on val_mae.
    const run = await runCli(['sweep', file('moons.mwproj'), '--space', file('space.json'), '--trials', '4', '--epochs', '2', '--parallel', '1',
      '--metric', 'val_mae', '--db', file('unrecorded.db'), '--json']);
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as SweepOut & { error: string | null };
    expect(out.status).toBe('failed');
    expect(out.trials.filter((t) => t.runId !== null)).toHaveLength(1);
    expect(out.error).toMatch(/^the trials' epochs do not record val_mae \(they record .*val_accuracy.*\): rank the trials on one of those, such as val_loss$/);
  });
});
