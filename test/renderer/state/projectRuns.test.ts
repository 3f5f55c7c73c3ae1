import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { Emitter } from '../../../app/api/events.ts';
import type { TrainingOutcome, TrainingProgress, TrainingStarted } from '../../../app/api/types.ts';
import { newProject } from '../../../app/project/document.ts';
import { createProjectStore } from '../../../renderer/state/projectStore.ts';
import { connectProjectRuns, runBelongsTo } from '../../../renderer/state/projectRuns.ts';
import type { RunSelectionState } from '../../../renderer/state/runSelection.ts';
import { TrainingSession } from '../../../renderer/state/trainingSession.ts';

function setup() {
  const finish = new Emitter<TrainingOutcome>();
  let resolveStart!: (s: TrainingStarted) => void;
  const api = {
    training: {
      start: () => new Promise<TrainingStarted>((res) => { resolveStart = res; }),
      stop: async () => {}, listActive: async () => [],
      onDidProgress: new Emitter<TrainingProgress>().event, onDidFinish: finish.event, onDidStart: new Emitter<TrainingStarted>().event,
    },
  } as unknown as ModelwrightApi;
  const session = new TrainingSession({ request: () => {} });
  session.attach(api);
  const store = createProjectStore();
  const selection = createStore<RunSelectionState>()(() => ({ focusedRunId: null, compareIds: [] }));
  const disconnect = connectProjectRuns(store, session, selection);
  const train = async (runId: number) => {
    const started = session.start({ graph: { layers: [], connections: [] } });
    resolveStart({ runId, name: `run ${runId}` } as TrainingStarted);
    await started;
  };
  return { session, store, selection, finish, train, disconnect };
}

describe('the run panels follow the open project', () => {
  it('focuses a run when it ends, whichever tab started it', async () => {
    const t = setup();
    await t.train(5);
    t.finish.fire({ runId: 5, status: 'completed', message: 'trained' } as TrainingOutcome);
    expect(t.session.state.phase).toBe('finished');
    expect(t.selection.getState().focusedRunId).toBe(5);
    t.disconnect();
  });

  it('forgets the previous project\'s finished run and focused run when a project is opened or created', async () => {
    const t = setup();
    t.store.getState().openDocument(newProject('First'), null);
    await t.train(5);
    t.finish.fire({ runId: 5, status: 'completed', message: 'trained' } as TrainingOutcome);
    // Editing the project changes nothing.
    t.store.getState().commit('renameProject', 'Rename', { patch: { fields: [{ key: 'name', before: 'First', after: 'Renamed' }] } });
    expect(t.session.state).toMatchObject({ phase: 'finished', runId: 5 });
    t.store.getState().openDocument(newProject('Second'), null);
    expect(t.session.state).toMatchObject({ phase: 'idle', runId: null, outcome: null });
    expect(t.selection.getState().focusedRunId).toBeNull();
    t.disconnect();
  });

  it('keeps a run that is still training in view (it can still be stopped) when another project opens', async () => {
    const t = setup();
    await t.train(9);
    t.store.getState().openDocument(newProject('Other'), null);
    expect(t.session.state).toMatchObject({ phase: 'running', runId: 9 });
    t.disconnect();
  });

  it('counts a run as the project\'s own only when it has the project\'s name and started after the project was made', () => {
    const doc = newProject('Untitled', { now: '2026-12-05T08:00:00.000Z' });
    const run = (project: string | null, startedAt: string) => ({ project, startedAt, createdAt: startedAt });
    expect(runBelongsTo(run('Untitled', '2026-12-05T08:01:00.000Z'), doc)).toBe(true);
    expect(runBelongsTo(run('Untitled', '2026-12-05T07:59:00.000Z'), doc)).toBe(false);
    expect(runBelongsTo(run('Other', '2026-12-05T08:01:00.000Z'), doc)).toBe(false);
    expect(runBelongsTo(run('Untitled', '2026-12-05T08:01:00.000Z'), null)).toBe(false);
  });
});
