// The `training` service: starts runs through the run starter (main/trainer/startRun.ts, shared with the
// `train` command), which records every run in the experiment store; turns the session's callbacks into API events.
import { engineBackends } from '../engine/availability.ts';
import type { GpuProbe } from '../engine/webgpu.ts';
import type { TrainingService } from '../../app/api/contract.ts';
import { ApiError } from '../../app/api/errors.ts';
import { Emitter } from '../../app/api/events.ts';
import type { ActiveRun, RunChange, TrainingOutcome, TrainingProgress, TrainingStarted } from '../../app/api/types.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { startRun, type RunRequest } from '../trainer/startRun.ts';
import { planWarmStart } from '../trainer/warmStartPlan.ts';
import { planImportedWeights } from '../trainer/importedWeightsPlan.ts';
import { planResume } from '../trainer/resumePlan.ts';
import type { TrainingSession, TrainingSupervisor } from '../trainer/supervisor.ts';
import type { FileAccess } from '../files/fileAccess.ts';
import { trainableProject } from './trainableProject.ts';
import { capitalize } from '../../app/format.ts';

export interface TrainingServiceOptions {
  store: ExperimentStore;
  supervisor: TrainingSupervisor;
  /** Fired for runs created and finished, so the runs list can refresh. */
  runChanges: Emitter<RunChange>;
  log?: (message: string) => void;
  /** Which data files callers may name; default: any path (an in-process caller). */
  files?: FileAccess;
  /** How the GPU adapter is probed for backends(); default: in a child process whose output is filtered (engine/gpuProbe.ts). */
  probeGpu?: () => Promise<GpuProbe>;
}

interface Active {
  info: ActiveRun;
  session: TrainingSession;
  done: Promise<unknown>;
}

export interface TrainingServiceHandle {
  service: TrainingService;
  /** Stops every running trainer (after its current batch), killing those that do not end within `graceMs`. */
  stopAll(graceMs?: number): Promise<void>;
}

export function createTrainingService(options: TrainingServiceOptions): TrainingServiceHandle {
  const { store, supervisor, runChanges } = options;
  const started = new Emitter<TrainingStarted>();
  const progress = new Emitter<TrainingProgress>();
  const finished = new Emitter<TrainingOutcome>();
  const active = new Map<number, Active>();
  const sessions = new Set<{ session: TrainingSession; done: Promise<unknown> }>();

  /** Starts a run through the run starter and resolves once the trainer has started (the one launch path of start and resume). */
  const launch = (request: RunRequest, projectName: string | undefined): Promise<TrainingStarted> => {
    const startedInfo = new Promise<TrainingStarted>((resolveStart, rejectStart) => {
        let didStart = false;
        const { session, name, recorded } = startRun(store, supervisor, request, {
          onStarted: (runId, info) => {
            didStart = true;
            const data: TrainingStarted = {
              runId, name, backend: info.backend, tried: info.tried, ...(info.backendChoice ? { backendChoice: info.backendChoice } : {}),
              ...(info.threads !== undefined ? { threads: info.threads } : {}), loss: info.loss, lossExplanation: info.lossExplanation,
              trainSamples: info.trainSamples, validationSamples: info.validationSamples, testSamples: info.testSamples, warnings: info.warnings,
              ...(info.warmStart && request.derived ? (request.derived.lineage.parentRunId !== null
                ? { warmStart: { fromRunId: request.derived.lineage.parentRunId, ...info.warmStart } }
                : { importedWeights: { folder: request.derived.weightsFrom, ...info.warmStart } }) : {}),
            };
            active.set(runId, {
              info: { runId, name, project: projectName ?? null, startedAt: new Date().toISOString(), backend: info.backend, lastProgress: null },
              session, done: recorded.done,
            });
            session.onProgress((event) => {
              const entry = active.get(runId);
              if (entry) entry.info.lastProgress = event;
              progress.fire({ runId, event });
            });
            resolveStart(data);
            started.fire(data);
            runChanges.fire({ runId, change: 'created' });
          },
          onStoreError: (err) => options.log?.(`could not record training progress: ${(err as Error)?.message ?? err}`),
        });
        const tracked = { session, done: recorded.done.catch(() => {}) };
        sessions.add(tracked);
        recorded.done.then(({ runId, result, historyPending }) => {
          active.delete(runId);
          sessions.delete(tracked);
          const { runId: _sessionId, ...rest } = result;
          // The history's disk was full at the end: said with the run's result, as the CLI says it (exit 2 there).
          if (historyPending) {
            rest.warnings = [...rest.warnings, `${result.modelDir ? `model saved at ${result.modelDir}` : 'training ended'}; history not updated: ${historyPending.reason}; `
              + (historyPending.file ? `the run's metrics and result wait in ${historyPending.file} and are added when the history is next opened with room to write` : 'the run stays interrupted in the history')];
            options.log?.(`run ${runId}: history not updated: ${historyPending.reason}`);
          }
          // A run that ended before it started (bad data, no backend) is recorded as failed; start() says why.
          if (!didStart) {
            rejectStart(new ApiError('failed', `Training could not start: ${result.message}${result.advice ? `. ${capitalize(result.advice)}` : ''}`));
            runChanges.fire({ runId, change: 'created' });
          }
          finished.fire({ ...rest, runId });
          runChanges.fire({ runId, change: 'finished' });
        }, (err) => {
          sessions.delete(tracked);
          options.log?.(`could not record the end of a run: ${(err as Error)?.message ?? err}`);
          if (!didStart) rejectStart(err);
        });
      });
      return startedInfo;
  };

  const service: TrainingService = {
    onDidStart: started.event,
    onDidProgress: progress.event,
    onDidFinish: finished.event,

    async start(projectArg, opts) {
      const { graph, config, binding, data: hostData, name: projectName, imported } = await trainableProject(projectArg, options.files);

      // Refused in one sentence (no such run, no saved model, nothing in common) before any trainer starts.
      // A warm start wins over a project's imported weights (it names the weights to start from).
      const derived = opts?.warmStartRunId !== undefined ? planWarmStart(store, opts.warmStartRunId, graph)
        : imported ? planImportedWeights(imported.projectDir, imported.weights) : undefined;
      return launch({
        origin: 'api', graph, config, binding, data: hostData, project: projectName, name: opts?.runName, tags: opts?.tags, derived,
      }, projectName);
    },

    async resume(runIdArg) {
      // The run's own graph, settings, data and folder from the history; refused in one sentence when it cannot go on.
      const plan = await planResume(store, runIdArg);
      return launch({ origin: 'api', ...plan }, plan.project);
    },

    async stop(runId) {
      const entry = active.get(runId);
      if (entry) {
        entry.session.stop();
        return;
      }
      // Stopping a run that has just finished is not an error; an unknown run is.
      store.getRun(runId);
    },

    async listActive() {
      return [...active.values()].map((a) => structuredClone(a.info));
    },

    async backends() {
      // Probes packages and the GPU adapter only; TF.js itself is loaded in trainer processes, never here.
      return engineBackends(options.probeGpu);
    },
  };

  return {
    service,
    async stopAll(graceMs = 5000) {
      const waiting = [...sessions];
      for (const { session } of waiting) session.stop();
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref?.());
      const outcome = await Promise.race([Promise.all(waiting.map((w) => w.done)), timeout]);
      if (outcome === 'timeout') for (const { session } of waiting) session.kill();
      await Promise.race([Promise.all(waiting.map((w) => w.done)), new Promise((r) => setTimeout(r, 2000).unref?.())]);
    },
  };
}
