// Reads a Keras or TF.js model topology (TF.js `model.toJSON()`, a TF.js `model.json`, Python Keras 2 or 3
// `model.to_json()`) into a Modelwright graph with an automatic layout, warning about whatever it cannot keep.
import { autoLayout, type LayoutPoint } from '../graph/layout.ts';
import type { Connection, Graph, LayerNode } from '../graph/types.ts';
import { parseJsonSafely } from '../project/safeJson.ts';
import { readAttentionCall } from './attentionNodes.ts';
import { isRecord, short, snakeToCamel } from './caseConvert.ts';
import { KerasImportError } from './importError.ts';
import { checkLayerShape, checkShape, convertLayer, describeValue, Names } from './importLayer.ts';

export { KerasImportError } from './importError.ts';

export interface KerasImportResult {
  graph: Graph;
  /** Canvas position (top-left corner) per layer id. */
  layout: Record<string, LayoutPoint>;
  /** Everything that was changed or left out, one plain sentence each. */
  warnings: string[];
}

/**
 * Imports a model topology. `json` is the file's text (or bytes), or the already-parsed value.
 * Throws KerasImportError when the input is not a model topology or is malformed.
 */
export function importKerasModel(json: unknown): KerasImportResult {
  const warnings: string[] = [];
  const topology = locateTopology(parseInput(json), warnings);
  const className = topology.class_name;
  const config = topology.config;
  let graph: Graph;
  if (className === 'Sequential') graph = importSequential(config, topology, warnings);
  else if (className === 'Model' || className === 'Functional') graph = importFunctional(config, warnings);
  else {
    throw new KerasImportError(
      `Cannot import a model of class "${String(className)}": only Sequential and functional (Model/Functional) Keras models can be imported.`,
    );
  }
  return { graph, layout: autoLayout(graph), warnings };
}

// ---- finding the topology ------------------------------------------------------------------------

function parseInput(json: unknown): unknown {
  if (typeof json !== 'string' && !(json instanceof Uint8Array)) return json;
  try {
    return parseJsonSafely(json);
  } catch (e) {
    throw new KerasImportError(`Cannot read the model file: ${(e as Error).message}`);
  }
}

/** Unwraps a TF.js model.json (`modelTopology`) and the Keras HDF5-style wrapper (`model_config`). */
function locateTopology(value: unknown, warnings: string[]): Record<string, unknown> {
  if (!isRecord(value)) {
    throw new KerasImportError(
      `Cannot import the model: expected a JSON object with "class_name" and "config" (Keras) or "modelTopology" (TF.js model.json), but got ${describeValue(value)}.`,
    );
  }
  let topology: Record<string, unknown> = value;
  if ('modelTopology' in value) {
    if (value.format === 'graph-model') {
      throw new KerasImportError(
        'This is a TF.js graph model (converted from a TensorFlow SavedModel): it holds low-level operations, not Keras layers, so it cannot be imported. Convert the Keras model as a layers model instead (tensorflowjs_converter --output_format=tfjs_layers_model).',
      );
    }
    if (!isRecord(value.modelTopology)) {
      throw new KerasImportError('Cannot import the model: its "modelTopology" is missing or is not an object.');
    }
    topology = value.modelTopology;
  }
  if (isRecord(topology.model_config)) {
    if (topology.training_config) warnTraining(warnings);
    topology = topology.model_config;
  }
  if (topology.training_config || topology.compile_config) warnTraining(warnings);
  if (typeof topology.class_name !== 'string') {
    const keys = Object.keys(topology).slice(0, 8).join(', ');
    throw new KerasImportError(
      `Cannot import the model: this JSON has no "class_name", so it is not a Keras model topology (its keys are: ${keys || 'none'}). Save the model with TF.js model.toJSON() or model.save(), or Keras model.to_json().`,
    );
  }
  return topology;
}

function warnTraining(warnings: string[]): void {
  const text = 'The file\'s training settings (optimizer, loss, metrics) are not imported; choose them in the training settings.';
  if (!warnings.includes(text)) warnings.push(text);
}

// ---- Sequential ------------------------------------------------------------------------------------

function importSequential(config: unknown, topology: Record<string, unknown>, warnings: string[]): Graph {
  // Keras ≤ 2.2 wrote a Sequential's config as the bare list of layers.
  const layersRaw = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  if (!Array.isArray(layersRaw)) {
    throw new KerasImportError('Cannot import the Sequential model: its "config" has no "layers" list.');
  }
  if (layersRaw.length === 0) throw new KerasImportError('Cannot import the Sequential model: it has no layers.');
  const raws = layersRaw.map((raw, i) => checkLayerShape(raw, `config.layers[${i}]`));
  const names = new Names();
  const layers: LayerNode[] = [];
  const first = raws[0];
  if (first.className !== 'InputLayer') {
    const shape = sequentialInputShape(first.config, config, topology);
    if (!shape) {
      throw new KerasImportError(
        `Cannot import the Sequential model: it does not say what shape its input has (there is no InputLayer, and its first layer "${first.name ?? first.className}" has no batch_input_shape, batch_shape or input_shape). Build the model with an input shape before saving it.`,
      );
    }
    // TF.js gives a synthesized input the first layer's dtype, which is float32 even for an Embedding.
    const dtype = 'float32';
    const inputName = names.reserveLater(`${first.name ?? snakeToCamel(first.className.toLowerCase())}_input`);
    layers.push({ id: inputName, type: 'Input', name: inputName, params: { shape, dtype } });
  }
  for (const raw of raws) layers.push(convertLayer(raw, names, warnings));
  names.commitReserved(layers);
  const connections: Connection[] = [];
  for (let i = 1; i < layers.length; i++) {
    if (layers[i].type === 'Input') {
      throw new KerasImportError(`Cannot import the Sequential model: layer "${layers[i].name}" is an InputLayer in the middle of the model.`);
    }
    connections.push({ from: layers[i - 1].id, to: layers[i].id, toSlot: 0 });
  }
  return { layers, connections };
}

/** A Sequential model without an InputLayer keeps its input shape on the first layer, or on the model (Keras 3). */
function sequentialInputShape(first: Record<string, unknown>, config: unknown, topology: Record<string, unknown>): (number | null)[] | null {
  const candidates: unknown[] = [first.batch_input_shape, first.batch_shape];
  if (isRecord(config)) candidates.push(config.build_input_shape);
  if (isRecord(topology.build_config)) candidates.push(topology.build_config.input_shape);
  for (const c of candidates) {
    if (Array.isArray(c) && c.length >= 2) return checkShape(c.slice(1), 'batch_input_shape');
  }
  if (Array.isArray(first.input_shape)) return checkShape(first.input_shape, 'input_shape');
  // Keras 1/2 shorthands: Dense(input_dim=...), Embedding(input_length=...).
  if (typeof first.input_dim === 'number' && first.class_name !== 'Embedding') return [first.input_dim];
  if ('input_length' in first) return [typeof first.input_length === 'number' ? first.input_length : null];
  return null;
}

// ---- Functional ------------------------------------------------------------------------------------

function importFunctional(config: unknown, warnings: string[]): Graph {
  if (!isRecord(config) || !Array.isArray(config.layers)) {
    throw new KerasImportError('Cannot import the functional model: its "config" has no "layers" list.');
  }
  if (config.layers.length === 0) throw new KerasImportError('Cannot import the functional model: it has no layers.');
  const raws = config.layers.map((raw, i) => checkLayerShape(raw, `config.layers[${i}]`));
  const names = new Names();
  const layers: LayerNode[] = [];
  const byName = new Map<string, LayerNode>();
  raws.forEach((raw, i) => {
    if (!raw.name) throw new KerasImportError(`Cannot import the model: layer #${i + 1} (${raw.className}) has no name.`);
    const layer = convertLayer(raw, names, warnings);
    layers.push(layer);
    byName.set(raw.name, layer);
  });
  const connections: Connection[] = [];
  raws.forEach((raw, i) => {
    const layer = layers[i];
    const attention = layer.type === 'MultiHeadAttention' ? readAttentionCall(raw.layer.inbound_nodes) : null;
    // Keras passes use_causal_mask to the call; TF.js (and Modelwright's export for it) keep it in the config.
    if (attention) layer.params.useCausalMask = attention.useCausalMask || layer.params.useCausalMask === true;
    const inbound = attention ? attention.refs : parseInboundNodes(raw.layer.inbound_nodes, raw.name as string, warnings);
    inbound.forEach((ref, slot) => {
      const from = byName.get(ref.name);
      if (!from) {
        throw new KerasImportError(`Cannot import the model: layer "${raw.name}" takes its input from "${ref.name}", which is not a layer of this model.`);
      }
      if (ref.nodeIndex !== 0) {
        throw new KerasImportError(
          `Cannot import the model: layer "${raw.name}" uses the output of "${ref.name}" from its call #${ref.nodeIndex + 1}; layers used more than once (shared layers) are not supported. Give each use its own layer.`,
        );
      }
      if (ref.tensorIndex !== 0) {
        throw new KerasImportError(
          `Cannot import the model: layer "${raw.name}" uses output #${ref.tensorIndex + 1} of "${ref.name}"; Modelwright layers have a single output (return_state and other multi-output layers are not supported).`,
        );
      }
      connections.push({ from: from.id, to: layer.id, toSlot: slot });
    });
  });
  const inputs = parseEndpoints(config.input_layers, 'input_layers');
  const outputs = parseEndpoints(config.output_layers, 'output_layers');
  for (const name of inputs) {
    const layer = byName.get(name);
    if (!layer) throw new KerasImportError(`Cannot import the model: input_layers names "${name}", which is not a layer of this model.`);
    if (layer.type !== 'Input') throw new KerasImportError(`Cannot import the model: input "${name}" is a ${layer.type}, not an InputLayer.`);
  }
  for (const name of outputs) {
    if (!byName.has(name)) throw new KerasImportError(`Cannot import the model: output_layers names "${name}", which is not a layer of this model.`);
  }
  const consumed = new Set(connections.map((c) => c.from));
  for (const name of outputs) {
    if (consumed.has(byName.get(name)!.id)) {
      warnings.push(`Layer "${name}" is a model output and also feeds other layers; Modelwright treats only layers that feed nothing as outputs, so it is no longer an output.`);
    }
  }
  return { layers: orderEndpoints(layers, inputs, outputs, byName, consumed), connections };
}

interface TensorRef {
  name: string;
  nodeIndex: number;
  tensorIndex: number;
}

/**
 * The tensors a layer is called on. Keras 2 / TF.js: `[[[name, node, tensor, kwargs], ...]]`; Keras 3:
 * `[{args: [...keras tensors...], kwargs: {...}}]`. A layer called more than once is a shared layer.
 */
function parseInboundNodes(raw: unknown, layerName: string, warnings: string[]): TensorRef[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new KerasImportError(`Cannot import the model: layer "${layerName}" has "inbound_nodes" that is not a list.`);
  if (raw.length === 0) return [];
  // Some tf.keras writers drop one level of nesting for a single input: ["dense", 0, 0] or [["dense", 0, 0]].
  if (typeof raw[0] === 'string') return [tensorRef(raw, 0, layerName)];
  if (raw.length === 1 && Array.isArray(raw[0]) && typeof raw[0][0] === 'string') return [tensorRef(raw[0], 0, layerName)];
  if (raw.length > 1) {
    throw new KerasImportError(
      `Cannot import the model: layer "${layerName}" is called ${raw.length} times (a shared layer); Modelwright gives each layer one use. Give each use its own layer.`,
    );
  }
  const node = raw[0];
  if (Array.isArray(node)) {
    return node.map((item, i) => tensorRef(item, i, layerName));
  }
  if (isRecord(node) && 'args' in node) {
    const refs: TensorRef[] = [];
    collectKerasTensors(node.args, refs);
    const extra: TensorRef[] = [];
    collectKerasTensors(node.kwargs, extra);
    if (extra.length > 0) {
      warnings.push(`Layer "${layerName}" is also given ${extra.map((r) => `"${r.name}"`).join(', ')} as a keyword argument (such as a mask or an initial state); that connection is not imported.`);
    }
    return refs;
  }
  throw new KerasImportError(`Cannot import the model: layer "${layerName}" has inbound_nodes in a form Modelwright does not know: ${short(node)}.`);
}

function tensorRef(item: unknown, i: number, layerName: string): TensorRef {
  if (!Array.isArray(item) || typeof item[0] !== 'string') {
    throw new KerasImportError(`Cannot import the model: input #${i + 1} of layer "${layerName}" should be ["layer_name", node, tensor, {}] but is ${short(item)}.`);
  }
  return { name: item[0], nodeIndex: intOr0(item[1]), tensorIndex: intOr0(item[2]) };
}

/** Depth-first, in argument order: merge layers get their inputs as one list argument. */
function collectKerasTensors(value: unknown, out: TensorRef[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectKerasTensors(v, out);
  } else if (isRecord(value)) {
    if (value.class_name === '__keras_tensor__' && isRecord(value.config)) {
      const h = value.config.keras_history;
      if (!Array.isArray(h) || typeof h[0] !== 'string') {
        throw new KerasImportError(`Cannot import the model: a Keras tensor has no readable keras_history: ${short(value)}.`);
      }
      out.push({ name: h[0], nodeIndex: intOr0(h[1]), tensorIndex: intOr0(h[2]) });
    } else {
      for (const v of Object.values(value)) collectKerasTensors(v, out);
    }
  }
}

/** `input_layers`/`output_layers`: `[[name, 0, 0], ...]`, a single `[name, 0, 0]`, or (Keras 3) a dict of them. */
function parseEndpoints(raw: unknown, field: string): string[] {
  if (raw === undefined || raw === null) {
    throw new KerasImportError(`Cannot import the model: its config has no "${field}" list, so the model's ${field === 'input_layers' ? 'inputs' : 'outputs'} are unknown.`);
  }
  const entries: unknown[] = isRecord(raw) ? Object.values(raw) : Array.isArray(raw) && typeof raw[0] === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
  const names: string[] = [];
  for (const e of entries) {
    if (!Array.isArray(e) || typeof e[0] !== 'string') {
      throw new KerasImportError(`Cannot import the model: "${field}" should list ["layer_name", 0, 0] entries but contains ${short(e)}.`);
    }
    if (intOr0(e[2]) !== 0) {
      throw new KerasImportError(`Cannot import the model: "${field}" uses output #${intOr0(e[2]) + 1} of "${e[0]}"; Modelwright layers have a single output.`);
    }
    if (!names.includes(e[0])) names.push(e[0]);
  }
  if (names.length === 0) throw new KerasImportError(`Cannot import the model: "${field}" is empty.`);
  return names;
}

/**
 * The graph has no separate input/output lists: inputs are its Input layers and outputs the layers feeding
 * nothing, in layer order. Reorder so that both orders match the file's input_layers/output_layers.
 */
function orderEndpoints(
  layers: LayerNode[],
  inputs: string[],
  outputs: string[],
  byName: Map<string, LayerNode>,
  consumed: Set<string>,
): LayerNode[] {
  const inputLayers = inputs.map((n) => byName.get(n)!);
  const inputSet = new Set(inputLayers);
  // Inputs feed from nothing, so moving them to the front never breaks the topological order.
  const rest = layers.filter((l) => !inputSet.has(l));
  const otherInputs = rest.filter((l) => l.type === 'Input');
  const ordered = [...inputLayers, ...otherInputs, ...rest.filter((l) => l.type !== 'Input')];
  const sinks = outputs.map((n) => byName.get(n)!).filter((l) => !consumed.has(l.id));
  const sinkOrder = ordered.filter((l) => sinks.includes(l));
  if (sinkOrder.every((l, i) => l === sinks[i])) return ordered;
  // Layers feeding nothing can move to the end without breaking the order.
  return [...ordered.filter((l) => !sinks.includes(l)), ...sinks];
}

// ---- small helpers ---------------------------------------------------------------------------------

function intOr0(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}
