// Blocks (docs/blocks.md): a node of type `Block` holds an inner graph. Everything that computes with a
// graph — shape inference, building, Keras export, code generation — works on the flattened graph this
// module makes, and the analysis of a graph with blocks is mapped back onto its block nodes here.
import { BLOCK_TYPE } from './schema.ts';
import type { Block, Connection, Graph, GraphAnalysis, GraphError, LayerInfo, LayerNode } from './types.ts';

/** Where a layer of a flattened graph came from: the block node it was inside, and its id there. */
export interface BlockOrigin {
  blockId: string;
  /** The block node's name (this use of the block). */
  blockName: string;
  /** The block's definition name, e.g. `TransformerEncoder`. */
  definition: string;
  innerId: string;
}

export interface FlatGraph {
  graph: Graph;
  /** Per id of a flattened layer that was inside a block. */
  origins: Map<string, BlockOrigin>;
}

export function isBlock(layer: LayerNode): layer is LayerNode & { block: Block } {
  return layer.type === BLOCK_TYPE && layer.block !== undefined;
}

export function hasBlocks(graph: Graph): boolean {
  return graph.layers.some(isBlock);
}

/** Id of an inner layer once flattened: unique as long as block ids are. */
export function flatId(blockId: string, innerId: string): string {
  return `${blockId}/${innerId}`;
}

/** Name of an inner layer once flattened: the block's name, "_", its own (a valid Keras and TF.js name). */
export function flatName(blockName: string, innerName: string): string {
  return `${blockName}_${innerName}`;
}

/**
 * The same model with every block replaced by its inner layers (ids `block/inner`, names
 * `block_inner`): a connection into port k of a block goes to every inner slot that port feeds, a
 * connection out of a block leaves from its output layer. Returns the same graph when it has no blocks.
 */
export function flattenBlocks(graph: Graph): FlatGraph {
  if (!hasBlocks(graph)) return { graph, origins: new Map() };
  const blocks = new Map(graph.layers.filter(isBlock).map((b) => [b.id, b]));
  const origins = new Map<string, BlockOrigin>();
  const layers: LayerNode[] = [];
  const connections: Connection[] = [];
  for (const layer of graph.layers) {
    if (!isBlock(layer)) {
      layers.push(layer);
      continue;
    }
    const { block } = layer;
    for (const inner of block.layers) {
      const id = flatId(layer.id, inner.id);
      const frozen = layer.trainable === false || inner.trainable === false;
      layers.push({ id, type: inner.type, name: flatName(layer.name, inner.name), params: inner.params, ...(frozen ? { trainable: false } : {}) });
      origins.set(id, { blockId: layer.id, blockName: layer.name, definition: block.definition, innerId: inner.id });
    }
    for (const c of block.connections) connections.push({ from: flatId(layer.id, c.from), to: flatId(layer.id, c.to), toSlot: c.toSlot });
  }
  for (const c of graph.connections) {
    const source = blocks.get(c.from);
    const from = source ? flatId(source.id, source.block.output) : c.from;
    const target = blocks.get(c.to);
    if (!target) {
      connections.push({ from, to: c.to, toSlot: c.toSlot });
      continue;
    }
    // A connection into a port the block does not have is dropped; analyzeGraph reports it on the block.
    for (const t of target.block.inputs[c.toSlot] ?? []) connections.push({ from, to: flatId(target.id, t.layer), toSlot: t.slot });
  }
  return { graph: { layers, connections }, origins };
}

/**
 * The analysis of a flattened graph seen from the graph with blocks: a block node gets its output
 * layer's shape, the shapes fed to its ports and the sum of its layers' weights; problems inside a
 * block are attached to the block node and say which inner layer they are about.
 */
export function mapAnalysisToBlocks(graph: Graph, flat: FlatGraph, analysis: GraphAnalysis): GraphAnalysis {
  const { origins } = flat;
  const outer = (id: string) => origins.get(id)?.blockId ?? id;
  const blocks = new Map(graph.layers.filter(isBlock).map((b) => [b.id, b]));
  const sourceId = (id: string) => {
    const b = blocks.get(id);
    return b ? flatId(b.id, b.block.output) : id;
  };
  const layers: Record<string, LayerInfo> = {};
  for (const layer of graph.layers) {
    if (!isBlock(layer)) {
      if (analysis.layers[layer.id]) layers[layer.id] = analysis.layers[layer.id];
      continue;
    }
    let params = 0;
    let trainable = 0;
    for (const inner of layer.block.layers) {
      const info = analysis.layers[flatId(layer.id, inner.id)];
      params += info?.params ?? 0;
      trainable += info?.trainableParams ?? 0;
    }
    const out = analysis.layers[flatId(layer.id, layer.block.output)];
    const inputShapes = graph.connections
      .filter((c) => c.to === layer.id)
      .sort((a, b) => a.toSlot - b.toSlot)
      .map((c) => analysis.layers[sourceId(c.from)]?.outputShape ?? null)
      .filter((s) => s !== null);
    layers[layer.id] = { outputShape: out?.outputShape ?? null, inputShapes, params, trainableParams: trainable };
  }
  // Blocks take their place in the order where their output layer is: every inner layer comes before it.
  const outputIds = new Set(graph.layers.filter(isBlock).map((b) => flatId(b.id, b.block.output)));
  const order = analysis.order.filter((id) => !origins.has(id) || outputIds.has(id)).map(outer);
  const ports = portErrors(graph);
  // An open port starves the layers behind it: its own error says it once, instead of theirs.
  const starved = new Set(ports.map((e) => e.layerId));
  const consequence = new Set<GraphError['kind']>(['input-count', 'disconnected']);
  const errors: GraphError[] = [];
  for (const e of analysis.errors) {
    const origin = e.layerId ? origins.get(e.layerId) : undefined;
    if (!origin) errors.push(e);
    else if (!(starved.has(origin.blockId) && consequence.has(e.kind))) {
      errors.push({ ...e, layerId: origin.blockId, layerName: origin.blockName, message: `In block "${origin.blockName}": ${e.message}` });
    }
  }
  errors.push(...ports);
  return {
    ...analysis,
    valid: errors.length === 0,
    layers,
    order,
    inputs: [...new Set(analysis.inputs.map(outer))],
    outputs: [...new Set(analysis.outputs.map(outer))],
    errors,
  };
}

/** A block with a port left open, or a connection into a port it does not have. */
function portErrors(graph: Graph): GraphError[] {
  const errors: GraphError[] = [];
  for (const layer of graph.layers.filter(isBlock)) {
    const ports = layer.block.inputs.length;
    const slots = graph.connections.filter((c) => c.to === layer.id).map((c) => c.toSlot);
    const extra = slots.find((s) => s >= ports);
    const open = [...Array(ports).keys()].find((k) => !slots.includes(k));
    const at = { layerId: layer.id, layerName: layer.name };
    if (extra !== undefined) {
      errors.push({ kind: 'input-count', ...at, message: `Block "${layer.name}" has ${ports} input${ports === 1 ? '' : 's'} but a connection goes into input ${extra + 1}`, fix: 'delete that connection' });
    } else if (open !== undefined) {
      const nothing = slots.length === 0 && !graph.connections.some((c) => c.from === layer.id);
      errors.push(nothing
        ? { kind: 'disconnected', ...at, message: `Block "${layer.name}" is not connected to anything`, fix: 'connect it between other layers, or delete it' }
        : { kind: 'input-count', ...at, message: `Block "${layer.name}" has nothing connected to its input ${open + 1}`, fix: 'connect a layer into it' });
    }
  }
  return errors;
}
