// Resuming a run (`modelwright train --resume RUN_ID`, the studio's Resume button): what to train again for an interrupted or failed run — its own
// graph, settings and data from the history, its model folder and the training checkpoint found there.
import type { DatasetBinding } from '../../app/data/binding.ts';
import type { Graph } from '../../app/graph/types.ts';
import type { TrainingConfig } from '../../app/training/config.ts';
import { lastCheckpoint } from '../model/checkpoint.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { resumableStatuses } from '../store/reopenRun.ts';
import { StoreError } from '../store/errors.ts';
import { lineageOf } from '../store/lineage.ts';

export interface ResumePlan {
  graph: Graph;
  config: TrainingConfig;
  binding: DatasetBinding;
  project?: string;
  name: string;
  outputDir: string;
  resume: { runId: number; from: string; epoch: number; learningRate: number; owned: boolean };
}

/** The run's plan, or a StoreError (`invalid`) saying in one sentence why it cannot be resumed. */
export async function planResume(store: ExperimentStore, runId: number): Promise<ResumePlan> {
  const run = store.getRun(runId);
  if (!resumableStatuses.has(run.status)) {
    throw new StoreError('invalid', `run ${runId} is ${run.status}; only an interrupted or failed run can be resumed (train it again to start a new run)`);
  }
  if (!run.datasetBinding) throw new StoreError('invalid', `run ${runId} does not record its data, so it cannot be resumed; train its project again`);
  // A pruned run's masks and schedule are not in its checkpoint: resumed, it would go on unpruned.
  const lineage = lineageOf(store, runId);
  if (lineage.kind === 'prune') {
    const again = lineage.parentRunId !== null ? `prune run ${lineage.parentRunId} again` : 'prune its parent again';
    throw new StoreError('invalid', `run ${runId} is a pruned run, which cannot be resumed (its pruning would not go on); ${again} instead`);
  }
  const folder = [...run.artifacts].reverse().find((a) => a.kind === 'output' || a.kind === 'model');
  const checkpoint = folder ? await lastCheckpoint(folder.path) : null;
  if (!folder || !checkpoint) {
    throw new StoreError('invalid', `run ${runId} has no training checkpoint to resume from${folder ? ` (none in ${folder.path}/checkpoint)` : ''}; it ended before its first epoch, or was recorded before checkpoints existed`);
  }
  const next = checkpoint.state.epoch + 1;
  if (next >= run.config.epochs) {
    throw new StoreError('invalid', `run ${runId}'s checkpoint is after its last epoch (${run.config.epochs}); there is nothing left to train`);
  }
  return {
    graph: run.graph,
    config: run.config,
    binding: run.datasetBinding,
    project: run.project ?? undefined,
    name: run.name,
    outputDir: folder.path,
    resume: { runId, from: checkpoint.dir, epoch: checkpoint.state.epoch, learningRate: checkpoint.state.learningRate, owned: folder.owned },
  };
}
