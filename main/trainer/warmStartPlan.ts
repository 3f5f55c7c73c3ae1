// Warm start (`train --warm-start RUN_ID`, the Training panel's "Start from run…"): checks that a run
// can be started from and says what of the new run is derived from it (main/store/lineage.ts).
// The trainer matches the layers exactly (main/trainer/warmStart.ts); this check refuses at once a run
// without a saved model, or whose layers share no name and size with the new graph.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeGraph } from '../../app/graph/analyze.ts';
import type { Graph } from '../../app/graph/types.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { StoreError } from '../store/errors.ts';
import type { RunRequest } from './startRun.ts';

/** Names of the layers that have weights, with their type and weight count. */
function weightedLayers(graph: Graph): Map<string, { type: string; params: number }> {
  const analysis = analyzeGraph(graph);
  const out = new Map<string, { type: string; params: number }>();
  for (const layer of graph.layers) {
    const params = analysis.layers[layer.id]?.params ?? 0;
    if (params > 0) out.set(layer.name, { type: layer.type, params });
  }
  return out;
}

/**
 * The `derived` part of a warm-started run's request, or a StoreError saying in one sentence why run
 * `parentRunId` cannot be started from (`not-found`: no such run; `invalid`: no saved model, nothing matches).
 */
export function planWarmStart(store: ExperimentStore, parentRunId: number, graph: Graph): NonNullable<RunRequest['derived']> {
  const parent = store.getRun(parentRunId);
  const model = [...parent.artifacts].reverse().find((a) => a.kind === 'model' && existsSync(join(a.path, 'model.json')));
  if (!model) throw new StoreError('invalid', `run ${parentRunId} has no saved model to start from (it is ${parent.status}); start from a run that completed`);
  const mine = weightedLayers(graph);
  const theirs = weightedLayers(parent.graph);
  const matching = [...mine].filter(([name, l]) => theirs.get(name)?.type === l.type && theirs.get(name)?.params === l.params);
  if (matching.length === 0) {
    throw new StoreError('invalid', `no layer of this model matches a layer of run ${parentRunId} by name and size, so there is nothing to start from; train from scratch`);
  }
  return {
    lineage: { kind: 'train', parentRunId, derivation: { warmStart: { fromRunId: parentRunId } } },
    weightsFrom: model.path,
    match: 'by-name',
  };
}
