// Pruning a trained run (`modelwright prune`, issue 15): the child run's request — the parent's graph, data
// binding, split and settings, starting from the parent's saved weights, with the Dense and convolution
// kernels pruned to the target sparsity on a gradual schedule over a short fine-tune (main/trainer/pruning.ts).
import { pruneSpecSchema, sparsityProblem, type PruneSpec } from '../../app/training/pruning.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { StoreError } from '../store/errors.ts';
import type { RunRequest } from './startRun.ts';

export interface PruneOptions {
  sparsity: number;
  /** Fine-tune epochs (default: half the parent's epochs, at least 1); 0 prunes at once without fine-tuning. */
  epochs?: number;
}

/** The default fine-tune: half the parent's epochs, at least one. */
export function defaultPruneEpochs(parentEpochs: number): number {
  return Math.max(1, Math.ceil(parentEpochs / 2));
}

/** The child run's request (without its origin), or a StoreError (`invalid`) saying in one sentence why the run cannot be pruned. */
export function planPrune(store: ExperimentStore, parentRunId: number, options: PruneOptions): Omit<RunRequest, 'origin'> {
  const problem = sparsityProblem(options.sparsity);
  if (problem) throw new StoreError('invalid', problem);
  if (options.epochs !== undefined && (!Number.isInteger(options.epochs) || options.epochs < 0)) {
    throw new StoreError('invalid', `the fine-tune epochs must be a whole number 0 or more; got ${options.epochs}`);
  }
  const parent = store.getRun(parentRunId);
  const model = [...parent.artifacts].reverse().find((a) => a.kind === 'model');
  if (!model || (parent.status !== 'completed' && parent.status !== 'stopped')) {
    throw new StoreError('invalid', `run ${parentRunId} has no trained model to prune (it is ${parent.status}); prune a completed run`);
  }
  if (!parent.datasetBinding) throw new StoreError('invalid', `run ${parentRunId} does not record its data, so it cannot be fine-tuned; train its project again`);
  const epochs = options.epochs ?? defaultPruneEpochs(parent.config.epochs);
  const prune: PruneSpec = pruneSpecSchema.parse({ sparsity: options.sparsity });
  return {
    graph: parent.graph,
    // The parent's settings; early stopping is off so the schedule runs to its end (its restored "best" epoch could be less sparse).
    config: { ...parent.config, epochs, earlyStopping: { ...parent.config.earlyStopping, enabled: false } },
    binding: parent.datasetBinding,
    project: parent.project ?? undefined,
    name: `${parent.name} · pruned ${formatPercent(options.sparsity)}`,
    derived: {
      lineage: { kind: 'prune', parentRunId, derivation: { prune: { sparsity: options.sparsity, schedule: prune.schedule, epochs } } },
      weightsFrom: model.path,
    },
    prune,
  };
}

function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}
