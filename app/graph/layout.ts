// Automatic canvas layout of a model graph: layered (Sugiyama) placement by dagre, so imported models
// and the canvas's "auto layout" button get readable, non-overlapping, top-to-bottom (or left-to-right) drawings.
import dagre from '@dagrejs/dagre';
import type { Graph } from './types.ts';

export interface AutoLayoutOptions {
  /** TB: data flows downward (default); LR: data flows to the right. */
  direction?: 'TB' | 'LR';
  /** Size of one layer's box on the canvas, in canvas pixels. */
  nodeWidth?: number;
  nodeHeight?: number;
}

/** Canvas position of a layer box: its top-left corner, as the canvas (React Flow) places nodes. */
export interface LayoutPoint {
  x: number;
  y: number;
}

export const DEFAULT_NODE_WIDTH = 180;
export const DEFAULT_NODE_HEIGHT = 60;

/**
 * Positions every layer of `graph` (keyed by layer id). Connections that point at missing layers are
 * ignored so a half-broken graph still gets drawn; cycles are tolerated (dagre reverses an edge).
 */
export function autoLayout(graph: Graph, options: AutoLayoutOptions = {}): Record<string, LayoutPoint> {
  const width = positiveOr(options.nodeWidth, DEFAULT_NODE_WIDTH, 'nodeWidth');
  const height = positiveOr(options.nodeHeight, DEFAULT_NODE_HEIGHT, 'nodeHeight');
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({
    rankdir: options.direction ?? 'TB',
    // Gaps scale with the box so custom node sizes still leave room for edges between ranks.
    nodesep: Math.round(width * 0.25),
    ranksep: Math.round(height * 0.8),
    marginx: 20,
    marginy: 20,
  });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set<string>();
  for (const layer of graph.layers) {
    ids.add(layer.id);
    g.setNode(layer.id, { width, height });
  }
  graph.connections.forEach((c, index) => {
    if (ids.has(c.from) && ids.has(c.to) && c.from !== c.to) {
      // A merge can take the same tensor twice (Add(x, x)); a named multigraph edge keeps both.
      g.setEdge(c.from, c.to, {}, `e${index}`);
    }
  });
  dagre.layout(g);
  const positions: Record<string, LayoutPoint> = {};
  for (const layer of graph.layers) {
    const node = g.node(layer.id) as { x: number; y: number };
    positions[layer.id] = { x: Math.round(node.x - width / 2), y: Math.round(node.y - height / 2) };
  }
  return positions;
}

function positiveOr(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`autoLayout: ${name} must be a positive number of pixels, got ${String(value)}.`);
  }
  return value;
}
