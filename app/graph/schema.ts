// The model graph as a zod schema: what a graph must be to be opened, trained or sent to the API, and the
// limits that refuse absurd or hostile content before anything else looks at it. The Graph, LayerNode and
// Connection types are what these schemas give (app/graph/types.ts).
import { z } from 'zod';
import { FORBIDDEN_KEYS } from '../project/safeJson.ts';
import type { ParamValue } from './types.ts';

/** Limits far above any real model but low enough that a hostile graph cannot exhaust memory or time. */
export const graphLimits = {
  maxLayers: 100_000,
  maxConnections: 400_000,
  maxInputSlot: 1_023,
  maxNameLength: 200,
  maxIdLength: 200,
  maxTypeLength: 100,
  maxParamNameLength: 100,
  maxParamsPerLayer: 200,
  maxStringParamLength: 10_000,
  maxArrayParamLength: 1_024,
  maxWrapperDepth: 4,
  maxBlockLayers: 1_000,
  maxBlockConnections: 4_000,
  maxBlockPorts: 16,
  maxBlockPortTargets: 64,
  /** Largest size of one dimension (units, filters, a shape entry): TF.js indexes tensors with int32. */
  maxDimension: 2 ** 31 - 1,
  /** Largest number of values in one sample of an input or reshape target. */
  maxElementsPerSample: 2 ** 31 - 1,
} as const;

/**
 * Parameters that are sizes or counts: every number in them must be a whole number ≥ 1 (null stands
 * for "unknown until run time" in shapes). Catches `units: 0` or `shape: [-1]` at load time.
 */
export const dimensionParams: ReadonlySet<string> = new Set([
  'units', 'filters', 'inputDim', 'outputDim', 'kernelSize', 'poolSize', 'strides', 'dilationRate', 'size',
  'shape', 'batchInputShape', 'inputShape', 'targetShape', 'n', 'inputLength', 'depthMultiplier', 'dims',
  'numHeads', 'keyDim', 'valueDim', 'outputShape', 'attentionAxes', 'vocabularySize', 'sequenceLength', 'embeddingDim',
]);
/** Dimension parameters that describe a whole tensor, whose product must stay within maxElementsPerSample. */
const tensorShapeParams: ReadonlySet<string> = new Set(['shape', 'batchInputShape', 'inputShape', 'targetShape']);

/** Describes what is wrong with a parameter value, or returns null when it is acceptable. */
export function paramValueProblem(name: string, value: unknown, depth = 0): string | null {
  const L = graphLimits;
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `"${name}" must be a finite number`;
    if (dimensionParams.has(name) && !isDimension(value)) return dimensionMessage(name, value);
    return null;
  }
  if (typeof value === 'string') {
    return value.length > L.maxStringParamLength
      ? `"${name}" is ${value.length} characters long; the limit is ${L.maxStringParamLength}`
      : null;
  }
  if (Array.isArray(value)) {
    if (value.length > L.maxArrayParamLength) {
      return `"${name}" has ${value.length} entries; the limit is ${L.maxArrayParamLength}`;
    }
    const nested = value.some((v) => Array.isArray(v));
    for (const v of value) {
      if (nested) {
        // Pairs such as padding [[top, bottom], [left, right]].
        if (!Array.isArray(v) || v.length > L.maxArrayParamLength || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          return `"${name}" must be a list of numbers or a list of lists of numbers`;
        }
      } else if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        return `"${name}" must be a list of numbers (null for an unknown dimension)`;
      } else if (typeof v === 'number' && dimensionParams.has(name) && !isDimension(v) && !(name === 'targetShape' && v === -1)) {
        // Reshape's targetShape may hold one -1: "whatever size is left over".
        return dimensionMessage(name, v);
      }
    }
    if (tensorShapeParams.has(name) && !nested) {
      const product = value.reduce<number>((p, v) => (typeof v === 'number' && v > 0 ? p * v : p), 1);
      if (product > L.maxElementsPerSample) {
        return `"${name}" [${value.join(', ')}] describes ${product.toExponential(2)} values per sample; the limit is 2^31 − 1`;
      }
    }
    return null;
  }
  if (typeof value === 'object') {
    // A wrapped inner layer (Bidirectional, TimeDistributed).
    if (depth >= L.maxWrapperDepth) return `"${name}" wraps layers more than ${L.maxWrapperDepth} levels deep`;
    const inner = value as Record<string, unknown>;
    const keys = Object.keys(inner);
    if (typeof inner.type !== 'string' || inner.type.length === 0 || inner.type.length > L.maxTypeLength) {
      return `"${name}" must be a wrapped layer with a "type"`;
    }
    if (keys.some((k) => k !== 'type' && k !== 'params')) {
      return `"${name}" (a wrapped layer) may only have "type" and "params", not ${keys.filter((k) => k !== 'type' && k !== 'params').map((k) => `"${k}"`).join(', ')}`;
    }
    const params = inner.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return `"${name}.params" must be an object`;
    for (const [k, v] of Object.entries(params)) {
      const problem = paramValueProblem(k, v, depth + 1);
      if (problem) return `in the layer wrapped by "${name}": ${problem}`;
    }
    return null;
  }
  return `"${name}" has a value of an unsupported kind (${typeof value})`;
}

function isDimension(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= graphLimits.maxDimension;
}

function dimensionMessage(name: string, value: number): string {
  return `"${name}" must be a whole number from 1 to 2147483647, but is ${value}`;
}

/**
 * A string that becomes an object key in the file (layer ids key the positions): the words the safe
 * parser refuses as keys are refused here too, or a saved file could not be opened again.
 */
export const keySafe = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !FORBIDDEN_KEYS.has(s), { error: (iss) => `"${String(iss.input)}" is a reserved word and cannot be used here` });

const paramValueSchema = z.custom<ParamValue>((v) => v !== undefined, { error: 'a parameter value is missing' });

export const paramsSchema = z
  .record(keySafe(graphLimits.maxParamNameLength), paramValueSchema)
  .superRefine((params, ctx) => {
    const keys = Object.keys(params);
    if (keys.length > graphLimits.maxParamsPerLayer) {
      ctx.addIssue({ code: 'custom', message: `a layer has ${keys.length} parameters; the limit is ${graphLimits.maxParamsPerLayer}` });
      return;
    }
    for (const key of keys) {
      const problem = paramValueProblem(key, params[key]);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
  });

export const nameSchema = z
  .string()
  .max(graphLimits.maxNameLength)
  .refine((s) => s.trim().length > 0, { error: 'must not be empty' });

const layerFields = {
  /** Stable identity used by connections and the canvas; never shown to the user. */
  id: keySafe(graphLimits.maxIdLength),
  /** Catalog type, e.g. `Dense`, `Conv2D` (`Block` for a block node). */
  type: z.string().min(1).max(graphLimits.maxTypeLength),
  /** Unique, user-visible name, also the Keras layer name. */
  name: nameSchema,
  /** Parameters by Keras camelCase name; missing ones take the catalog default. */
  params: paramsSchema.default({}),
  /** `false` freezes the layer: training leaves its weights as they are (docs/training.md). Absent means trainable. */
  trainable: z.boolean().optional(),
};

/** A layer inside a block: a plain layer (blocks do not nest). */
export const innerLayerSchema = z.strictObject(layerFields);

/** A tensor flowing from one layer's output into one input slot of another (slot order matters for merges). */
export const connectionSchema = z.strictObject({
  from: z.string().min(1).max(graphLimits.maxIdLength),
  to: z.string().min(1).max(graphLimits.maxIdLength),
  /** Input slot of `to`, 0-based. Merge layers (Add, Concatenate, ...) take several slots. */
  toSlot: z.number().int().min(0).max(graphLimits.maxInputSlot).default(0),
});

/** Where a block's input port delivers its tensor: an input slot of an inner layer. */
export const blockTargetSchema = z.strictObject({
  layer: z.string().min(1).max(graphLimits.maxIdLength),
  slot: z.number().int().min(0).max(graphLimits.maxInputSlot).default(0),
});

/**
 * The inner graph of a block node (docs/blocks.md): plain layers and their connections, one entry per
 * input port listing the inner slots it feeds, and the inner layer whose output is the block's output.
 */
export const blockSchema = z
  .strictObject({
    /** The block's kind, e.g. `TransformerEncoder`; the node's own name names this use of it. */
    definition: nameSchema,
    /** Version of the definition in "My blocks" (1 for a new one). */
    version: z.number().int().min(1).max(1_000_000).default(1),
    layers: z.array(innerLayerSchema).min(1).max(graphLimits.maxBlockLayers),
    connections: z.array(connectionSchema).max(graphLimits.maxBlockConnections).default([]),
    inputs: z.array(z.array(blockTargetSchema).min(1).max(graphLimits.maxBlockPortTargets)).min(1).max(graphLimits.maxBlockPorts),
    output: z.string().min(1).max(graphLimits.maxIdLength),
  })
  .superRefine((block, ctx) => {
    for (const problem of blockProblems(block)) ctx.addIssue({ code: 'custom', message: problem });
  });

/** One node of the graph: a layer, or (type `Block` with `block`) a block of layers. */
export const layerSchema = z
  .strictObject({ ...layerFields, block: blockSchema.optional() })
  .superRefine((layer, ctx) => {
    if ((layer.type === BLOCK_TYPE) !== (layer.block !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: layer.block ? `a node with an inner graph must have the type "${BLOCK_TYPE}", not "${layer.type}"` : `the block "${layer.name}" has no inner graph ("block")`,
      });
    }
  });

/** The model graph: layers and the connections between them (positions live in the project layout). */
export const graphSchema = z
  .strictObject({
    layers: z.array(layerSchema).max(graphLimits.maxLayers),
    connections: z.array(connectionSchema).max(graphLimits.maxConnections).default([]),
  })
  .superRefine((graph, ctx) => {
    // Connections and positions refer to ids, so two layers with one id make the file ambiguous;
    // everything else (missing targets, duplicate names, cycles) is left to analyzeGraph so the user can fix it.
    const seen = new Map<string, number>();
    graph.layers.forEach((layer, i) => {
      const first = seen.get(layer.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['layers', i, 'id'],
          message: `the id "${layer.id}" is already used by layer ${first + 1}; every layer needs its own id`,
        });
      } else {
        seen.set(layer.id, i);
      }
    });
  });

/** The type of a block node. */
export const BLOCK_TYPE = 'Block';

type BlockShape = { layers: { id: string; type: string }[]; connections: { from: string; to: string; toSlot: number }[]; inputs: { layer: string; slot: number }[][]; output: string };

/**
 * What makes a block's inner graph unusable, in words: duplicate ids, Input layers inside, ports and
 * connections naming layers that do not exist, a loop, and layers that do not lead to the output or
 * get no data from a port (they would become extra model ends once the block is flattened).
 */
export function blockProblems(block: BlockShape): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const l of block.layers) {
    if (ids.has(l.id)) problems.push(`the block has two layers with the id "${l.id}"`);
    ids.add(l.id);
    if (l.type === 'Input') problems.push('a block cannot contain an Input layer; its inputs are its ports');
    if (l.type === BLOCK_TYPE) problems.push('a block cannot contain another block');
  }
  if (!ids.has(block.output)) problems.push(`the block's output names a layer it does not have ("${block.output}")`);
  block.inputs.forEach((port, k) => {
    for (const t of port) if (!ids.has(t.layer)) problems.push(`input ${k + 1} of the block feeds a layer it does not have ("${t.layer}")`);
  });
  for (const c of block.connections) {
    if (!ids.has(c.from) || !ids.has(c.to)) problems.push(`a connection inside the block links layers it does not have ("${c.from}" → "${c.to}")`);
  }
  if (problems.length > 0) return problems;
  const next = new Map<string, string[]>([...ids].map((id) => [id, []]));
  const prev = new Map<string, string[]>([...ids].map((id) => [id, []]));
  for (const c of block.connections) {
    next.get(c.from)!.push(c.to);
    prev.get(c.to)!.push(c.from);
  }
  const reach = (starts: string[], edges: Map<string, string[]>) => {
    const seen = new Set(starts);
    const stack = [...starts];
    while (stack.length) for (const n of edges.get(stack.pop()!)!) if (!seen.has(n)) { seen.add(n); stack.push(n); }
    return seen;
  };
  const fed = reach(block.inputs.flat().map((t) => t.layer), next);
  const leads = reach([block.output], prev);
  for (const l of block.layers) {
    if (!fed.has(l.id)) problems.push(`the layer "${l.id}" inside the block gets no data from the block's inputs`);
    else if (!leads.has(l.id)) problems.push(`the layer "${l.id}" inside the block does not lead to the block's output`);
  }
  // Kahn's sort: what is left over lies on a loop.
  const indegree = new Map<string, number>([...ids].map((id) => [id, prev.get(id)!.length]));
  const queue = [...ids].filter((id) => indegree.get(id) === 0);
  let sorted = 0;
  while (queue.length) {
    sorted++;
    for (const n of next.get(queue.pop()!)!) { const d = indegree.get(n)! - 1; indegree.set(n, d); if (d === 0) queue.push(n); }
  }
  if (sorted < ids.size) problems.push('the layers inside the block form a loop');
  return problems.slice(0, 5);
}

export type LayerNode = z.output<typeof layerSchema>;
export type InnerLayer = z.output<typeof innerLayerSchema>;
export type Block = z.output<typeof blockSchema>;
export type Connection = z.output<typeof connectionSchema>;
export type Graph = z.output<typeof graphSchema>;
