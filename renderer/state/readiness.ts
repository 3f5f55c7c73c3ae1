// "Ready to train" for the open project: what the bound data needs (asked of the host once per binding)
// and the readiness check (app/training/readiness.ts) of the graph against it, recomputed on every edit
// without a round trip. The canvas status bar, the Data and Training panels all read this one answer.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ModelwrightApi } from '../../app/api/contract.ts';
import type { DatasetInspection } from '../../app/api/types.ts';
import type { DatasetBinding } from '../../app/data/binding.ts';
import type { Graph } from '../../app/graph/types.ts';
import type { LossName } from '../../app/training/config.ts';
import { checkReadiness, type BoundData, type Readiness } from '../../app/training/readiness.ts';
import { useApi } from '../ui/useApi.ts';
import { errorMessage } from '../ui/notify.ts';
import { useProject } from './projectStore.ts';

export type DataState =
  | { status: 'none' }
  | { status: 'loading' }
  | { status: 'error'; error: string }
  | { status: 'ready'; data: BoundData; inspection: DatasetInspection };

/** What the readiness check needs from an inspection; null when the data cannot be prepared as bound. */
export function boundDataOf(inspection: DatasetInspection): BoundData | null {
  if (inspection.error || !inspection.task || !inspection.inputShape || inspection.outputUnits === null) return null;
  const vocab = inspection.binding.text?.vocabSize;
  return {
    task: inspection.task,
    kind: inspection.kind === 'images' ? 'image' : inspection.kind,
    inputShape: [...inspection.inputShape],
    outputUnits: inspection.outputUnits,
    classes: inspection.classes,
    ...(vocab ? { vocabSize: vocab } : {}),
  };
}

// One inspection per binding and project folder, shared by every reader; the latest few are kept.
const cache = new Map<string, DataState>();
const listeners = new Set<() => void>();
const maxCached = 8;

function emit(): void {
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function load(api: ModelwrightApi, key: string, binding: DatasetBinding, projectPath: string | null): void {
  if (cache.has(key)) return;
  cache.set(key, { status: 'loading' });
  while (cache.size > maxCached) cache.delete(cache.keys().next().value as string);
  api.datasets.inspect(binding, { projectPath, previewRows: 20 }).then((inspection) => {
    const data = boundDataOf(inspection);
    cache.set(key, data ? { status: 'ready', data, inspection } : { status: 'error', error: inspection.error ?? 'The data cannot be prepared for training as it is set.' });
    emit();
  }, (err: unknown) => {
    cache.set(key, { status: 'error', error: errorMessage(err) });
    emit();
  });
}

/** Forgets what was read about the data (after the file changed on disk, say) so it is read again. */
export function reloadBoundData(): void {
  cache.clear();
  emit();
}

const none: DataState = { status: 'none' };
const loadingState: DataState = { status: 'loading' };

/** The open project's bound data, read once per binding. */
export function useBoundData(): DataState {
  const api = useApi();
  const binding = useProject((s) => s.document?.dataset ?? null);
  const filePath = useProject((s) => s.filePath);
  const key = binding ? `${filePath ?? ''}\n${JSON.stringify(binding)}` : '';
  useEffect(() => {
    if (api && binding) load(api, key, binding, filePath);
  }, [api, key]);
  const state = useSyncExternalStore(subscribe, () => (key ? cache.get(key) ?? loadingState : none));
  return state;
}

const memo = new WeakMap<Graph, Map<string, Readiness>>();

/** The readiness check, cached per graph object (documents are immutable) and data. */
export function readinessOf(graph: Graph, data: BoundData | null, loss: LossName | 'auto' | undefined): Readiness {
  const k = `${loss ?? 'auto'}\n${data ? JSON.stringify(data) : ''}`;
  let byData = memo.get(graph);
  if (!byData) memo.set(graph, (byData = new Map()));
  let r = byData.get(k);
  if (!r) {
    r = checkReadiness(graph, data, { loss });
    byData.clear();
    byData.set(k, r);
  }
  return r;
}

export interface ProjectReadiness {
  readiness: Readiness;
  data: DataState;
}

const emptyGraph: Graph = { layers: [], connections: [] };

/** Readiness of the open project: against its data once it is read, of the graph alone until then. */
export function useReadiness(): ProjectReadiness {
  const graph = useProject((s) => s.document?.graph ?? emptyGraph);
  const loss = useProject((s) => s.document?.training?.loss);
  const data = useBoundData();
  const bound = data.status === 'ready' ? data.data : null;
  const readiness = useMemo(() => readinessOf(graph, bound, loss), [graph, bound, loss]);
  return { readiness, data };
}
