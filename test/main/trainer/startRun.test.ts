// The run starter shared by the training service and the `train` command: it names the run, gives the
// trainer a job id and a model folder, and records the run. A stand-in trainer (a TrainerLauncher that
// answers the protocol at once) keeps these tests to the starter's own decisions; the real trainer
// process is driven in supervisor.test.ts and through the service and the CLI.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetBinding } from '../../../app/data/binding.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { failedResult, type TrainingJob, type TrainingResult } from '../../../app/training/protocol.ts';
import { openStore, type ExperimentStore } from '../../../main/store/experimentStore.ts';
import { graphRefusal, startRun } from '../../../main/trainer/startRun.ts';
import { TrainingSupervisor, type TrainerHandle, type TrainerLauncher } from '../../../main/trainer/supervisor.ts';

/** A trainer that starts and ends each job as `outcome` says, recording the jobs it was given. */
function standIn(outcome: 'completed' | 'fails-before-start'): { launcher: TrainerLauncher; jobs: TrainingJob[] } {
  const jobs: TrainingJob[] = [];
  const launcher: TrainerLauncher = {
    launch(): TrainerHandle {
      const listeners: ((m: unknown) => void)[] = [];
      const emit = (m: unknown) => setImmediate(() => listeners.forEach((l) => l(m)));
      emit({ type: 'ready', pid: 1 });
      return {
        pid: 1,
        send(message) {
          const m = message as { type: string; job: TrainingJob };
          if (m.type !== 'start') return;
          jobs.push(m.job);
          if (outcome === 'fails-before-start') {
            emit({ type: 'done', result: failedResult(m.job.runId, m.job.config.epochs, 'the data file has no rows', 'choose another file') });
            return;
          }
          emit({ type: 'started', backend: 'cpu', tried: [], loss: 'meanSquaredError', lossExplanation: 'x', trainSamples: 8, validationSamples: 0, testSamples: 0, warnings: [] });
          const result: TrainingResult = { ...failedResult(m.job.runId, 1, ''), status: 'completed', message: 'trained 1 epoch', backend: 'cpu', epochsCompleted: 1, modelDir: m.job.outputDir ?? null };
          emit({ type: 'done', result });
        },
        onMessage(listener) { listeners.push(listener); },
        onExit() {},
        kill() {},
      };
    },
  };
  return { launcher, jobs };
}

let dir: string;
let store: ExperimentStore;
const graph = projectFromTemplate(getTemplate('regression')!, { name: 'Houses' }).graph;
const config = makeTrainingConfig();
const binding = { source: 'builtin:housing', target: 'price' } as DatasetBinding;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-start-run-'));
  store = openStore(join(dir, 'history.db'));
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('startRun', () => {
  it('names the run, saves the model in a new folder of the history (owned by the run) and records it', async () => {
    const { launcher, jobs } = standIn('completed');
    const supervisor = new TrainingSupervisor({ launcher });
    const first = startRun(store, supervisor, { origin: 'api', graph, config, binding, project: 'Houses' });
    const second = startRun(store, supervisor, { origin: 'api', graph, config, binding, project: 'Houses', name: '  ' });
    const [a, b] = await Promise.all([first.recorded.done, second.recorded.done]);

    expect(first.name).toBe('Houses on housing');
    expect(second.name).toBe(first.name);
    expect(jobs.map((j) => j.runId)).toEqual([expect.stringMatching(/^api-/), expect.stringMatching(/^api-/)]);
    expect(jobs[0].runId).not.toBe(jobs[1].runId);
    expect(first.modelDir).toMatch(new RegExp(`^${store.artifactRoot}/model-`));
    expect(first.modelDir).not.toBe(second.modelDir);
    expect(jobs[0].outputDir).toBe(first.modelDir);

    const run = store.getRun(a.runId);
    expect(run).toMatchObject({ name: 'Houses on housing', project: 'Houses', status: 'completed', backend: 'cpu' });
    expect(run.artifacts).toMatchObject([{ kind: 'model', path: first.modelDir, owned: true }]);
    expect(store.getRun(b.runId).status).toBe('completed');
  });

  it('takes the given name, the caller\'s model folder (not owned) and the data as the trainer reads it', async () => {
    const { launcher, jobs } = standIn('completed');
    const out = join(dir, 'my-model');
    const readAs = { binding: { ...binding, source: join(dir, 'houses.csv') }, baseDir: dir };
    const started = startRun(store, new TrainingSupervisor({ launcher }), {
      origin: 'cli', graph, config, binding, data: readAs, name: ' first try ', outputDir: out,
    });
    const { runId } = await started.recorded.done;
    expect(started.name).toBe('first try');
    expect(jobs[0].runId).toMatch(/^cli-/);
    expect(jobs[0].data).toMatchObject({ kind: 'binding', binding: readAs.binding, baseDir: dir });
    const run = store.getRun(runId);
    expect(run.datasetBinding?.source).toBe(readAs.binding.source);
    expect(run.artifacts).toMatchObject([{ kind: 'model', path: out, owned: false }]);
  });

  it('records a run that fails before it starts as failed, with the reason and the advice', async () => {
    const { launcher } = standIn('fails-before-start');
    const started = startRun(store, new TrainingSupervisor({ launcher }), { origin: 'cli', graph, config, binding });
    const { runId, result } = await started.recorded.done;
    expect(result).toMatchObject({ status: 'failed', message: 'the data file has no rows', advice: 'choose another file', epochsCompleted: 0, modelDir: null });
    const run = store.getRun(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toBe('the data file has no rows; choose another file');
    expect(run.artifacts).toEqual([]);
  });
});

describe('graphRefusal', () => {
  it('accepts a template and refuses a graph without layers, in the readiness check\'s words', () => {
    expect(graphRefusal(graph, config)).toBeUndefined();
    const refusal = graphRefusal({ ...graph, layers: [], connections: [] }, config);
    expect(refusal?.severity).toBe('error');
    expect(refusal?.message).toMatch(/\w/);
  });
});
