// Runs a sweep: plans its trials (app/tuning), records it (main/store/sweeps.ts), and trains the trials in
// parallel trainer processes, each recorded as an ordinary run through the same supervisor and recording
// as every other run. Successive halving judges trials at checkpoints (the trainer waits there for the
// verdict). A sweep whose process died resumes with its finished trials kept.
import { importedWeightsRequest } from '../trainer/importedWeightsPlan.ts';
import { availableParallelism } from 'node:os';
import type { Graph } from '../../app/graph/types.ts';
import type { TrainingConfig } from '../../app/training/config.ts';
import type { ProgressEvent } from '../../app/training/progress.ts';
import type { TrainingResult } from '../../app/training/protocol.ts';
import { recipeChanges } from '../../app/store/runNames.ts';
import { HalvingLadder, halvingRungs } from '../../app/tuning/halving.ts';
import { metricProblem, metricValue, sweepMetricDirection, trialScore, unrecordedMetric } from '../../app/tuning/ranking.ts';
import { applySettings, checkSpace } from '../../app/tuning/settings.ts';
import { SpaceError, spaceToJson, type SearchSpace, type TrialSettings } from '../../app/tuning/space.ts';
import { planTrials, type StrategyName } from '../../app/tuning/strategies.ts';
import type { SweepBase, SweepDetail } from '../../app/tuning/types.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { isTrialFinished, SweepStore } from '../store/sweeps.ts';
import { startRun } from '../trainer/startRun.ts';
import { studioDefaultThreads, threadsPerTrial } from '../engine/cores.ts';
import type { TrainingSupervisor } from '../trainer/supervisor.ts';

/** Trainers a sweep runs at once unless told otherwise: all cores but one (for the studio or the shell), at least one. */
export function defaultParallel(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Cores per trial: the sweep's cores (`threads`, else the project's setting, else `defaultThreads`, else all but one) shared by the
 * `parallel` trials, so parallel trainers never ask for more threads than the machine has cores.
 */
export function sweepThreads(config: Pick<TrainingConfig, 'threads'>, parallel: number, options: Pick<SweepRunOptions, 'threads' | 'defaultThreads'> = {}): number {
  return threadsPerTrial(options.threads ?? config.threads ?? options.defaultThreads ?? studioDefaultThreads(), parallel);
}

export interface NewSweep {
  base: SweepBase;
  space: SearchSpace;
  strategy: StrategyName;
  trials: number;
  seed: number;
  metric: string;
  /** Epochs per trial (the most a halving trial trains); default: the project's. */
  epochs?: number;
  name?: string;
}

/** Checks a new sweep without recording it: the space against the project, the metric, every planned trial. Throws SpaceError. */
export function checkSweep(input: NewSweep): { base: SweepBase; trials: TrialSettings[]; note: string | null } {
  const config: TrainingConfig = input.epochs === undefined ? input.base.config : { ...input.base.config, epochs: input.epochs };
  const base: SweepBase = { ...input.base, config };
  checkSpace(input.space, base.graph, config);
  const problem = metricProblem(input.metric, config.validationSplit);
  if (problem) throw new SpaceError(problem);
  const { trials, note } = planTrials(input.space, input.strategy, input.trials, input.seed);
  for (const settings of trials) applySettings(base.graph, config, settings);
  return { base, trials, note };
}

/**
 * Checks a sweep (space against the project, metric, every planned trial) and records it, ready to run.
 * Throws SpaceError for a space that does not fit the project.
 */
export function createSweep(store: ExperimentStore, input: NewSweep): { sweepId: number; note: string | null } {
  const { base, trials, note } = checkSweep(input);
  const sweeps = new SweepStore(store);
  const name = input.name?.trim() || `${base.project ?? 'model'}: ${input.strategy} over ${input.space.params.map((p) => p.path).join(', ')}`;
  const sweepId = sweeps.create({
    name: name.slice(0, 200), strategy: input.strategy, metric: input.metric, direction: sweepMetricDirection(input.metric),
    seed: input.seed, space: spaceToJson(input.space), plan: trials, base,
  });
  return { sweepId, note };
}

export interface TrialEvent {
  sweepId: number;
  trial: number;
  runId: number;
  settings: TrialSettings;
}

export interface SweepRunOptions {
  supervisor: TrainingSupervisor;
  /** Trainers at once (default: defaultParallel()). */
  parallel?: number;
  /** Cores the whole sweep may use, instead of the project's setting (a resumed sweep's `--threads`). */
  threads?: number;
  /**
   * Cores the whole sweep may use when neither `threads` nor the project's settings name any (default: all
   * but one); each of the `parallel` trials gets an equal share, at least one (sweepThreads).
   */
  defaultThreads?: number;
  onTrialStarted?(event: TrialEvent): void;
  onTrialProgress?(event: TrialEvent & { progress: ProgressEvent }): void;
  onTrialFinished?(event: TrialEvent & { result: TrialOutcome }): void;
  log?(message: string): void;
}

export interface TrialOutcome {
  status: TrainingResult['status'] | 'pruned';
  score: number | null;
  epochs: number;
  stoppedAt: number | null;
  message: string;
}

export interface SweepRun {
  readonly sweepId: number;
  /** Resolves with the sweep as recorded once every trial has ended (or the sweep was stopped). */
  readonly done: Promise<SweepDetail>;
  /** Stops every running trial after its current batch and starts no more; the sweep can be resumed later. */
  stop(): void;
  /** Ends every running trial's trainer at once (after stop() did not end them in time). */
  kill(): void;
}

/** A trial's run name: the sweep and trial, then what the trial changes in the project ("lr 0.003 · batch 16"). */
function trialName(sweepId: number, trial: number, base: SweepBase, graph: Graph, config: TrainingConfig): string {
  const source = base.binding.source;
  const changes = recipeChanges({ config: base.config, graph: base.graph, dataSource: source }, { config, graph, dataSource: source });
  return `sweep ${sweepId} #${trial + 1}${changes.length ? `: ${changes.slice(0, 4).join(' · ')}` : ': project settings'}`;
}

/** Runs (or resumes) a recorded sweep: trials without a finished run are trained, `parallel` at a time. */
export function runSweep(store: ExperimentStore, sweepId: number, options: SweepRunOptions): SweepRun {
  const sweeps = new SweepStore(store);
  sweeps.claim(sweepId);
  const { info, plan, base } = sweeps.plan(sweepId);
  const before = sweeps.get(sweepId);
  const ladder = info.strategy === 'halving' ? new HalvingLadder(halvingRungs(base.config.epochs), info.direction) : null;
  // A resumed halving sweep judges new trials against what the finished ones showed at each rung.
  if (ladder) {
    for (const t of before.trials) {
      if (!isTrialFinished(t.status) || t.runId === null) continue;
      const points = store.getRun(t.runId).epochMetrics[info.metric] ?? [];
      for (const rung of ladder.rungs) {
        const point = points.find((p) => p.step === rung - 1);
        if (point) ladder.record(rung, point.value);
      }
    }
  }
  const queue = before.trials.filter((t) => !isTrialFinished(t.status)).map((t) => t.trial);
  const parallel = Math.max(1, Math.floor(options.parallel ?? defaultParallel()));
  const threads = sweepThreads(base.config, parallel, options);
  const active = new Set<{ stop(): void; kill(): void }>();
  let stopping = false;
  /** Set when a trial shows that no trial can be ranked on the sweep's metric: why. */
  let unrankable: string | null = null;

  const runTrial = async (trial: number): Promise<void> => {
    const settings = plan[trial];
    const applied = applySettings(base.graph, base.config, settings);
    const { graph } = applied;
    const config = { ...applied.config, threads };
    const checkpoints = ladder ? ladder.rungs.filter((r) => r < config.epochs) : [];
    let stoppedAt: number | null = null;
    let runId: number | null = null;
    const { session, recorded } = startRun(store, options.supervisor, {
      origin: 'sweep', sweep: { id: sweepId, trial }, checkpoints, graph, config,
      binding: base.binding, data: { binding: base.binding, baseDir: base.baseDir }, project: base.project ?? undefined,
      name: trialName(sweepId, trial, base, graph, config),
      ...(base.importedWeightsFolder ? { derived: importedWeightsRequest(base.importedWeightsFolder) } : {}),
    }, {
      onStarted: (id) => { runId = id; options.onTrialStarted?.({ sweepId, trial, runId: id, settings }); },
      onStoreError: (err) => options.log?.(`sweep ${sweepId} trial ${trial + 1}: could not record progress: ${(err as Error)?.message ?? err}`),
    });
    const handle = { stop: () => session.stop(), kill: () => session.kill() };
    active.add(handle);
    // Subscribed after the recording, so an epoch is in the history before the halving verdict on it.
    session.onProgress((progress) => {
      if (runId !== null) options.onTrialProgress?.({ sweepId, trial, runId, settings, progress });
      if (progress.type !== 'epoch' || !checkpoints.includes(progress.epoch + 1)) return;
      const epochsDone = progress.epoch + 1;
      if (stopping) return;
      if (ladder!.decide(epochsDone, metricValue(info.metric, progress.logs))) session.proceed();
      else {
        stoppedAt = epochsDone;
        session.stop();
      }
    });
    try {
      const { runId: id, result } = await recorded.done;
      const score = trialScore(info.metric, result.history, result.epochsCompleted, result.restoredEpoch);
      const pruned = stoppedAt !== null && result.status === 'stopped';
      sweeps.scoreTrial(id, score, pruned ? stoppedAt : null);
      options.onTrialFinished?.({
        sweepId, trial, runId: id, settings,
        result: { status: pruned ? 'pruned' : result.status, score, epochs: result.epochsCompleted, stoppedAt: pruned ? stoppedAt : null, message: result.message },
      });
      // A metric the model's training never records would leave every trial unranked: the sweep ends now, saying so.
      const unrecorded = score === null && result.status === 'completed' && result.epochsCompleted > 0 ? unrecordedMetric(info.metric, result.history) : null;
      if (unrecorded && unrankable === null) {
        unrankable = unrecorded;
        stopping = true;
        for (const a of active) if (a !== handle) a.stop();
      }
    } finally {
      active.delete(handle);
    }
  };

  const worker = async (): Promise<void> => {
    for (let trial = queue.shift(); trial !== undefined && !stopping; trial = queue.shift()) await runTrial(trial);
  };

  const done = (async () => {
    try {
      await Promise.all(Array.from({ length: Math.min(parallel, Math.max(1, queue.length)) }, worker));
      if (unrankable !== null) sweeps.finish(sweepId, 'failed', unrankable);
      else sweeps.finish(sweepId, stopping ? 'stopped' : 'completed');
    } catch (err) {
      stopping = true;
      for (const a of active) a.stop();
      sweeps.finish(sweepId, 'failed', (err as Error)?.message ?? String(err));
      throw err;
    }
    return sweeps.get(sweepId);
  })();
  done.catch(() => {});

  return {
    sweepId,
    done,
    stop() {
      stopping = true;
      for (const a of active) a.stop();
    },
    kill() {
      stopping = true;
      for (const a of active) a.kill();
    },
  };
}
