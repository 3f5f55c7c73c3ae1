// What differs between runs: configuration values by dotted path and graphs by layer name. Pure
// functions, so the compare view can also diff an unsaved graph against a recorded run.
import type { Graph } from '../graph/types.ts';
import type { GraphDiff, LayerChange, LayerDigest, ValueDiff } from './types.ts';

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    // No prototype: a key named "__proto__" must stay an ordinary key, or two different objects would hash alike.
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Leaves of a JSON object by dotted path; arrays are leaves (a changed list is one difference, not many). */
export function flattenPaths(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (isPlainObject(value) && (Object.keys(value).length > 0 || prefix === '')) {
    for (const [key, v] of Object.entries(value)) flattenPaths(v, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix !== '') {
    out.set(prefix, value);
  }
  return out;
}

/** Paths whose values are not the same in every object, in first-seen order; a missing value is null. */
export function diffValues(objects: unknown[]): ValueDiff[] {
  const flat = objects.map((o) => flattenPaths(o ?? {}));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const map of flat) for (const path of map.keys()) if (!seen.has(path)) { seen.add(path); paths.push(path); }
  const diffs: ValueDiff[] = [];
  for (const path of paths) {
    const values = flat.map((m) => (m.has(path) ? (m.get(path) ?? null) : null));
    const texts = new Set(values.map((v) => canonicalJson(v)));
    if (texts.size > 1) diffs.push({ path, values });
  }
  return diffs;
}

function digest(graph: Graph): Map<string, LayerDigest & { inputs: string[] }> {
  const nameById = new Map(graph.layers.map((l) => [l.id, l.name]));
  const layers = new Map<string, LayerDigest & { inputs: string[] }>();
  for (const layer of graph.layers) {
    const inputs = graph.connections
      .filter((c) => c.to === layer.id)
      .sort((a, b) => a.toSlot - b.toSlot)
      .map((c) => nameById.get(c.from) ?? c.from);
    layers.set(layer.name, { name: layer.name, type: layer.type, params: { ...layer.params }, inputs });
  }
  return layers;
}

/** Layers added, removed and changed (type, parameters, inputs) going from `base` to `other`, matched by name. */
export function diffGraphs(base: Graph, other: Graph): GraphDiff {
  const a = digest(base);
  const b = digest(other);
  const added: LayerDigest[] = [];
  const removed: LayerDigest[] = [];
  const changed: LayerChange[] = [];
  for (const [name, layer] of a) {
    if (!b.has(name)) removed.push({ name, type: layer.type, params: layer.params });
  }
  for (const [name, after] of b) {
    const before = a.get(name);
    if (!before) {
      added.push({ name, type: after.type, params: after.params });
      continue;
    }
    const change: LayerChange = { name, params: [] };
    if (before.type !== after.type) change.type = { before: before.type, after: after.type };
    const keys = [...new Set([...Object.keys(before.params), ...Object.keys(after.params)])].sort();
    for (const key of keys) {
      const x = before.params[key];
      const y = after.params[key];
      if (canonicalJson(x ?? null) !== canonicalJson(y ?? null)) change.params.push({ key, before: x ?? null, after: y ?? null });
    }
    if (canonicalJson(before.inputs) !== canonicalJson(after.inputs)) change.inputs = { before: before.inputs, after: after.inputs };
    if (change.type || change.params.length > 0 || change.inputs) changed.push(change);
  }
  return { identical: added.length === 0 && removed.length === 0 && changed.length === 0, added, removed, changed };
}
