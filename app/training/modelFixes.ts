// One-click fixes of the readiness check (./readiness.ts) as data, and the one pure function that applies
// them to a graph and its training settings. The studio turns the result into one undoable edit; tests
// apply a fix and check again.
import { suggestLayerName } from '../graph/analyze.ts';
import type { Connection, Graph, LayerNode, ParamValue } from '../graph/types.ts';
import type { LossName } from './config.ts';

/** A layer a fix adds: its type and parameters (name and id are chosen when it is added). */
export interface NewLayer {
  type: string;
  params: Record<string, ParamValue>;
  /**
   * The base of its name (`head` → head, head_1, …), else the type's. A replaced layer's own name stays
   * taken then, so the new layer never has the old one's name (a warm start matches weights by name).
   */
  name?: string;
}

export type FixAction =
  /** Sets (merges) parameters of one layer. */
  | { kind: 'set-params'; layerId: string; params: Record<string, ParamValue> }
  /** Removes layers and their connections; with `bridge`, what fed a removed layer feeds what it fed. */
  | { kind: 'remove-layers'; layerIds: string[]; bridge?: boolean }
  /** Adds a chain of layers after `layerId`: the connections out of it go out of the last new layer instead. */
  | { kind: 'insert-after'; layerId: string; layers: NewLayer[] }
  /** Adds a chain of layers into the connection that feeds input `slot` of `layerId`. */
  | { kind: 'insert-before'; layerId: string; slot: number; layers: NewLayer[] }
  /** Turns a layer into another type (same place and connections, a name that fits the new type). */
  | { kind: 'replace-layer'; layerId: string; layer: NewLayer }
  /** Removes some connections and adds others. */
  | { kind: 'rewire'; remove: Connection[]; add: Connection[] }
  /** Sets the training loss (`auto` chooses it from the output layer). */
  | { kind: 'set-loss'; loss: LossName | 'auto' };

export interface ModelFix {
  /** Button words: "Set units to 3, activation softmax". */
  label: string;
  actions: FixAction[];
}

/** What a fix changes: the graph and, for loss fixes, the loss setting. */
export interface FixTarget {
  graph: Graph;
  loss: LossName | 'auto';
}

const key = (c: Connection) => `${c.from}->${c.to}:${c.toSlot}`;

function freshLayer(graph: Graph, spec: NewLayer, names: Set<string>, ids: Set<string>): LayerNode {
  const name = suggestLayerName(spec.name ?? spec.type, names);
  names.add(name);
  let id = name;
  for (let i = 2; ids.has(id); i++) id = `${name}_${i}`;
  ids.add(id);
  return { id, type: spec.type, name, params: structuredClone(spec.params) };
}

/** Puts `added` into the layer list right after `anchorId` (document order reads like the model). */
function placeAfter(layers: LayerNode[], anchorId: string, added: LayerNode[]): LayerNode[] {
  const at = layers.findIndex((l) => l.id === anchorId);
  return at < 0 ? [...layers, ...added] : [...layers.slice(0, at + 1), ...added, ...layers.slice(at + 1)];
}

function chain(from: string, layers: LayerNode[]): Connection[] {
  return layers.map((l, i) => ({ from: i === 0 ? from : layers[i - 1].id, to: l.id, toSlot: 0 }));
}

function applyAction(target: FixTarget, action: FixAction): FixTarget {
  const { graph } = target;
  const names = new Set(graph.layers.map((l) => l.name));
  const ids = new Set(graph.layers.map((l) => l.id));
  switch (action.kind) {
    case 'set-loss':
      return { ...target, loss: action.loss };
    case 'set-params':
      return {
        ...target,
        graph: { ...graph, layers: graph.layers.map((l) => (l.id === action.layerId ? { ...l, params: { ...l.params, ...structuredClone(action.params) } } : l)) },
      };
    case 'replace-layer': {
      const old = graph.layers.find((l) => l.id === action.layerId);
      if (!old) return target;
      if (action.layer.name === undefined) names.delete(old.name);
      const name = suggestLayerName(action.layer.name ?? action.layer.type, names);
      const layer: LayerNode = { id: old.id, type: action.layer.type, name, params: structuredClone(action.layer.params) };
      return { ...target, graph: { ...graph, layers: graph.layers.map((l) => (l.id === old.id ? layer : l)) } };
    }
    case 'remove-layers': {
      const gone = new Set(action.layerIds);
      let connections = graph.connections.filter((c) => !gone.has(c.from) && !gone.has(c.to));
      if (action.bridge) {
        for (const id of action.layerIds) {
          const feeds = graph.connections.filter((c) => c.to === id);
          if (feeds.length !== 1 || gone.has(feeds[0].from)) continue;
          for (const out of graph.connections.filter((c) => c.from === id && !gone.has(c.to))) {
            connections = [...connections, { from: feeds[0].from, to: out.to, toSlot: out.toSlot }];
          }
        }
      }
      return { ...target, graph: { layers: graph.layers.filter((l) => !gone.has(l.id)), connections } };
    }
    case 'insert-after': {
      const added = action.layers.map((s) => freshLayer(graph, s, names, ids));
      if (added.length === 0) return target;
      const last = added[added.length - 1].id;
      const connections = graph.connections.map((c) => (c.from === action.layerId ? { ...c, from: last } : c));
      return { ...target, graph: { layers: placeAfter(graph.layers, action.layerId, added), connections: [...connections, ...chain(action.layerId, added)] } };
    }
    case 'insert-before': {
      const feed = graph.connections.find((c) => c.to === action.layerId && c.toSlot === action.slot);
      const added = action.layers.map((s) => freshLayer(graph, s, names, ids));
      if (!feed || added.length === 0) return target;
      const last = added[added.length - 1].id;
      const connections = graph.connections.map((c) => (c === feed ? { ...c, from: last } : c));
      return { ...target, graph: { layers: placeAfter(graph.layers, feed.from, added), connections: [...connections, ...chain(feed.from, added)] } };
    }
    case 'rewire': {
      const drop = new Set(action.remove.map(key));
      const kept = graph.connections.filter((c) => !drop.has(key(c)));
      const have = new Set(kept.map(key));
      return { ...target, graph: { ...graph, connections: [...kept, ...action.add.filter((c) => !have.has(key(c)))] } };
    }
  }
}

/** The graph and loss after a fix; the input is not changed. */
export function applyFix(target: FixTarget, fix: ModelFix): FixTarget {
  return fix.actions.reduce(applyAction, target);
}
