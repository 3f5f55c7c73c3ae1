// Undoable patches on a project document: each graph edit records what it changed (layers, connections,
// positions, top-level fields) with before and after, so undo applies the inverse instead of a snapshot.
import type { Connection, LayerNode } from '../../app/graph/types.ts';
import type { ProjectDocument } from '../../app/project/document.ts';
import type { Selection } from './selection.ts';

export interface Position {
  x: number;
  y: number;
}

/** What a graph edit returns: the patch, and the selection after it (after undo the previous selection comes back). */
export interface EditResult {
  patch: DocPatch;
  select?: Selection;
}

/** Layers copied to the clipboard: their connections among themselves and their positions. */
export interface ClipboardContent {
  layers: LayerNode[];
  connections: Connection[];
  positions: Record<string, Position>;
}

/** One layer added (before null), removed (after null) or replaced; `index` is its place in `graph.layers`. */
export interface LayerChange {
  id: string;
  before: LayerNode | null;
  after: LayerNode | null;
  index: number;
}

export interface PositionChange {
  id: string;
  before: Position | null;
  after: Position | null;
}

/** Document fields outside the graph that commands may change (data binding, training settings, name, notes). */
export type PatchField = 'name' | 'dataset' | 'training' | 'notes';

export interface FieldChange<K extends PatchField = PatchField> {
  key: K;
  before: ProjectDocument[K];
  after: ProjectDocument[K];
}

/** One connection removed or added at `index` of `graph.connections` (so undo restores the exact order). */
export interface ConnectionChange {
  op: 'add' | 'remove';
  connection: Connection;
  index: number;
}

export interface DocPatch {
  layers?: LayerChange[];
  /** Convenience input for edits; `resolvePatch` turns these into indexed `connections` changes. */
  removeConnections?: Connection[];
  addConnections?: Connection[];
  connections?: ConnectionChange[];
  positions?: PositionChange[];
  fields?: FieldChange[];
}

/** The identity of a connection: one tensor into one input slot. */
export function connectionKey(c: Connection): string {
  return `${c.from}->${c.to}:${c.toSlot}`;
}

export function isEmptyPatch(p: DocPatch): boolean {
  return !p.layers?.length && !p.removeConnections?.length && !p.addConnections?.length && !p.connections?.length && !p.positions?.length && !p.fields?.length;
}

/**
 * Pins the patch to `doc`: removed and added connections get their indices (removals where they are,
 * additions appended), so applying and inverting are exact. Already-resolved patches pass through.
 */
export function resolvePatch(doc: ProjectDocument, p: DocPatch): DocPatch {
  if (!p.removeConnections?.length && !p.addConnections?.length) {
    const { removeConnections: _r, addConnections: _a, ...rest } = p;
    return rest;
  }
  const drop = new Set((p.removeConnections ?? []).map(connectionKey));
  const changes: ConnectionChange[] = [...(p.connections ?? [])];
  let kept = 0;
  doc.graph.connections.forEach((c, index) => {
    if (drop.has(connectionKey(c))) changes.push({ op: 'remove', connection: c, index });
    else kept++;
  });
  (p.addConnections ?? []).forEach((c, i) => changes.push({ op: 'add', connection: c, index: kept + i }));
  const { removeConnections: _r, addConnections: _a, ...rest } = p;
  return { ...rest, connections: changes };
}

/** The patch that undoes `p` (a resolved one). */
export function invertPatch(p: DocPatch): DocPatch {
  return {
    layers: p.layers?.map((c) => ({ id: c.id, before: c.after, after: c.before, index: c.index })),
    connections: p.connections?.map((c) => ({ op: c.op === 'add' ? 'remove' : 'add', connection: c.connection, index: c.index })),
    positions: p.positions?.map((c) => ({ id: c.id, before: c.after, after: c.before })),
    fields: p.fields?.map((c) => ({ key: c.key, before: c.after, after: c.before }) as FieldChange),
  };
}

/**
 * A new document with the patch applied; untouched parts keep their identity so memoized views and the
 * analysis cache see what did not change. Removals go last-index-first and insertions first-index-first,
 * which is what makes an inverted removal put every layer back where it was.
 */
export function applyPatch(doc: ProjectDocument, patch: DocPatch): ProjectDocument {
  const p = resolvePatch(doc, patch);
  let graph = doc.graph;
  if (p.layers?.length) {
    const layers = graph.layers.slice();
    const removals = p.layers.filter((c) => c.before && !c.after).sort((a, b) => b.index - a.index);
    const inserts = p.layers.filter((c) => !c.before && c.after).sort((a, b) => a.index - b.index);
    for (const c of p.layers) {
      if (c.before && c.after) {
        const i = layers.findIndex((l) => l.id === c.id);
        if (i < 0) throw new Error(`patch: layer ${c.id} is not in the document`);
        layers[i] = c.after;
      }
    }
    for (const c of removals) {
      const i = layers[c.index]?.id === c.id ? c.index : layers.findIndex((l) => l.id === c.id);
      if (i < 0) throw new Error(`patch: layer ${c.id} is not in the document`);
      layers.splice(i, 1);
    }
    for (const c of inserts) layers.splice(Math.min(c.index, layers.length), 0, c.after as LayerNode);
    graph = { ...graph, layers };
  }
  if (p.connections?.length) {
    const connections = graph.connections.slice();
    const removals = p.connections.filter((c) => c.op === 'remove').sort((a, b) => b.index - a.index);
    const inserts = p.connections.filter((c) => c.op === 'add').sort((a, b) => a.index - b.index);
    for (const c of removals) {
      const key = connectionKey(c.connection);
      const i = connections[c.index] && connectionKey(connections[c.index]) === key ? c.index : connections.findIndex((x) => connectionKey(x) === key);
      if (i >= 0) connections.splice(i, 1);
    }
    for (const c of inserts) connections.splice(Math.min(c.index, connections.length), 0, c.connection);
    graph = { ...graph, connections };
  }
  let layout = doc.layout;
  if (p.positions?.length) {
    const positions = { ...layout.positions };
    for (const c of p.positions) {
      if (c.after) positions[c.id] = c.after;
      else delete positions[c.id];
    }
    layout = { ...layout, positions };
  }
  let next: ProjectDocument = graph === doc.graph && layout === doc.layout ? doc : { ...doc, graph, layout };
  if (p.fields?.length) {
    next = { ...next };
    for (const f of p.fields) {
      if (f.after === undefined) delete (next as Partial<ProjectDocument>)[f.key];
      else (next as Record<PatchField, unknown>)[f.key] = f.after;
    }
  }
  return next;
}
