// The graph edits behind the named commands, as pure functions: (document, arguments) → an undoable
// patch and the selection after it, or a CommandError in plain language when the edit makes no sense.
import type { DatasetBinding } from '../../app/data/binding.ts';
import { isValidLayerName, suggestLayerName } from '../../app/graph/analyze.ts';
import { getLayerDef, validateParam } from '../../app/graph/catalog.ts';
import { autoLayout as layoutGraph } from '../../app/graph/layout.ts';
import type { Connection, LayerNode, ParamValue } from '../../app/graph/types.ts';
import type { ProjectDocument } from '../../app/project/document.ts';
import type { TrainingConfig } from '../../app/training/config.ts';
import { connectionKey, type ClipboardContent, type EditResult, type LayerChange, type Position, type PositionChange } from '../state/patch.ts';
import { GAP_Y, downstream, placeBelowAll, placeInserted } from './placement.ts';

/** An edit that cannot be done; the message is shown to the user as is. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

function layerById(doc: ProjectDocument, id: string): { layer: LayerNode; index: number } {
  const index = doc.graph.layers.findIndex((l) => l.id === id);
  if (index < 0) throw new CommandError('That layer no longer exists; it may have been deleted.');
  return { layer: doc.graph.layers[index], index };
}

/** A new id from a readable base that no layer uses; ids are never shown, but readable ones help debugging. */
export function uniqueId(base: string, taken: Set<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_-]/g, '_').toLowerCase() || 'layer';
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) if (!taken.has(`${clean}_${i}`)) return `${clean}_${i}`;
}

/** `name` if free, else `name_1`, `name_2`... (a copy keeps the name it was copied from recognisable). */
export function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  const base = name.replace(/_\d+$/, '');
  for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** Parameters a new layer starts with: the ones TF.js requires, so the saved file says what it means. */
function startingParams(type: string): Record<string, ParamValue> {
  const def = getLayerDef(type);
  const params: Record<string, ParamValue> = {};
  for (const p of def?.params ?? []) if (p.required) params[p.name] = structuredClone(p.default);
  return params;
}

export interface AddLayerArgs {
  type: string;
  position?: Position;
  params?: Record<string, ParamValue>;
  name?: string;
  /**
   * Insert after this layer (click-to-add after the selection): it feeds the new layer, and what it fed
   * before is fed by the new layer instead.
   */
  after?: string;
  /** Insert into this connection (`connectionKey`), e.g. a layer dropped on a wire. */
  onConnection?: string;
}

/** The connection a new layer is inserted after or into, and the ones it takes over. */
function insertionPoint(doc: ProjectDocument, args: AddLayerArgs): { from: string; rerouted: Connection[] } | null {
  if (args.onConnection !== undefined) {
    const c = doc.graph.connections.find((x) => connectionKey(x) === args.onConnection);
    if (!c) throw new CommandError('That connection no longer exists; drop the layer on a connection that is drawn.');
    return { from: c.from, rerouted: [c] };
  }
  if (args.after === undefined) return null;
  layerById(doc, args.after);
  return { from: args.after, rerouted: doc.graph.connections.filter((c) => c.from === args.after) };
}

export function addLayer(doc: ProjectDocument, args: AddLayerArgs): EditResult {
  const def = getLayerDef(args.type);
  if (!def) throw new CommandError(`"${args.type}" is not a layer type Modelwright knows; pick one from the palette.`);
  const ids = new Set(doc.graph.layers.map((l) => l.id));
  const names = new Set(doc.graph.layers.map((l) => l.name));
  const name = args.name !== undefined ? args.name : suggestLayerName(def.type, names);
  if (names.has(name)) throw new CommandError(`There is already a layer named "${name}"; layer names must be unique.`);
  if (!isValidLayerName(name)) throw new CommandError(nameRule(name));
  const id = uniqueId(name, ids);
  const layer: LayerNode = { id, type: def.type, name, params: { ...startingParams(def.type), ...(args.params ?? {}) } };
  // A layer that starts a model (Input) takes no input: it is added on its own.
  const point = def.maxInputs > 0 ? insertionPoint(doc, args) : null;
  const positions = doc.layout.positions;
  const anchor = point ? positions[point.from] : undefined;
  // Inserted into the model, a layer goes one step below the layer it follows wherever it was dropped,
  // so the chain stays one readable column.
  const wanted = anchor ? { x: anchor.x, y: anchor.y + GAP_Y } : args.position ?? placeBelowAll(positions);
  // A layer dropped on empty canvas stays where it was dropped; one placed for the user covers nothing.
  const placed = point
    ? placeInserted(positions, doc.graph.connections, wanted, point.rerouted.map((c) => c.to))
    : args.position ? { position: args.position, moves: {} } : placeInserted(positions, [], wanted, []);
  const moves: PositionChange[] = Object.entries(placed.moves).map(([moved, after]) => ({ id: moved, before: positions[moved] ?? null, after }));
  return {
    patch: {
      layers: [{ id, before: null, after: layer, index: doc.graph.layers.length }],
      removeConnections: point?.rerouted ?? [],
      addConnections: point
        ? [{ from: point.from, to: id, toSlot: 0 }, ...point.rerouted.map((c) => ({ from: id, to: c.to, toSlot: c.toSlot }))]
        : [],
      positions: [{ id, before: null, after: placed.position }, ...moves],
    },
    select: { layers: [id], connections: [] },
  };
}

export interface RemoveArgs {
  /** Layer ids; their connections go with them. */
  layers?: string[];
  /** Connection keys (`connectionKey`) to remove on their own. */
  connections?: string[];
}

export function removeLayers(doc: ProjectDocument, args: RemoveArgs): EditResult | null {
  const ids = new Set(args.layers ?? []);
  const keys = new Set(args.connections ?? []);
  const layers: LayerChange[] = [];
  doc.graph.layers.forEach((l, index) => {
    if (ids.has(l.id)) layers.push({ id: l.id, before: l, after: null, index });
  });
  const removeConnections = doc.graph.connections.filter((c) => ids.has(c.from) || ids.has(c.to) || keys.has(connectionKey(c)));
  if (layers.length === 0 && removeConnections.length === 0) return null;
  const positions: PositionChange[] = layers
    .filter((c) => doc.layout.positions[c.id])
    .map((c) => ({ id: c.id, before: doc.layout.positions[c.id], after: null }));
  return { patch: { layers, removeConnections, positions }, select: { layers: [], connections: [] } };
}

/** How many input handles a layer shows: fixed for most layers, one spare for merges that take any number. */
export function inputSlotCount(layer: LayerNode, connections: readonly Connection[]): number {
  if (layer.block) return layer.block.inputs.length;
  const def = getLayerDef(layer.type);
  if (!def) return 1;
  if (def.maxInputs === 0) return 0;
  if (Number.isFinite(def.maxInputs)) return def.maxInputs;
  let highest = -1;
  for (const c of connections) if (c.to === layer.id && c.toSlot > highest) highest = c.toSlot;
  return Math.max(def.minInputs, highest + 2);
}

export interface ConnectArgs {
  from: string;
  to: string;
  toSlot?: number;
}

export function connectLayers(doc: ProjectDocument, args: ConnectArgs): EditResult | null {
  const { layer: source } = layerById(doc, args.from);
  const { layer: target } = layerById(doc, args.to);
  const slot = args.toSlot ?? 0;
  const def = getLayerDef(target.type);
  if (args.from === args.to) throw new CommandError(`A layer cannot feed itself; connect "${source.name}" to a layer after it.`);
  if (def && def.maxInputs === 0) {
    throw new CommandError(`"${target.name}" is an ${target.type} layer: it starts the model and takes no input. Connect its output to the next layer instead.`);
  }
  if (def && slot >= def.maxInputs) {
    throw new CommandError(`"${target.name}" (${target.type}) takes ${def.maxInputs === 1 ? 'one input' : `${def.maxInputs} inputs`}; use a free input handle.`);
  }
  if (!Number.isInteger(slot) || slot < 0) throw new CommandError('Pick one of the layer\'s input handles.');
  if (downstream(doc.graph.connections, [args.to]).has(args.from)) {
    throw new CommandError(`Connecting "${source.name}" to "${target.name}" would make a loop: "${target.name}" already feeds "${source.name}". Models here flow one way.`);
  }
  const occupied = doc.graph.connections.filter((c) => c.to === args.to && c.toSlot === slot);
  if (occupied.some((c) => c.from === args.from)) return null;
  const connection: Connection = { from: args.from, to: args.to, toSlot: slot };
  // A handle holds one tensor: dropping a new wire on a taken handle replaces the old one, as users expect.
  return {
    patch: { removeConnections: occupied, addConnections: [connection] },
    select: { layers: [], connections: [connectionKey(connection)] },
  };
}

export function disconnect(doc: ProjectDocument, args: { connections: string[] }): EditResult | null {
  const keys = new Set(args.connections);
  const removeConnections = doc.graph.connections.filter((c) => keys.has(connectionKey(c)));
  if (removeConnections.length === 0) return null;
  return { patch: { removeConnections }, select: { layers: [], connections: [] } };
}

export interface SetParamArgs {
  layerId: string;
  name: string;
  /** `undefined` resets the parameter to the catalog default. */
  value: ParamValue | undefined;
}

export function setParam(doc: ProjectDocument, args: SetParamArgs): EditResult | null {
  const { layer, index } = layerById(doc, args.layerId);
  const def = getLayerDef(layer.type);
  if (def) {
    const problem = validateParam(def, args.name, args.value);
    if (problem) throw new CommandError(problem);
  }
  const params = { ...layer.params };
  if (args.value === undefined) {
    if (!(args.name in params)) return null;
    delete params[args.name];
  } else {
    if (JSON.stringify(params[args.name]) === JSON.stringify(args.value)) return null;
    params[args.name] = args.value;
  }
  return { patch: { layers: [{ id: layer.id, before: layer, after: { ...layer, params }, index }] } };
}

function nameRule(name: string): string {
  return `"${name}" cannot be a layer name: use letters, digits, "-", "_" and ".", starting with a letter or digit (TF.js names the weights after it).`;
}

export function renameLayer(doc: ProjectDocument, args: { layerId: string; name: string }): EditResult | null {
  const { layer, index } = layerById(doc, args.layerId);
  const name = args.name.trim();
  if (name === layer.name) return null;
  if (!isValidLayerName(name)) throw new CommandError(nameRule(name));
  if (doc.graph.layers.some((l) => l.name === name && l.id !== layer.id)) {
    throw new CommandError(`There is already a layer named "${name}"; layer names must be unique.`);
  }
  return { patch: { layers: [{ id: layer.id, before: layer, after: { ...layer, name }, index }] } };
}

export function moveLayers(doc: ProjectDocument, args: { positions: Record<string, Position> }): EditResult | null {
  const ids = new Set(doc.graph.layers.map((l) => l.id));
  const positions: PositionChange[] = [];
  for (const [id, p] of Object.entries(args.positions)) {
    if (!ids.has(id)) continue;
    const before = doc.layout.positions[id] ?? null;
    const after = { x: Math.round(p.x), y: Math.round(p.y) };
    if (before && before.x === after.x && before.y === after.y) continue;
    positions.push({ id, before, after });
  }
  return positions.length ? { patch: { positions } } : null;
}

/** The clipboard form of some layers: only connections among them travel with them. */
export function copyLayers(doc: ProjectDocument, ids: readonly string[]): ClipboardContent | null {
  const set = new Set(ids);
  const layers = doc.graph.layers.filter((l) => set.has(l.id));
  if (layers.length === 0) return null;
  const positions: Record<string, Position> = {};
  for (const l of layers) if (doc.layout.positions[l.id]) positions[l.id] = doc.layout.positions[l.id];
  return {
    layers: structuredClone(layers),
    connections: doc.graph.connections.filter((c) => set.has(c.from) && set.has(c.to)).map((c) => ({ ...c })),
    positions,
  };
}

/** Inserts copies with fresh ids and names, shifted by `offset` so they do not hide the originals. */
export function paste(doc: ProjectDocument, args: { clip: ClipboardContent; offset?: Position }): EditResult | null {
  const { clip } = args;
  if (!clip || clip.layers.length === 0) return null;
  const offset = args.offset ?? { x: 40, y: 40 };
  const ids = new Set(doc.graph.layers.map((l) => l.id));
  const names = new Set(doc.graph.layers.map((l) => l.name));
  const idMap = new Map<string, string>();
  const layers: LayerChange[] = [];
  const positions: PositionChange[] = [];
  const fallback = placeBelowAll(doc.layout.positions);
  clip.layers.forEach((l, i) => {
    const name = uniqueName(l.name, names);
    names.add(name);
    const id = uniqueId(name, ids);
    ids.add(id);
    idMap.set(l.id, id);
    layers.push({ id, before: null, after: { id, type: l.type, name, params: structuredClone(l.params), ...(l.trainable === false ? { trainable: false } : {}), ...(l.block ? { block: structuredClone(l.block) } : {}) }, index: doc.graph.layers.length + i });
    const p = clip.positions[l.id];
    positions.push({ id, before: null, after: p ? { x: p.x + offset.x, y: p.y + offset.y } : { x: fallback.x, y: fallback.y + i * GAP_Y } });
  });
  const addConnections = clip.connections
    .filter((c) => idMap.has(c.from) && idMap.has(c.to))
    .map((c) => ({ from: idMap.get(c.from) as string, to: idMap.get(c.to) as string, toSlot: c.toSlot }));
  return { patch: { layers, addConnections, positions }, select: { layers: [...idMap.values()], connections: [] } };
}

export function duplicate(doc: ProjectDocument, args: { ids: string[] }): EditResult | null {
  const clip = copyLayers(doc, args.ids);
  return clip ? paste(doc, { clip }) : null;
}

export function autoLayout(doc: ProjectDocument, args: { direction?: 'TB' | 'LR' } = {}): EditResult | null {
  const placed = layoutGraph(doc.graph, { direction: args.direction ?? 'TB' });
  return moveLayers(doc, { positions: placed });
}

export function setDataset(doc: ProjectDocument, args: { dataset: DatasetBinding | null }): EditResult | null {
  if (JSON.stringify(doc.dataset) === JSON.stringify(args.dataset)) return null;
  return { patch: { fields: [{ key: 'dataset', before: doc.dataset, after: args.dataset }] } };
}

export function setTraining(doc: ProjectDocument, args: { training: TrainingConfig | null }): EditResult | null {
  if (JSON.stringify(doc.training) === JSON.stringify(args.training)) return null;
  return { patch: { fields: [{ key: 'training', before: doc.training, after: args.training }] } };
}

export function renameProject(doc: ProjectDocument, args: { name: string }): EditResult | null {
  const name = args.name.trim();
  if (!name) throw new CommandError('A project needs a name.');
  if (name.length > 200) throw new CommandError('A project name can be at most 200 characters long.');
  if (name === doc.name) return null;
  return { patch: { fields: [{ key: 'name', before: doc.name, after: name }] } };
}
