// Derived data of the open graph: shapes, parameter counts and errors from analyzeGraph, computed once
// per graph object (documents are immutable, so identity is the cache key) and never stored.
import { analyzeGraph } from '../../app/graph/analyze.ts';
import type { Graph, GraphAnalysis, GraphError } from '../../app/graph/types.ts';
import { useProject } from './projectStore.ts';

const cache = new WeakMap<Graph, GraphAnalysis>();
const emptyGraph: Graph = { layers: [], connections: [] };

export function analyze(graph: Graph): GraphAnalysis {
  let result = cache.get(graph);
  if (!result) {
    result = analyzeGraph(graph);
    cache.set(graph, result);
  }
  return result;
}

/** The analysis of the open project's graph (of an empty graph when none is open). */
export function useAnalysis(): GraphAnalysis {
  const graph = useProject((s) => s.document?.graph ?? emptyGraph);
  return analyze(graph);
}

/** Errors by layer id; graph-wide errors (no input, no output...) under the empty string. */
export function errorsByLayer(analysis: GraphAnalysis): Map<string, GraphError[]> {
  const map = new Map<string, GraphError[]>();
  for (const e of analysis.errors) {
    const key = e.layerId ?? '';
    const list = map.get(key);
    if (list) list.push(e);
    else map.set(key, [e]);
  }
  return map;
}

/** "1,234,567" parameters; "4.9 MB" of float32 weights. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`;
}
