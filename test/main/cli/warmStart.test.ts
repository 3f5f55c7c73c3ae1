// `modelwright train --warm-start RUN_ID` on the Iris template (cpu backend): the warm-started run starts
// at its parent's accuracy in its first epoch where a run from scratch does not, records its parent and
// the layers it took, skips layers of another size with the reason, and refuses what it cannot start from.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject, type ProjectDocument } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { childRuns, lineageOf } from '../../../main/store/lineage.ts';
import { expectOneLine, runCli } from './cliHarness.ts';
import { savedWeights as savedWeightsOf } from '../savedWeights.ts';

let dir: string;
let db: string;
const file = (name: string) => join(dir, name);

interface Trained {
  runId: number;
  history: Record<string, (number | null)[]>;
  parentRunId: number | null;
  warmStart: { fromRunId: number | null; layers: string[]; skipped: { name: string; reason: string }[] } | null;
}

function iris(edit: (p: ProjectDocument) => void = () => {}): string {
  const project = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' });
  project.training = { ...project.training!, earlyStopping: { ...project.training!.earlyStopping, enabled: false } };
  edit(project);
  return serializeProject(project);
}

/** Training accuracy per epoch (TF.js calls it `acc`). */
function accuracy(run: Trained): number[] {
  const key = Object.keys(run.history).find((k) => /^acc/.test(k))!;
  return run.history[key].map((v) => v ?? NaN);
}

async function train(project: string, ...flags: string[]): Promise<Trained & { stderr: string }> {
  const r = await runCli(['train', file(project), '--backend', 'cpu', '--db', db, '--json', ...flags]);
  expect(r.code, r.stderr).toBe(0);
  return { ...JSON.parse(r.stdout), stderr: r.stderr };
}

let parent: Trained;

/** Puts a BatchNormalization `norm` between hidden_1 and hidden_2 (frozen unless `trainable`). */
function withNorm(trainable: boolean): (p: ProjectDocument) => void {
  return (p) => {
    p.graph.layers.splice(2, 0, { id: 'norm', type: 'BatchNormalization', name: 'norm', params: {}, ...(trainable ? {} : { trainable: false }) });
    p.graph.connections = p.graph.connections.map((c) => (c.to === 'hidden2' ? { ...c, from: 'norm' } : c));
    p.graph.connections.push({ from: 'hidden1', to: 'norm', toSlot: 0 });
  };
}

const savedWeights = (runId: number, layer: string) => savedWeightsOf(db, runId, layer);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-warm-'));
  db = file('history.db');
  await writeFile(file('iris.mwproj'), iris());
  // hidden_2 narrower: hidden_2 and the output layer change shape, hidden_1 does not.
  await writeFile(file('narrow.mwproj'), iris((p) => { p.graph.layers.find((l) => l.name === 'hidden_2')!.params.units = 8; }));
  await writeFile(file('frozen.mwproj'), iris((p) => { p.graph.layers.find((l) => l.name === 'hidden_1')!.trainable = false; }));
  await writeFile(file('bn.mwproj'), iris(withNorm(true)));
  await writeFile(file('bn-frozen.mwproj'), iris(withNorm(false)));
  await writeFile(file('renamed.mwproj'), iris((p) => { for (const l of p.graph.layers) l.name = `other_${l.name}`; }));
  parent = await train('iris.mwproj', '--epochs', '40');
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('modelwright train --warm-start', () => {
  it('starts at the parent\'s accuracy (a run from scratch does not) and records the parent and the layers taken', async () => {
    const parentFinal = accuracy(parent).at(-1)!;
    expect(parentFinal).toBeGreaterThan(0.85);
    // One epoch at a small learning rate: a fresh model cannot get far, a warm-started one is already there.
    const warm = await train('iris.mwproj', '--epochs', '1', '--learning-rate', '0.001', '--warm-start', String(parent.runId));
    const scratch = await train('iris.mwproj', '--epochs', '1', '--learning-rate', '0.001');
    expect(accuracy(warm)[0]).toBeGreaterThan(parentFinal - 0.1);
    expect(accuracy(scratch)[0]).toBeLessThan(parentFinal - 0.2);
    expect(warm.stderr).toContain(`warm start from run ${parent.runId}: hidden_1, hidden_2, species initialized from its weights`);
    // --json says the same: the parent and the layers initialized from it; a run from scratch has neither.
    expect(warm.parentRunId).toBe(parent.runId);
    expect(warm.warmStart).toEqual({ fromRunId: parent.runId, layers: ['hidden_1', 'hidden_2', 'species'], skipped: [] });
    expect(scratch.parentRunId).toBeNull();
    expect(scratch.warmStart).toBeNull();
    expect(parent.warmStart).toBeNull();

    const store = openStore(db, { mustExist: true });
    try {
      expect(lineageOf(store, warm.runId)).toEqual({
        runId: warm.runId, kind: 'train', parentRunId: parent.runId,
        derivation: { warmStart: { fromRunId: parent.runId, layers: ['hidden_1', 'hidden_2', 'species'], skipped: [] } },
      });
      expect(lineageOf(store, scratch.runId).parentRunId).toBeNull();
      expect(childRuns(store, parent.runId).map((c) => c.runId)).toEqual([warm.runId]);
    } finally {
      store.close();
    }
  }, 120_000);

  it('initializes only the layers whose weight shapes match and says why the others start fresh', async () => {
    const narrow = await train('narrow.mwproj', '--epochs', '1', '--warm-start', String(parent.runId));
    expect(narrow.stderr).toContain('hidden_1 initialized from its weights; hidden_2 starts fresh: its weights have other shapes ([16, 8] [8] here, [16, 16] [16] in the saved model)');
    expect(narrow.warmStart?.layers).toEqual(['hidden_1']);
    expect(narrow.warmStart?.skipped.map((s) => s.name)).toEqual(['hidden_2', 'species']);
    const store = openStore(db, { mustExist: true });
    try {
      const { derivation } = lineageOf(store, narrow.runId);
      expect(derivation).toEqual({ warmStart: {
        fromRunId: parent.runId,
        layers: ['hidden_1'],
        skipped: [
          { name: 'hidden_2', reason: 'its weights have other shapes ([16, 8] [8] here, [16, 16] [16] in the saved model)' },
          { name: 'species', reason: 'its weights have other shapes ([8, 3] [3] here, [16, 3] [3] in the saved model)' },
        ],
      } });
    } finally {
      store.close();
    }
  }, 60_000);

  it('fine-tunes: a frozen layer\'s saved weights are bit-identical to its parent\'s after training, the others changed', async () => {
    const tuned = await train('frozen.mwproj', '--epochs', '3', '--learning-rate', '0.05', '--warm-start', String(parent.runId));
    const [frozenBefore, frozenAfter] = await Promise.all([savedWeights(parent.runId, 'hidden_1'), savedWeights(tuned.runId, 'hidden_1')]);
    frozenAfter.forEach((w, i) => expect(w.equals(frozenBefore[i])).toBe(true));
    for (const layer of ['hidden_2', 'species']) {
      const [before, after] = await Promise.all([savedWeights(parent.runId, layer), savedWeights(tuned.runId, layer)]);
      expect(after.some((w, i) => !w.equals(before[i])), layer).toBe(true);
    }
    const validated = await runCli(['validate', file('frozen.mwproj')]);
    expect(validated.stdout).toMatch(/hidden_1 +Dense \(frozen\)/);
    expect(validated.stdout).toMatch(/Total params: 403 .*, trainable: 323/);
  }, 60_000);

  it('fine-tunes with a frozen BatchNormalization: its moving mean and variance stay bit-identical (Keras inference mode)', async () => {
    const base = await train('bn.mwproj', '--epochs', '3');
    const tuned = await train('bn-frozen.mwproj', '--epochs', '3', '--learning-rate', '0.05', '--warm-start', String(base.runId));
    expect(tuned.warmStart?.layers).toContain('norm');
    const [before, after] = await Promise.all([savedWeights(base.runId, 'norm'), savedWeights(tuned.runId, 'norm')]);
    expect(after).toHaveLength(4); // gamma, beta, moving_mean, moving_variance
    after.forEach((w, i) => expect(w.equals(before[i]), `norm weight ${i}`).toBe(true));
    const [head, headAfter] = await Promise.all([savedWeights(base.runId, 'species'), savedWeights(tuned.runId, 'species')]);
    expect(headAfter.some((w, i) => !w.equals(head[i]))).toBe(true);
  }, 60_000);

  it('refuses an unknown run, a run without a saved model and a model with nothing in common, in one line with exit 2', async () => {
    // A run that failed before training (no such column) has no saved model.
    const failed = await runCli(['train', file('iris.mwproj'), '--target', 'nope', '--backend', 'cpu', '--db', db, '--json']);
    expect(failed.code).toBe(1);
    const failedId = JSON.parse(failed.stdout).runId as number;
    for (const [project, runId, pattern] of [
      ['iris.mwproj', '999', /no run 999/],
      ['iris.mwproj', String(failedId), new RegExp(`run ${failedId} has no saved model to start from`)],
      ['renamed.mwproj', String(parent.runId), new RegExp(`no layer of this model matches a layer of run ${parent.runId}`)],
      ['iris.mwproj', 'latest', /"latest" is not a run id/],
    ] as const) {
      const r = await runCli(['train', file(project), '--warm-start', runId, '--backend', 'cpu', '--db', db]);
      expect(r.code, `${runId}: ${r.stderr}`).toBe(2);
      expect(expectOneLine(r.stderr)).toMatch(pattern);
    }
  }, 60_000);
});
