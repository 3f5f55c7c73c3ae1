// Writes a Modelwright graph as a Keras functional-model topology in the exact shape TF.js's
// `model.toJSON(null, false)` writes, so `tf.models.modelFromJSON` and Python Keras 2 can load it.
import { analyzeGraph } from '../graph/analyze.ts';
import { flattenBlocks } from '../graph/blocks.ts';
import { getLayerDef, resolveParams } from '../graph/catalog.ts';
import type { Graph, LayerNode, ParamValue, WrappedLayer } from '../graph/types.ts';
import { attentionInboundNode } from './attentionNodes.ts';
import { camelToSnake, paramsToKerasConfig } from './caseConvert.ts';

export interface KerasExportOptions {
  /** The model's name inside the JSON (Keras shows it in `model.summary()`). */
  name?: string;
  /**
   * Who reads the file. The formats differ only in how a MultiHeadAttention call is written: Python Keras
   * ('keras', the default) passes the value and key as keyword tensors, which TF.js's loader cannot resolve;
   * TF.js ('tfjs') lists them as further inputs, which Python Keras would pass as one list query.
   */
  target?: 'keras' | 'tfjs';
}

/** One layer of a functional topology, in Keras (snake_case) spelling. */
export interface KerasLayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  /**
   * Keras 2 / TF.js form: one node, listing `[layer_name, node_index, tensor_index, kwargs]` per input.
   * MultiHeadAttention lists its query only, with the value and key tensors in the kwargs, as Keras does.
   */
  inbound_nodes: [string, number, number, Record<string, unknown>][][];
}

export interface KerasModelJson {
  class_name: 'Model';
  config: {
    name: string;
    layers: KerasLayerJson[];
    input_layers: [string, number, number][];
    output_layers: [string, number, number][];
  };
  keras_version: string;
  backend: string;
}

/**
 * The format marker TF.js writes. Python Keras ignores both fields when reading; TF.js's converter and
 * humans use them to tell where the file came from.
 */
export const KERAS_VERSION = 'tfjs-layers 4.22.0';
export const KERAS_BACKEND = 'tensor_flow.js';

/** Thrown when the graph cannot be written as a Keras model (it is invalid); the message lists why. */
export class KerasExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KerasExportError';
  }
}

export function exportKerasModel(withBlocks: Graph, options: KerasExportOptions = {}): KerasModelJson {
  // Keras gets a block as its layers laid flat in the functional model, named `block_layer`.
  const graph = flattenBlocks(withBlocks).graph;
  const analysis = analyzeGraph(graph);
  if (!analysis.valid) {
    const shown = analysis.errors.slice(0, 5).map((e) => `${e.layerName ? `${e.layerName}: ` : ''}${e.message}`);
    const more = analysis.errors.length > 5 ? ` (and ${analysis.errors.length - 5} more)` : '';
    throw new KerasExportError(`Cannot export the model until its problems are fixed: ${shown.join('; ')}${more}.`);
  }
  const byId = new Map(graph.layers.map((l) => [l.id, l]));
  const layers = analysis.order.map((id) => exportLayer(byId.get(id)!, graph, byId, options.target ?? 'keras'));
  const endpoint = (id: string): [string, number, number] => [byId.get(id)!.name, 0, 0];
  return {
    class_name: 'Model',
    config: {
      name: options.name ?? 'model',
      layers,
      input_layers: analysis.inputs.map(endpoint),
      output_layers: analysis.outputs.map(endpoint),
    },
    keras_version: KERAS_VERSION,
    backend: KERAS_BACKEND,
  };
}

function exportLayer(layer: LayerNode, graph: Graph, byId: Map<string, LayerNode>, target: 'keras' | 'tfjs'): KerasLayerJson {
  const incoming = graph.connections
    .filter((c) => c.to === layer.id)
    .sort((a, b) => a.toSlot - b.toSlot)
    .map((c): [string, number, number, Record<string, never>] => [byId.get(c.from)!.name, 0, 0, {}]);
  if (layer.type === 'Input') {
    const p = resolveParams(layer);
    return {
      name: layer.name,
      class_name: 'InputLayer',
      config: { batch_input_shape: [null, ...(p.shape as (number | null)[])], dtype: p.dtype ?? 'float32', sparse: false, name: layer.name },
      inbound_nodes: [],
    };
  }
  const params = resolveParams(layer);
  if (layer.type === 'MultiHeadAttention' && target === 'keras') {
    // use_causal_mask is an argument of the call in Keras, not of the layer (TF.js keeps it in the config).
    const { useCausalMask, ...rest } = params;
    return {
      name: layer.name,
      class_name: layer.type,
      config: { ...layerConfig(layer.type, rest, layer.name), name: layer.name, trainable: layer.trainable !== false },
      inbound_nodes: [attentionInboundNode(incoming.map((i) => i[0]), useCausalMask === true)],
    };
  }
  return {
    name: layer.name,
    class_name: layer.type,
    config: { ...layerConfig(layer.type, params, layer.name, layer.trainable !== false), name: layer.name, trainable: layer.trainable !== false },
    inbound_nodes: incoming.length > 0 ? [incoming] : [],
  };
}

/** A layer's params as a Keras config; a wrapped layer becomes a nested `{class_name, config}`. */
/** `trainable` is the wrapping layer's: a wrapped layer of a frozen Bidirectional is frozen too. */
function layerConfig(type: string, params: Record<string, ParamValue>, name: string, trainable = true): Record<string, unknown> {
  const def = getLayerDef(type);
  const plain: Record<string, unknown> = {};
  const nested: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const kind = def?.params.find((p) => p.name === key)?.kind;
    // The only object a ParamValue can be is a wrapped layer (arrays aside).
    if (kind === 'layer' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const inner: WrappedLayer = value;
      const innerName = `${name}_${camelToSnake(inner.type)}`;
      nested[camelToSnake(key)] = {
        class_name: inner.type,
        config: { ...layerConfig(inner.type, resolveParams(inner), innerName), name: innerName, trainable },
      };
    } else {
      plain[key] = value;
    }
  }
  return { ...paramsToKerasConfig(plain), ...nested };
}
