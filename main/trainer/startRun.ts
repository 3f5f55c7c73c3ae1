// The one way a front end starts a training run (the studio's training service, the `train` command, a
// sweep's trials):
// the readiness check of the graph, the run's name, the trainer's job id and model folder, the trainer
// process and the recording of the run in the history (./recording.ts). The failed result of a run that
// never trained is app/training/protocol.ts's failedResult.
import { join } from 'node:path';
import type { DatasetBinding } from '../../app/data/binding.ts';
import type { Graph } from '../../app/graph/types.ts';
import { defaultRunName } from '../../app/store/runNames.ts';
import type { TrainingConfig } from '../../app/training/config.ts';
import type { PruneSpec } from '../../app/training/pruning.ts';
import { checkReadiness, firstRefusal, type ReadinessProblem } from '../../app/training/readiness.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { lineageOf, type LineageInput } from '../store/lineage.ts';
import { cliDefaultThreads, studioDefaultThreads } from '../engine/cores.ts';
import { recordSession, type RecordedSession, type RecordHooks } from './recording.ts';
import type { TrainingSession, TrainingSupervisor } from './supervisor.ts';

export interface RunRequest {
  /** Which front end starts the run; the trainer's job id starts with it (`api-…`, `cli-…`, `sweep-N-M-…`). */
  origin: 'api' | 'cli' | 'sweep';
  /** A sweep's trial (`origin: 'sweep'`): recorded with the run, and named in the job id and the model folder. */
  sweep?: { id: number; trial: number };
  /** Epochs after which the trainer waits for `session.proceed()` or `stop()` (a sweep's halving rungs). */
  checkpoints?: number[];
  graph: Graph;
  config: TrainingConfig;
  /** The data as the caller named it: the default run name compares its source with the previous run's. */
  binding: DatasetBinding;
  /**
   * The data the trainer reads and the history records, and the folder its relative paths start from
   * (default: `binding`; without a folder, relative paths start from the trainer's working directory).
   */
  data?: { binding: DatasetBinding; baseDir?: string };
  /** The project's name; runs of one project are named by what differs from its previous run. */
  project?: string;
  /** The run's name as given; blank or absent: the default name (nameNewRun). */
  name?: string;
  tags?: string[];
  /**
   * Resume this interrupted or failed run from its training checkpoint (`from`, saved after epoch `epoch`) in
   * its own model folder (`outputDir`): the same run is reopened and goes on for the remaining epochs.
   */
  resume?: { runId: number; from: string; epoch: number; learningRate: number; owned: boolean };
  /** A folder of the caller's to save the model in; absent: a new folder in the history's artifacts, owned by the run. */
  outputDir?: string;
  /**
   * A run derived from another (a pruned child): recorded with its lineage (main/store/lineage.ts), and the
   * trainer starts from the weights saved in `weightsFrom` (the parent's model folder) instead of new ones.
   */
  derived?: {
    /** A warm start or pruning names its parent run; a run from a project's imported weights has none (`null`). */
    lineage: LineageInput & { parentRunId: number | null };
    weightsFrom: string;
    /** `all` (default): every weight, from a model of the same graph (pruning); `by-name`: a warm start's matching layers. */
    match?: 'all' | 'by-name';
  };
  /** Prune the Dense and convolution kernels to this sparsity while training (main/trainer/pruning.ts). */
  prune?: PruneSpec;
}

export interface StartedRun {
  session: TrainingSession;
  /** The name the run is recorded under. */
  name: string;
  /** Where the trainer saves the model. */
  modelDir: string;
  recorded: RecordedSession;
}

let sequence = 0;

/** A key no other run of this machine has: time, process and a counter for runs started in the same millisecond. */
function runKey(): string {
  return `${Date.now().toString(36)}-${process.pid}-${++sequence}`;
}

/**
 * The studio's readiness check of the graph alone (app/training/readiness.ts): its first refusal, if any.
 * A caller that must answer at once (the service) checks here before it starts a run; the trainer checks
 * graph and data together in any case, and its refusal ends the run as failed, recorded in the history.
 */
export function graphRefusal(graph: Graph, config: TrainingConfig): ReadinessProblem | undefined {
  return firstRefusal(checkReadiness(graph, null, { loss: config.loss }));
}

/**
 * Starts a trainer for the request and records the run from its start: the supervisor validates the job
 * (a ZodError before any process starts), and a run that fails before it starts is still recorded as failed.
 */
export function startRun(store: ExperimentStore, supervisor: TrainingSupervisor, request: RunRequest, hooks: RecordHooks = {}): StartedRun {
  const { graph, binding, project } = request;
  // The cores the run computes with, recorded with its settings: the project's (or the flag's) when set,
  // else the front end's default — all but one from the studio, all from the CLI (a sweep sets its share).
  const config = request.config.threads !== undefined ? request.config
    : { ...request.config, threads: request.origin === 'cli' ? cliDefaultThreads() : studioDefaultThreads() };
  const data = request.data ?? { binding };
  const key = runKey();
  const { sweep } = request;
  // Model folder names are the store's to give: main/store/artifactTrash.ts sweeps only folders named so.
  const folder = sweep ? `sweep-${sweep.id}-trial-${sweep.trial + 1}-${key}` : `model-${key}`;
  const modelDir = request.outputDir ?? join(store.artifactRoot, folder);
  const { resume } = request;
  if (resume) store.reopenRun(resume.runId, resume.epoch);
  const session = supervisor.start({
    runId: sweep ? `${request.origin}-${sweep.id}-${sweep.trial + 1}-${key}` : `${request.origin}-${key}`,
    model: { kind: 'graph', graph },
    data: { kind: 'binding', binding: data.binding, baseDir: data.baseDir },
    config,
    outputDir: modelDir,
    ...(request.checkpoints ? { checkpoints: request.checkpoints } : {}),
    ...(resume ? { resume: { from: resume.from, epoch: resume.epoch, learningRate: resume.learningRate } } : {}),
    ...(request.derived ? (request.derived.match === 'by-name' ? { warmStart: request.derived.weightsFrom } : { startFrom: request.derived.weightsFrom }) : {}),
    ...(request.prune ? { prune: request.prune } : {}),
  });
  // Named against the history in the form it records (the host's path of an upload, not the caller's "uploads/…").
  const name = request.name?.trim() || nameNewRun(store, { project, graph, config, binding: data.binding });
  const recorded = recordSession(store, session, {
    name, project, graph, config, binding: data.binding, tags: request.tags, sweep,
    // In the history's artifacts folder, the model goes with the run when the run is deleted.
    modelOwned: resume ? resume.owned : request.outputDir === undefined,
    modelDir,
    existingRunId: resume?.runId,
    lineage: request.derived?.lineage,
  }, hooks);
  return { session, name, modelDir, recorded };
}

/**
 * The default name of a new run (app/store/runNames.ts): what differs from the project's most recent run
 * in the history, or "<project> on <data>" for its first.
 */
export function nameNewRun(store: ExperimentStore, input: { project?: string; graph: Graph; config: TrainingConfig; binding?: DatasetBinding }): string {
  const current = { config: input.config, graph: input.graph, dataSource: input.binding?.source ?? null };
  let previous: Parameters<typeof defaultRunName>[2] = null;
  if (input.project) {
    try {
      // An ensemble is made from runs, not trained: a new run is named by what differs from the last trained one.
      const last = store.listRuns({ project: input.project, sort: { by: 'id', direction: 'desc' }, limit: 20 }).runs.find((r) => lineageOf(store, r.id).kind !== 'ensemble');
      if (last) {
        const detail = store.getRun(last.id);
        previous = { id: last.id, config: detail.config, graph: detail.graph, dataSource: detail.datasetBinding?.source ?? detail.dataset?.source ?? null };
      }
    } catch {
      // A history that cannot be read here will say so when the run is recorded; the name falls back to the first-run name.
    }
  }
  return defaultRunName(input.project, current, previous);
}
