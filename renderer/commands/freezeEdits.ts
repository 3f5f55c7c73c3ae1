// Freezing layers (issue 16, docs/training.md): a frozen layer (`trainable: false`) keeps its weights
// through training. Pure edits, each one undoable step: freeze or unfreeze one layer, and "freeze
// everything up to here" (the layer and every layer upstream of it that has weights).
import { upstreamWithWeights as upstreamIds, withFrozen } from '../../app/graph/freeze.ts';
import type { ProjectDocument } from '../../app/project/document.ts';
import type { EditResult, LayerChange } from '../state/patch.ts';
import { CommandError } from './graphEdits.ts';

export interface SetFrozenArgs { layerIds: string[]; frozen: boolean }

export function setFrozen(doc: ProjectDocument, args: SetFrozenArgs): EditResult | null {
  const layers: LayerChange[] = [];
  for (const id of args.layerIds) {
    const index = doc.graph.layers.findIndex((l) => l.id === id);
    if (index < 0) throw new CommandError('That layer no longer exists; it may have been deleted.');
    const layer = doc.graph.layers[index];
    if ((layer.trainable === false) === args.frozen) continue;
    layers.push({ id, before: layer, after: withFrozen(layer, args.frozen), index });
  }
  return layers.length > 0 ? { patch: { layers } } : null;
}

/** The layer and every layer it reads from, directly or not, that has weights (Input, Flatten… have none to freeze). */
export function upstreamWithWeights(doc: ProjectDocument, layerId: string): string[] {
  if (!doc.graph.layers.some((l) => l.id === layerId)) throw new CommandError('That layer no longer exists; it may have been deleted.');
  return upstreamIds(doc.graph, layerId);
}

export function freezeUpTo(doc: ProjectDocument, args: { layerId: string }): EditResult | null {
  const ids = upstreamWithWeights(doc, args.layerId);
  if (ids.length === 0) throw new CommandError('Nothing to freeze: neither this layer nor any layer before it has weights.');
  return setFrozen(doc, { layerIds: ids, frozen: true });
}
