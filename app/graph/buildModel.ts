// Graph → TF.js functional model. Takes the `tf` namespace as an argument so the caller decides which
// tfjs instance and backend run it (trainer process, exporter, browser).
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from './tfjs/tf.ts';
import { analyzeGraph } from './analyze.ts';
import { flattenBlocks } from './blocks.ts';
import { getLayerDef, resolveParams } from './catalog.ts';
import type { Graph, GraphAnalysis, GraphError, ParamValue, WrappedLayer } from './types.ts';
import { multiHeadAttentionClass } from './tfjs/multiHeadAttention.ts';
import { withoutDefaultedInputs } from './layers/attention.ts';
import { inputCopyName, withDistinctInputs } from './distinctInputs.ts';
import { positionLayerClasses } from './tfjs/positionLayers.ts';


export interface BuildOptions {
  /** Model name (TF.js and Keras `name`); defaults to "model". */
  name?: string;
  /** A fresh analysis of the same graph, to skip analysing it again. */
  analysis?: GraphAnalysis;
}

/** Thrown when the graph has problems; `errors` are the analysis errors, for callers that list them. */
export class GraphBuildError extends Error {
  errors: GraphError[];
  constructor(errors: GraphError[]) {
    const shown = errors.slice(0, 3).map((e) => `${e.layerName ? `${e.layerName}: ` : ''}${e.message}${e.fix ? `; ${e.fix}` : ''}`);
    const more = errors.length > 3 ? ` (and ${errors.length - 3} more problem${errors.length - 3 === 1 ? '' : 's'})` : '';
    super(`The model can't be built: ${shown.join('. ')}${more}`);
    this.name = 'GraphBuildError';
    this.errors = errors;
  }
}

// ---- Subtract: Keras has it, tf.layers does not ---------------------------------------------------

const subtractClasses = new WeakMap<object, new (args: { name?: string }) => tfTypes.layers.Layer>();

/**
 * Registers Modelwright's own layer classes (Subtract, MultiHeadAttention, the position embeddings) with
 * this tfjs instance, so that models using them can be built, saved and loaded again. Safe to call more than once.
 */
export function registerCustomLayers(tf: Tf): void {
  customLayerClass(tf, 'Subtract');
  customLayerClass(tf, 'MultiHeadAttention');
  customLayerClass(tf, 'PositionEmbedding');
}

/** The class of a catalog layer that tf.layers lacks, registered with this tfjs instance; undefined for the others. */
function customLayerClass(tf: Tf, type: string): (new (args: never) => tfTypes.layers.Layer) | undefined {
  switch (type) {
    case 'Subtract': return subtractClass(tf);
    case 'MultiHeadAttention': return multiHeadAttentionClass(tf);
    case 'PositionEmbedding': return positionLayerClasses(tf).PositionEmbedding;
    case 'TokenAndPositionEmbedding': return positionLayerClasses(tf).TokenAndPositionEmbedding;
    default: return undefined;
  }
}

function subtractClass(tf: Tf) {
  const known = subtractClasses.get(tf.layers);
  if (known) return known;
  class Subtract extends tf.layers.Layer {
    static className = 'Subtract';
    override computeOutputShape(inputShape: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape {
      const [a, b] = inputShape as tfTypes.Shape[];
      // analyzeGraph has already required equal ranks and sizes that match or are 1.
      return a.map((d, i) => (d === null || b[i] === null ? null : d === 1 ? b[i] : d));
    }
    override call(inputs: tfTypes.Tensor | tfTypes.Tensor[]): tfTypes.Tensor {
      const [a, b] = inputs as tfTypes.Tensor[];
      return tf.sub(a, b);
    }
  }
  tf.serialization.registerClass(Subtract);
  subtractClasses.set(tf.layers, Subtract);
  return Subtract;
}

// ---- layers ---------------------------------------------------------------------------------------

/** Parameters as tf.layers factory arguments: `null` means "TF.js default" and is left out. */
function layerArgs(params: Record<string, ParamValue>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== null) args[key] = value;
  }
  return args;
}

/** One TF.js layer (not yet applied) for a catalog layer type and its parameters. */
export function createTfLayer(tf: Tf, type: string, params: Record<string, ParamValue>, name?: string): tfTypes.layers.Layer {
  const def = getLayerDef(type);
  if (!def) throw new Error(`"${type}" is not a layer type Modelwright knows`);
  const resolved = resolveParams({ type, params });
  const args = layerArgs(resolved);
  if (name !== undefined) args.name = name;
  if (def.params.some((p) => p.kind === 'layer')) {
    const inner = resolved.layer as WrappedLayer;
    args.layer = createTfLayer(tf, inner.type, inner.params ?? {}, name === undefined ? undefined : `${name}_${inner.type.toLowerCase()}`);
  }
  const custom = customLayerClass(tf, type);
  if (custom) return new (custom as new (a: unknown) => tfTypes.layers.Layer)(args);
  const factory: unknown = def.tfjsFactory ? (tf.layers as Record<string, unknown>)[def.tfjsFactory] : undefined;
  if (typeof factory !== 'function') throw new Error(`${type} cannot be turned into a TF.js layer`);
  return factory(args);
}

/**
 * Keras runs a frozen BatchNormalization in inference mode: it normalizes with its moving mean and
 * variance and leaves them as they are. TF.js's layer would update them whenever it trains, frozen or
 * not, so its call is told it is not training.
 */
function inInferenceMode(layer: tfTypes.layers.Layer): void {
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
}

/**
 * Builds `tf.model({inputs, outputs})` from the graph: layer names are the graph's names, inputs are
 * the Input layers and outputs the layers nothing reads from, both in document order. Throws a
 * GraphBuildError when analyzeGraph finds problems.
 */
export function buildTfModel(withBlocks: Graph, tf: Tf, options: BuildOptions = {}): tfTypes.LayersModel {
  // Blocks become their inner layers (named `block_layer`), so the model is Keras's functional model of them.
  const graph = flattenBlocks(withBlocks).graph;
  const analysis = (graph === withBlocks ? options.analysis : undefined) ?? analyzeGraph(graph);
  if (!analysis.valid) throw new GraphBuildError(analysis.errors);
  const byId = new Map(graph.layers.map((l) => [l.id, l]));
  const incoming = new Map<string, { from: string; toSlot: number }[]>();
  for (const c of graph.connections) {
    const list = incoming.get(c.to) ?? [];
    list.push(c);
    incoming.set(c.to, list);
  }
  const tensors = new Map<string, tfTypes.SymbolicTensor>();
  for (const id of analysis.order) {
    const layer = byId.get(id);
    if (!layer) continue;
    if (layer.type === 'Input') {
      const p = resolveParams(layer);
      tensors.set(id, tf.input({ shape: p.shape as number[], dtype: p.dtype as tfTypes.DataType, name: layer.name }));
      continue;
    }
    const ins = (incoming.get(id) ?? []).slice().sort((a, b) => a.toSlot - b.toSlot).map((c) => tensors.get(c.from) as tfTypes.SymbolicTensor);
    const tfLayer = createTfLayer(tf, layer.type, layer.params, layer.name);
    // A frozen layer keeps its weights: TF.js leaves it out of the weights the optimizer updates.
    if (layer.trainable === false) tfLayer.trainable = false;
    if (layer.trainable === false && layer.type === 'BatchNormalization') inInferenceMode(tfLayer);
    const defaulted = layer.type === 'MultiHeadAttention' ? withoutDefaultedInputs(ins) : ins;
    const args = withDistinctInputs(defaulted, (t, slot) =>
      tf.layers.activation({ activation: 'linear', name: inputCopyName(layer.name, slot) }).apply(t) as tfTypes.SymbolicTensor);
    const out = tfLayer.apply(args.length === 1 ? args[0] : args);
    tensors.set(id, (Array.isArray(out) ? out[0] : out) as tfTypes.SymbolicTensor);
  }
  const pick = (ids: string[]) => ids.map((id) => tensors.get(id) as tfTypes.SymbolicTensor);
  return tf.model({ inputs: pick(analysis.inputs), outputs: pick(analysis.outputs), name: options.name ?? 'model' });
}
