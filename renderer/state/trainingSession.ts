// The training run the studio is watching: starts and stops it through the API contract, routes its
// progress events into the chart buffers, and publishes the progress bar's state at most once a frame.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ModelwrightApi, ProjectInput } from '../../app/api/contract.ts';
import type { Disposable } from '../../app/api/events.ts';
import type { ActiveRun, TrainingOutcome, TrainingStarted } from '../../app/api/types.ts';
import type { ProgressEvent } from '../../app/training/progress.ts';
import { FrameScheduler, type FrameRequest } from '../ui/frameScheduler.ts';
import { TrainingCurves } from './chartBuffer.ts';

export type TrainingPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'finished' | 'failed';

export interface TrainingSessionState {
  phase: TrainingPhase;
  runId: number | null;
  runName: string | null;
  /** What the back end said when the run started: backend in use, loss, split sizes, warnings. */
  started: TrainingStarted | null;
  /** The newest progress event (published at most once per animation frame). */
  progress: ProgressEvent | null;
  /** How the run ended. */
  outcome: TrainingOutcome | null;
  /** Why the run could not start or failed, in plain words. */
  error: string | null;
}

const idle: TrainingSessionState = { phase: 'idle', runId: null, runName: null, started: null, progress: null, outcome: null, error: null };

/** Events of runs whose id is not known yet (start() has not resolved) are kept up to this many. */
const maxEarlyEvents = 500;

export class TrainingSession {
  readonly store: StoreApi<TrainingSessionState> = createStore<TrainingSessionState>()(() => idle);
  /** Buffers behind the live charts; mutated in place, announced through `onCurves`. */
  readonly curves: TrainingCurves;
  private api: ModelwrightApi | null = null;
  private subscriptions: Disposable[] = [];
  private readonly curveListeners = new Set<() => void>();
  private readonly publish: FrameScheduler;
  private latest: ProgressEvent | null = null;
  private early: { runId: number; event: ProgressEvent }[] = [];
  private earlyOutcomes = new Map<number, TrainingOutcome>();

  constructor(options: { request?: FrameRequest; maxPoints?: number } = {}) {
    this.curves = new TrainingCurves(options.maxPoints);
    this.publish = new FrameScheduler(() => {
      if (this.latest !== this.store.getState().progress) this.store.setState({ progress: this.latest });
    }, options.request);
  }

  /** Connects to a back end (again after a reconnect); events of other runs are ignored. */
  attach(api: ModelwrightApi | null): void {
    if (api === this.api) return;
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
    this.api = api;
    if (!api) return;
    this.subscriptions.push(
      api.training.onDidProgress(({ runId, event }) => this.onProgress(runId, event)),
      api.training.onDidFinish((outcome) => this.onFinish(outcome)),
    );
  }

  /** Listens for new chart data; the listener should schedule a redraw, not draw at once. */
  onCurves(listener: () => void): () => void {
    this.curveListeners.add(listener);
    return () => this.curveListeners.delete(listener);
  }

  get state(): TrainingSessionState {
    return this.store.getState();
  }

  get busy(): boolean {
    const { phase } = this.state;
    return phase === 'starting' || phase === 'running' || phase === 'stopping';
  }

  /** Starts training; resolves when the run has started or failed (the failure is in `state.error` and thrown). */
  async start(project: ProjectInput, options?: { runName?: string; tags?: string[]; warmStartRunId?: number }): Promise<TrainingStarted> {
    const api = this.requireApi();
    if (this.busy) throw new Error('A run is already training; stop it first or wait until it ends.');
    this.resetCurves();
    this.latest = null;
    this.early = [];
    this.earlyOutcomes.clear();
    this.store.setState({ ...idle, phase: 'starting' });
    try {
      const started = await api.training.start(project, options);
      this.store.setState({ phase: 'running', runId: started.runId, runName: started.name, started });
      for (const e of this.early) if (e.runId === started.runId) this.onProgress(e.runId, e.event);
      this.early = [];
      const finishedEarly = this.earlyOutcomes.get(started.runId);
      this.earlyOutcomes.clear();
      if (finishedEarly) this.onFinish(finishedEarly);
      return started;
    } catch (err) {
      this.store.setState({ ...idle, phase: 'failed', error: messageOf(err) });
      throw err;
    }
  }

  async stop(): Promise<void> {
    const { runId, phase } = this.state;
    if (runId === null || (phase !== 'running' && phase !== 'stopping')) return;
    this.store.setState({ phase: 'stopping' });
    try {
      await this.requireApi().training.stop(runId);
    } catch (err) {
      if (this.state.phase === 'stopping') this.store.setState({ phase: 'running' });
      throw err;
    }
  }

  /**
   * After a reload: follows a run that is still training, with its curves so far from the history.
   * Returns the adopted run, or null when nothing is training or a run is already being watched.
   */
  async adoptActive(): Promise<ActiveRun | null> {
    const api = this.requireApi();
    if (this.state.phase !== 'idle' && this.state.phase !== 'finished' && this.state.phase !== 'failed') return null;
    const [active] = await api.training.listActive();
    if (!active) return null;
    this.resetCurves();
    this.store.setState({ ...idle, phase: 'running', runId: active.runId, runName: active.name, progress: active.lastProgress });
    this.latest = active.lastProgress;
    try {
      const detail = await api.runs.get(active.runId);
      const epochs = Math.max(0, ...Object.values(detail.epochMetrics).map((points) => points.length));
      for (let e = 0; e < epochs; e++) {
        const logs: Record<string, number | null> = {};
        for (const [name, points] of Object.entries(detail.epochMetrics)) if (points[e]) logs[name] = points[e].value;
        this.curves.add({
          type: 'epoch', epoch: e, epochs: detail.config.epochs, batchesPerEpoch: 0, logs, learningRate: 0, durationMs: 0,
          samplesPerSec: 0, etaMs: 0, tensors: 0, backend: detail.backend,
        });
      }
      this.notifyCurves();
    } catch {
      // The curves so far are a nicety; new epochs still arrive.
    }
    return active;
  }

  /** The watched run was renamed (in the runs table): the top bar and the Training panel show the new name. */
  renamed(runId: number, name: string): void {
    if (this.state.runId === runId && this.state.runName !== name) this.store.setState({ runName: name });
  }

  /** Forgets a finished run (the panel shows its empty state again). */
  clear(): void {
    if (this.busy) return;
    this.resetCurves();
    this.latest = null;
    this.store.setState(idle);
  }

  dispose(): void {
    this.attach(null);
    this.publish.dispose();
  }

  private onProgress(runId: number, event: ProgressEvent): void {
    const state = this.state;
    if (state.phase === 'starting') {
      if (this.early.length < maxEarlyEvents) this.early.push({ runId, event });
      return;
    }
    if (runId !== state.runId || (state.phase !== 'running' && state.phase !== 'stopping')) return;
    this.curves.add(event);
    this.latest = event;
    this.publish.schedule();
    this.notifyCurves();
  }

  private onFinish(outcome: TrainingOutcome): void {
    const state = this.state;
    if (state.phase === 'starting') {
      this.earlyOutcomes.set(outcome.runId, outcome);
      return;
    }
    if (outcome.runId !== state.runId) return;
    this.store.setState({
      phase: outcome.status === 'failed' ? 'failed' : 'finished',
      outcome,
      progress: this.latest,
      error: outcome.status === 'failed' ? `${outcome.message}${outcome.advice ? ` — ${outcome.advice}` : ''}` : null,
    });
  }

  private resetCurves(): void {
    this.curves.clear();
    this.notifyCurves();
  }

  private notifyCurves(): void {
    for (const l of this.curveListeners) l();
  }

  private requireApi(): ModelwrightApi {
    if (!this.api) throw new Error('Modelwright is not connected to its back end. Reload the page, or restart `modelwright serve`.');
    return this.api;
  }
}

function messageOf(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof (err as Error).message === 'string') return (err as Error).message;
  return String(err);
}

/** The studio's one training session. */
export const trainingSession = new TrainingSession();

export function useTrainingSession<T>(selector: (s: TrainingSessionState) => T): T {
  return useStore(trainingSession.store, selector);
}
