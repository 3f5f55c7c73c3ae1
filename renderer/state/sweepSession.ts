// The sweep the Tune mode is watching: starts and stops it through the API contract, keeps its trials
// (re-read whenever the back end says something changed) and each running trial's latest epoch.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ModelwrightApi, ProjectInput } from '../../app/api/contract.ts';
import type { Disposable } from '../../app/api/events.ts';
import type { SweepDetail, SweepProgress } from '../../app/api/types.ts';

export interface SweepSessionState {
  sweepId: number | null;
  detail: SweepDetail | null;
  /** The latest epoch of each trial that is training, by trial number. */
  live: Record<number, SweepProgress>;
  starting: boolean;
  error: string | null;
}

export type SweepStartOptions = Parameters<ModelwrightApi['sweeps']['start']>[1];

const empty: SweepSessionState = { sweepId: null, detail: null, live: {}, starting: false, error: null };

/** Re-reads of a sweep after change events are at most this often. */
const refreshMs = 250;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class SweepSession {
  readonly store: StoreApi<SweepSessionState> = createStore<SweepSessionState>()(() => empty);
  private api: ModelwrightApi | null = null;
  private subscriptions: Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  get state(): SweepSessionState {
    return this.store.getState();
  }

  get running(): boolean {
    const status = this.state.detail?.status;
    return this.state.starting || status === 'running';
  }

  attach(api: ModelwrightApi | null): void {
    if (api === this.api) return;
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
    this.api = api;
    if (!api) return;
    this.subscriptions.push(
      api.sweeps.onDidChange(({ sweepId }) => { if (sweepId === this.state.sweepId) this.scheduleRefresh(); }),
      api.sweeps.onDidProgress((p) => {
        if (p.sweepId !== this.state.sweepId) return;
        this.store.setState((s) => ({ live: { ...s.live, [p.trial]: p } }));
      }),
    );
  }

  /** Shows the project's most recent sweep (after a reload, or on opening the Tune mode), if it has one. */
  async adoptLatest(project: string | null | undefined): Promise<void> {
    if (!this.api || !project || this.state.sweepId !== null) return;
    const [latest] = await this.api.sweeps.list({ project });
    if (latest && this.state.sweepId === null) await this.show(latest.id);
  }

  async show(sweepId: number): Promise<void> {
    this.store.setState({ sweepId, live: {}, error: null });
    await this.refresh();
  }

  async start(project: ProjectInput, options: SweepStartOptions): Promise<void> {
    const api = this.api;
    if (!api || this.running) return;
    this.store.setState({ ...empty, starting: true });
    try {
      const started = await api.sweeps.start(project, options);
      this.store.setState({ sweepId: started.id, starting: false });
      await this.refresh();
    } catch (err) {
      this.store.setState({ starting: false, error: message(err) });
      throw err;
    }
  }

  async stop(): Promise<void> {
    const { sweepId } = this.state;
    if (this.api && sweepId !== null) await this.api.sweeps.stop(sweepId);
  }

  async resume(): Promise<void> {
    const { sweepId } = this.state;
    if (!this.api || sweepId === null) return;
    await this.api.sweeps.resume(sweepId);
    await this.refresh();
  }

  private scheduleRefresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch((err) => this.store.setState({ error: message(err) }));
    }, refreshMs);
  }

  private async refresh(): Promise<void> {
    const { sweepId } = this.state;
    if (!this.api || sweepId === null) return;
    const detail = await this.api.sweeps.get(sweepId);
    if (detail.id !== this.state.sweepId) return;
    // A finished trial's live epoch is no longer news.
    const live = Object.fromEntries(Object.entries(this.state.live).filter(([trial]) => detail.trials[Number(trial)]?.status === 'running'));
    this.store.setState({ detail, live });
  }
}

export const sweepSession = new SweepSession();

export function useSweepSession<T>(selector: (s: SweepSessionState) => T): T {
  return useStore(sweepSession.store, selector);
}
