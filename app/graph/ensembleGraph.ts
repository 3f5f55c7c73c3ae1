// The graph recorded with an ensemble run: every member's graph side by side (ids and names prefixed
// `m1_`, `m2_`, … as in the fused model), one shared input, and an Average layer joining their outputs.
// It documents the fused model's structure in the history and on the canvas; the fused model itself
// (main/export/fuseModel.ts) carries the method's exact head (weights, vote).
import type { Graph, LayerNode } from './types.ts';

export const ENSEMBLE_INPUT = 'features';
export const ENSEMBLE_HEAD = 'ensemble_average';

export function ensembleGraph(graphs: readonly Graph[]): Graph {
  const first = graphs[0].layers.find((l) => l.type === 'Input');
  if (!first) throw new Error('a member graph has no Input layer');
  const input: LayerNode = { ...first, id: ENSEMBLE_INPUT, name: ENSEMBLE_INPUT };
  const layers: LayerNode[] = [input];
  const connections: Graph['connections'] = [];
  const outputs: string[] = [];
  graphs.forEach((graph, i) => {
    const prefix = `m${i + 1}_`;
    const inputs = new Set(graph.layers.filter((l) => l.type === 'Input').map((l) => l.id));
    const id = (layerId: string) => (inputs.has(layerId) ? ENSEMBLE_INPUT : prefix + layerId);
    for (const layer of graph.layers) if (!inputs.has(layer.id)) layers.push({ ...layer, id: prefix + layer.id, name: prefix + layer.name });
    for (const c of graph.connections) connections.push({ ...c, from: id(c.from), to: id(c.to) });
    const feeding = new Set(graph.connections.map((c) => c.from));
    const last = graph.layers.filter((l) => !inputs.has(l.id) && !feeding.has(l.id));
    outputs.push(...last.map((l) => prefix + l.id));
  });
  layers.push({ id: ENSEMBLE_HEAD, type: 'Average', name: ENSEMBLE_HEAD, params: {} });
  outputs.forEach((from, toSlot) => connections.push({ from, to: ENSEMBLE_HEAD, toSlot }));
  return { layers, connections };
}
