// The block edits (docs/blocks.md) as pure, undoable functions: make a block of selected layers, expand
// a block back onto the canvas (collapsing is making it again under the same name), insert a copy of a
// block from the palette.
import { suggestLayerName } from '../../app/graph/analyze.ts';
import { autoLayout } from '../../app/graph/layout.ts';
import { BLOCK_TYPE, blockProblems } from '../../app/graph/schema.ts';
import type { Block, Connection, LayerNode } from '../../app/graph/types.ts';
import type { ProjectDocument } from '../../app/project/document.ts';
import type { EditResult, LayerChange, Position, PositionChange } from '../state/patch.ts';
import { CommandError, uniqueId, uniqueName } from './graphEdits.ts';
import { placeBelowAll } from './placement.ts';

export interface MakeBlockArgs {
  /** The layers that go into the block. */
  ids: string[];
  /** The block node's name (default: from the definition, e.g. `block`, `transformer_encoder_1`). */
  name?: string;
  /** The block's kind (default `Block`); collapsing an expanded block passes its own. */
  definition?: string;
  version?: number;
}

const quoteNames = (layers: LayerNode[]) => layers.map((l) => `"${l.name}"`).join(', ');

/**
 * The selected layers become one block node in their place: connections from outside become its input
 * ports (one per layer feeding in), the one layer that feeds outside becomes its output.
 */
export function makeBlock(doc: ProjectDocument, args: MakeBlockArgs): EditResult {
  const chosen = new Set(args.ids);
  const members = doc.graph.layers.filter((l) => chosen.has(l.id));
  if (members.length === 0) throw new CommandError('Select the layers that should become a block first.');
  if (members.length < chosen.size) throw new CommandError('Some of the selected layers no longer exist; select the layers again.');
  const inputs = members.filter((l) => l.type === 'Input');
  if (inputs.length) throw new CommandError(`An Input layer cannot go into a block (its inputs are its ports): leave ${quoteNames(inputs)} out of the selection.`);
  const nested = members.filter((l) => l.block);
  if (nested.length) throw new CommandError(`Blocks do not go inside blocks: expand ${quoteNames(nested)} first, or leave it out of the selection.`);

  const inside = (id: string) => chosen.has(id);
  const internal = doc.graph.connections.filter((c) => inside(c.from) && inside(c.to));
  const incoming = doc.graph.connections.filter((c) => !inside(c.from) && inside(c.to));
  const outgoing = doc.graph.connections.filter((c) => inside(c.from) && !inside(c.to));
  if (incoming.length === 0) throw new CommandError('Nothing flows into the selected layers from outside; connect them first (a block needs at least one input).');
  const sources = [...new Set(incoming.map((c) => c.from))];
  const exits = [...new Set(outgoing.map((c) => c.from))];
  const ends = exits.length > 0 ? exits : members.filter((l) => !internal.some((c) => c.from === l.id)).map((l) => l.id);
  if (ends.length !== 1) {
    const named = members.filter((l) => ends.includes(l.id));
    throw new CommandError(`A block has one output, but ${quoteNames(named)} ${exits.length > 0 ? 'feed layers outside the selection' : 'end the selection'}; select layers that end in one layer.`);
  }

  const definition = args.definition ?? BLOCK_TYPE;
  const block: Block = {
    definition,
    version: args.version ?? 1,
    layers: members.map((l) => ({ id: l.id, type: l.type, name: l.name, params: l.params, ...(l.trainable === false ? { trainable: false } : {}) })),
    connections: internal.map((c) => ({ ...c })),
    inputs: sources.map((s) => incoming.filter((c) => c.from === s).map((c) => ({ layer: c.to, slot: c.toSlot }))),
    output: ends[0],
  };
  const problems = blockProblems(block);
  if (problems.length) throw new CommandError(`These layers cannot form a block: ${problems[0]}.`);

  const ids = new Set(doc.graph.layers.map((l) => l.id));
  const names = new Set(doc.graph.layers.filter((l) => !inside(l.id)).map((l) => l.name));
  const name = args.name ?? suggestLayerName(definition, names);
  if (names.has(name)) throw new CommandError(`A layer is already named "${name}"; choose another name for the block.`);
  const id = uniqueId(name, ids);
  const node: LayerNode = { id, type: BLOCK_TYPE, name, params: {}, block };

  const layers: LayerChange[] = [];
  let first = -1;
  doc.graph.layers.forEach((l, index) => {
    if (!inside(l.id)) return;
    if (first < 0) first = index;
    layers.push({ id: l.id, before: l, after: null, index });
  });
  layers.push({ id, before: null, after: node, index: first });
  const addConnections: Connection[] = [
    ...sources.map((from, toSlot) => ({ from, to: id, toSlot })),
    ...outgoing.map((c) => ({ from: id, to: c.to, toSlot: c.toSlot })),
  ];
  const placed = members.map((l) => doc.layout.positions[l.id]).filter((p): p is Position => p !== undefined);
  const at = placed.length
    ? { x: Math.round(placed.reduce((s, p) => s + p.x, 0) / placed.length), y: Math.min(...placed.map((p) => p.y)) }
    : placeBelowAll(doc.layout.positions);
  const positions: PositionChange[] = [
    ...members.filter((l) => doc.layout.positions[l.id]).map((l) => ({ id: l.id, before: doc.layout.positions[l.id], after: null })),
    { id, before: null, after: at },
  ];
  return {
    patch: { layers, removeConnections: [...internal, ...incoming, ...outgoing], addConnections, positions },
    select: { layers: [id], connections: [] },
  };
}

/** What an expanded block was, so that "Collapse" can make the same block of its layers again. */
export interface ExpandedBlock {
  name: string;
  definition: string;
  version: number;
  ids: string[];
}

/**
 * The block's layers back on the canvas in its place (laid out from where the block was), wired as the
 * block was; names and ids stay those inside the block unless another layer already has them.
 */
export function expandBlock(doc: ProjectDocument, args: { id: string }): EditResult & { expanded: ExpandedBlock } {
  const index = doc.graph.layers.findIndex((l) => l.id === args.id);
  const node = doc.graph.layers[index];
  if (!node) throw new CommandError('That block no longer exists; it may have been deleted.');
  if (!node.block) throw new CommandError(`"${node.name}" is a layer, not a block; only blocks can be expanded.`);
  const { block } = node;
  const ids = new Set(doc.graph.layers.filter((l) => l.id !== node.id).map((l) => l.id));
  const names = new Set(doc.graph.layers.filter((l) => l.id !== node.id).map((l) => l.name));
  const idMap = new Map<string, string>();
  const inner: LayerNode[] = block.layers.map((l) => {
    const id = uniqueId(l.id, ids);
    ids.add(id);
    idMap.set(l.id, id);
    const name = uniqueName(l.name, names);
    names.add(name);
    // A layer of a frozen block stays frozen once ungrouped.
    const frozen = node.trainable === false || l.trainable === false;
    return { id, type: l.type, name, params: structuredClone(l.params), ...(frozen ? { trainable: false } : {}) };
  });
  const to = (innerId: string) => idMap.get(innerId) as string;
  const innerConnections = block.connections.map((c) => ({ from: to(c.from), to: to(c.to), toSlot: c.toSlot }));
  const into = doc.graph.connections.filter((c) => c.to === node.id);
  const outOf = doc.graph.connections.filter((c) => c.from === node.id);
  const addConnections: Connection[] = [
    ...innerConnections,
    ...into.flatMap((c) => (block.inputs[c.toSlot] ?? []).map((t) => ({ from: c.from, to: to(t.layer), toSlot: t.slot }))),
    ...outOf.map((c) => ({ from: to(block.output), to: c.to, toSlot: c.toSlot })),
  ];
  const layers: LayerChange[] = [
    { id: node.id, before: node, after: null, index },
    ...inner.map((l, i) => ({ id: l.id, before: null, after: l, index: index + i })),
  ];
  const origin = doc.layout.positions[node.id] ?? placeBelowAll(doc.layout.positions);
  const laid = autoLayout({ layers: inner, connections: innerConnections }, { direction: 'TB' });
  const minX = Math.min(...Object.values(laid).map((p) => p.x));
  const minY = Math.min(...Object.values(laid).map((p) => p.y));
  const positions: PositionChange[] = [
    ...(doc.layout.positions[node.id] ? [{ id: node.id, before: doc.layout.positions[node.id], after: null }] : []),
    ...inner.map((l) => ({ id: l.id, before: null, after: { x: Math.round(origin.x + laid[l.id].x - minX), y: Math.round(origin.y + laid[l.id].y - minY) } })),
  ];
  const innerIds = inner.map((l) => l.id);
  return {
    patch: { layers, removeConnections: [...into, ...outOf], addConnections, positions },
    select: { layers: innerIds, connections: [] },
    expanded: { name: node.name, definition: block.definition, version: block.version, ids: innerIds },
  };
}

/** A copy of a block (built-in or from "My blocks") as a new, unconnected node. */
export function insertBlock(doc: ProjectDocument, args: { block: Block; position?: Position }): EditResult {
  const problems = blockProblems(args.block);
  if (problems.length) throw new CommandError(`The block "${args.block.definition}" cannot be used: ${problems[0]}.`);
  const names = new Set(doc.graph.layers.map((l) => l.name));
  const name = suggestLayerName(args.block.definition, names);
  const id = uniqueId(name, new Set(doc.graph.layers.map((l) => l.id)));
  const node: LayerNode = { id, type: BLOCK_TYPE, name, params: {}, block: structuredClone(args.block) };
  return {
    patch: {
      layers: [{ id, before: null, after: node, index: doc.graph.layers.length }],
      positions: [{ id, before: null, after: args.position ?? placeBelowAll(doc.layout.positions) }],
    },
    select: { layers: [id], connections: [] },
  };
}
