// Derived data of the open graph: shapes, parameter counts and errors from analyzeGraph, computed once
// per graph object (documents are immutable, so identity is the cache key) and never stored.
import { analyzeGraph } from '../../app/graph/analyze.ts';
import type { Graph, GraphAnalysis } from '../../app/graph/types.ts';
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
