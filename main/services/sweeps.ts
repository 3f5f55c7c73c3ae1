// The `sweeps` service: starts, stops and resumes sweeps (main/services/sweepRunner.ts) for the studio,
// reading the project's data through the host's file policy as training does, and turns the trials'
// starts, epochs and ends into API events (and run changes, so the Runs panel refreshes).
import type { SweepsService } from '../../app/api/contract.ts';
import { ApiError } from '../../app/api/errors.ts';
import { Emitter } from '../../app/api/events.ts';
import type { RunChange, SweepChange, SweepProgress } from '../../app/api/types.ts';
import { defaultSweepMetric } from '../../app/tuning/ranking.ts';
import { parseSpace, SpaceError } from '../../app/tuning/space.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { SweepStore } from '../store/sweeps.ts';
import { StoreError } from '../store/errors.ts';
import type { FileAccess } from '../files/fileAccess.ts';
import { trainableProject } from './trainableProject.ts';
import { planImportedWeights } from '../trainer/importedWeightsPlan.ts';
import type { TrainingSupervisor } from '../trainer/supervisor.ts';
import { createSweep, runSweep, type SweepRun } from './sweepRunner.ts';

export interface SweepsServiceOptions {
  store: ExperimentStore;
  supervisor: TrainingSupervisor;
  runChanges: Emitter<RunChange>;
  /** Which data files callers may name; default: any path (an in-process caller). */
  files?: FileAccess;
  log?: (message: string) => void;
}

export interface SweepsServiceHandle {
  service: SweepsService;
  /** Stops every running sweep's trials (the sweeps can be resumed) and waits for them, up to `graceMs`. */
  stopAll(graceMs?: number): Promise<void>;
}

function asApiError(err: unknown): unknown {
  if (err instanceof SpaceError) return new ApiError('invalid-argument', err.message);
  if (err instanceof StoreError && err.kind === 'not-found') return new ApiError('not-found', err.message);
  if (err instanceof StoreError && err.kind === 'busy') return new ApiError('failed', err.message);
  return err;
}

export function createSweepsService(options: SweepsServiceOptions): SweepsServiceHandle {
  const { store, supervisor, runChanges } = options;
  const sweeps = new SweepStore(store);
  const changed = new Emitter<SweepChange>();
  const progress = new Emitter<SweepProgress>();
  const running = new Map<number, SweepRun>();

  const launch = (sweepId: number, parallel: number | undefined): void => {
    const run = runSweep(store, sweepId, {
      supervisor,
      parallel,
      onTrialStarted: (e) => {
        changed.fire({ sweepId, change: 'trial-started', trial: e.trial, runId: e.runId });
        runChanges.fire({ runId: e.runId, change: 'created' });
      },
      onTrialProgress: (e) => {
        if (e.progress.type !== 'epoch') return;
        progress.fire({ sweepId, trial: e.trial, runId: e.runId, epoch: e.progress.epoch, epochs: e.progress.epochs, logs: e.progress.logs });
      },
      onTrialFinished: (e) => {
        changed.fire({ sweepId, change: 'trial-finished', trial: e.trial, runId: e.runId });
        runChanges.fire({ runId: e.runId, change: 'finished' });
      },
      log: options.log,
    });
    running.set(sweepId, run);
    run.done.then(
      () => { running.delete(sweepId); changed.fire({ sweepId, change: 'finished' }); },
      (err) => { running.delete(sweepId); options.log?.(`sweep ${sweepId} failed: ${(err as Error)?.message ?? err}`); changed.fire({ sweepId, change: 'finished' }); },
    );
  };

  const service: SweepsService = {
    onDidChange: changed.event,
    onDidProgress: progress.event,

    async start(projectArg, opts) {
      const { graph, config, data: hostData, name, imported } = await trainableProject(projectArg, options.files);
      // Every trial starts from the project's imported weights, if it has them (refused at once when they are missing).
      let importedWeightsFolder: string | undefined;
      try {
        importedWeightsFolder = imported ? planImportedWeights(imported.projectDir, imported.weights).weightsFrom : undefined;
      } catch (err) {
        throw asApiError(err);
      }
      let sweepId: number;
      try {
        ({ sweepId } = createSweep(store, {
          base: { project: name ?? null, graph, config, binding: hostData.binding, baseDir: hostData.baseDir, ...(importedWeightsFolder ? { importedWeightsFolder } : {}) },
          space: parseSpace(opts.space), strategy: opts.strategy, trials: opts.trials, seed: opts.seed ?? 42,
          metric: opts.metric ?? defaultSweepMetric, epochs: opts.epochs, name: opts.name,
        }));
      } catch (err) {
        throw asApiError(err);
      }
      launch(sweepId, opts.parallel);
      changed.fire({ sweepId, change: 'created' });
      return sweeps.get(sweepId);
    },

    async stop(sweepId) {
      const run = running.get(sweepId);
      if (run) run.stop();
      else try { sweeps.plan(sweepId); } catch (err) { throw asApiError(err); }
    },

    async resume(sweepId, opts) {
      if (running.has(sweepId)) return sweeps.get(sweepId);
      try {
        if (sweeps.plan(sweepId).info.status === 'completed') return sweeps.get(sweepId);
        launch(sweepId, opts?.parallel);
      } catch (err) {
        throw asApiError(err);
      }
      return sweeps.get(sweepId);
    },

    async list(opts) {
      const all = sweeps.list();
      return opts?.project === undefined ? all : all.filter((s) => s.project === opts.project);
    },

    async get(sweepId) {
      try {
        return sweeps.get(sweepId);
      } catch (err) {
        throw asApiError(err);
      }
    },
  };

  return {
    service,
    async stopAll(graceMs = 5000) {
      const waiting = [...running.values()];
      for (const run of waiting) run.stop();
      const settled = Promise.allSettled(waiting.map((r) => r.done));
      const outcome = await Promise.race([settled, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref?.())]);
      if (outcome === 'timeout') for (const run of waiting) run.kill();
      await Promise.race([settled, new Promise((r) => setTimeout(r, 2000).unref?.())]);
      changed.dispose();
      progress.dispose();
    },
  };
}
