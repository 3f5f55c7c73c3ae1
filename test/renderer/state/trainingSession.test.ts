import { describe, expect, it } from 'vitest';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { Emitter } from '../../../app/api/events.ts';
import type { TrainingOutcome, TrainingProgress, TrainingStarted } from '../../../app/api/types.ts';
import type { ProgressEvent } from '../../../app/training/progress.ts';
import { TrainingSession } from '../../../renderer/state/trainingSession.ts';

const epoch = (e: number, loss: number): ProgressEvent => ({
  type: 'epoch', epoch: e, epochs: 3, batchesPerEpoch: 2, logs: { loss, val_loss: loss + 0.1 }, learningRate: 0.001, durationMs: 5,
  samplesPerSec: 50, etaMs: 100, tensors: 3, backend: 'cpu',
});

function fakeApi() {
  const progress = new Emitter<TrainingProgress>();
  const finish = new Emitter<TrainingOutcome>();
  let resolveStart!: (s: TrainingStarted) => void;
  let rejectStart!: (e: Error) => void;
  const stops: number[] = [];
  const api = {
    training: {
      start: () => new Promise<TrainingStarted>((res, rej) => { resolveStart = res; rejectStart = rej; }),
      stop: async (id: number) => { stops.push(id); },
      listActive: async () => [],
      onDidProgress: progress.event,
      onDidFinish: finish.event,
      onDidStart: new Emitter<TrainingStarted>().event,
    },
  } as unknown as ModelwrightApi;
  return { api, progress, finish, stops, resolve: (runId: number) => resolveStart({ runId, name: `run ${runId}`, backend: 'cpu' } as TrainingStarted), reject: (e: Error) => rejectStart(e) };
}

const outcome = (runId: number, status: TrainingOutcome['status']) => ({ runId, status, message: `ended ${status}`, advice: 'try again' } as TrainingOutcome);

describe('TrainingSession', () => {
  it('follows only its own run, keeps events that arrive before start resolves, and publishes once per frame', async () => {
    const f = fakeApi();
    const frames: (() => void)[] = [];
    const s = new TrainingSession({ request: (cb) => frames.push(cb) });
    s.attach(f.api);
    const started = s.start({ graph: { layers: [], connections: [] } });
    expect(s.state.phase).toBe('starting');
    f.progress.fire({ runId: 7, event: epoch(0, 1) });
    f.progress.fire({ runId: 8, event: epoch(0, 5) });
    f.resolve(7);
    await started;
    expect(s.state).toMatchObject({ phase: 'running', runId: 7 });
    f.progress.fire({ runId: 7, event: epoch(1, 0.5) });
    f.progress.fire({ runId: 8, event: epoch(1, 9) });
    expect(s.curves.charts.get('loss')!.columns[1]).toEqual([1, 0.5]);
    expect(frames.length).toBe(1);
    expect(s.state.progress).toBeNull();
    frames.shift()!();
    expect(s.state.progress).toEqual(epoch(1, 0.5));
    f.finish.fire(outcome(8, 'completed'));
    expect(s.state.phase).toBe('running');
    f.finish.fire(outcome(7, 'completed'));
    expect(s.state).toMatchObject({ phase: 'finished', error: null });
  });

  it('reports a run that cannot start, and a failed run, in plain words', async () => {
    const f = fakeApi();
    const s = new TrainingSession({ request: () => {} });
    s.attach(f.api);
    const p = s.start({ graph: { layers: [], connections: [] } });
    f.reject(new Error('Choose the data to train on first.'));
    await expect(p).rejects.toThrow(/data/);
    expect(s.state).toMatchObject({ phase: 'failed', error: 'Choose the data to train on first.' });
    const p2 = s.start({ graph: { layers: [], connections: [] } });
    f.resolve(3);
    await p2;
    f.finish.fire(outcome(3, 'failed'));
    expect(s.state).toMatchObject({ phase: 'failed', error: 'ended failed — try again' });
  });

  it('refuses a second start while training and stops the current run', async () => {
    const f = fakeApi();
    const s = new TrainingSession({ request: () => {} });
    s.attach(f.api);
    const p = s.start({ graph: { layers: [], connections: [] } });
    f.resolve(4);
    await p;
    await expect(s.start({ graph: { layers: [], connections: [] } })).rejects.toThrow(/already training/);
    await s.stop();
    expect(f.stops).toEqual([4]);
    expect(s.state.phase).toBe('stopping');
    f.finish.fire(outcome(4, 'stopped'));
    expect(s.state.phase).toBe('finished');
  });

  it('says what to do when there is no back end', async () => {
    const s = new TrainingSession({ request: () => {} });
    await expect(s.start({ graph: { layers: [], connections: [] } })).rejects.toThrow(/not connected/);
  });
});
