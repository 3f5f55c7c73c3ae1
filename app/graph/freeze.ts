// Freezing (docs/training.md#freezing-layers-and-fine-tuning): which layers "freeze everything up to here"
// freezes — the layer and every layer upstream of it that has weights — shared by the studio's command
// (renderer/commands/freezeEdits.ts) and the CLI's `--freeze-up-to` (main/cli/projectEdits.ts).
import { analyzeGraph } from './analyze.ts';
import type { Graph, LayerNode } from './types.ts';

/** The ids of `layerId` and of every layer it reads from, directly or not, that has weights (Input, Flatten… have none). */
export function upstreamWithWeights(graph: Graph, layerId: string): string[] {
  const seen = new Set([layerId]);
  const queue = [layerId];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    for (const c of graph.connections) {
      if (c.to === id && !seen.has(c.from)) {
        seen.add(c.from);
        queue.push(c.from);
      }
    }
  }
  const analysis = analyzeGraph(graph);
  return graph.layers.filter((l) => seen.has(l.id) && (analysis.layers[l.id]?.params ?? 0) > 0).map((l) => l.id);
}

/** The layer frozen (`trainable: false`) or not (the flag dropped: absent means trainable). */
export function withFrozen(layer: LayerNode, frozen: boolean): LayerNode {
  const { trainable: _drop, ...rest } = layer;
  return frozen ? { ...rest, trainable: false } : rest;
}
