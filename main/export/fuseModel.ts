// One TF.js layers model from several trained members: a shared input feeds each member's layers
// (renamed `m1_…`, `m2_…` so names stay unique) and a head combines their outputs as the ensemble's
// method does (app/training/ensemble.ts). The head uses only built-in, parameter-free layers (Average,
// Add, Rescaling, Reshape, GlobalMaxPooling1D, Activation), so plain `tf.loadLayersModel` reloads it
// without registering anything and its parameter count is the sum of the members'.
import type * as tfTypes from '@tensorflow/tfjs';
import { z } from 'zod';
import type { EnsembleMethod } from '../../app/store/ensemble.ts';
import { VOTE_TIE_BREAK } from '../../app/training/ensemble.ts';
import type { Tf } from '../engine/backends.ts';

type LayersModel = tfTypes.LayersModel;
type SymbolicTensor = tfTypes.SymbolicTensor;

/** Far beyond any gap between two float32 probabilities that are not equal: 1 + STEEP × gap is ≤ 0 for every loser. */
const STEEP = 1e30;

export const INPUT_NAME = 'features';

/** The prefix of member i's layer names (1-based, as the user counts). */
export function memberPrefix(i: number): string {
  return `m${i + 1}_`;
}

// The part of a functional model's Keras JSON that fusing reads, checked as a TF.js model gives it.
const layerRefSchema = z.tuple([z.string(), z.number(), z.number()]);
const kerasLayerJsonSchema = z.looseObject({
  class_name: z.string(),
  config: z.looseObject({ name: z.string() }),
  name: z.string().optional(),
  inbound_nodes: z.array(z.unknown()),
});
const kerasModelJsonSchema = z.looseObject({
  class_name: z.string(),
  config: z.looseObject({ name: z.string(), layers: z.array(kerasLayerJsonSchema), input_layers: z.array(layerRefSchema), output_layers: z.array(layerRefSchema) }),
});
type KerasLayerJson = z.output<typeof kerasLayerJsonSchema>;
type KerasModelJson = z.output<typeof kerasModelJsonSchema>;

/** A member's topology as Keras JSON (the shape fusing reads, checked). */
function topologyOf(model: LayersModel): KerasModelJson {
  return kerasModelJsonSchema.parse(model.toJSON(null, false));
}

/** A model built from Keras JSON. TF.js types model JSON as PyJsonDict, which no declared shape satisfies: the one cast. */
function modelFromTopology(tf: Tf, topology: KerasModelJson): Promise<LayersModel> {
  return tf.models.modelFromJSON({ modelTopology: topology as unknown as tfTypes.io.ModelJSON['modelTopology'] });
}

/** Renames every layer reference (`[name, node, tensor, kwargs]`) inside inbound nodes. */
function renameInbound(nodes: unknown, rename: (name: string) => string): unknown {
  if (!Array.isArray(nodes)) return nodes;
  if (nodes.length >= 3 && typeof nodes[0] === 'string' && typeof nodes[1] === 'number') {
    return [rename(nodes[0]), ...nodes.slice(1)];
  }
  return nodes.map((n) => renameInbound(n, rename));
}

/** The member's layers (without its input layer), renamed, reading from the shared input. */
function memberLayers(member: LayersModel, prefix: string): { layers: KerasLayerJson[]; output: [string, number, number] } {
  const topology = topologyOf(member);
  const { layers, input_layers: inputs, output_layers: outputs } = topology.config;
  if (inputs.length !== 1 || outputs.length !== 1) throw new Error('only models with one input and one output can be fused');
  const inputName = inputs[0][0];
  const rename = (name: string) => (name === inputName ? INPUT_NAME : prefix + name);
  const renamed = layers.filter((l) => l.config.name !== inputName).map((l): KerasLayerJson => ({
    ...l,
    name: rename(l.config.name),
    config: { ...l.config, name: rename(l.config.name) },
    inbound_nodes: renameInbound(l.inbound_nodes, rename) as unknown[],
  }));
  return { layers: renamed, output: [rename(outputs[0][0]), outputs[0][1], outputs[0][2]] };
}

/**
 * The members' graph without a head, as one model with one output per member: built from the members'
 * own topology JSON, so every layer keeps its configuration exactly, then given the members' weights.
 */
async function membersModel(tf: Tf, members: readonly LayersModel[]): Promise<LayersModel> {
  const first = topologyOf(members[0]);
  const inputLayer = first.config.layers.find((l) => l.config.name === first.config.input_layers[0][0]);
  if (!inputLayer) throw new Error('the first member has no input layer');
  const parts = members.map((m, i) => memberLayers(m, memberPrefix(i)));
  const topology: KerasModelJson = {
    class_name: 'Model',
    config: {
      name: 'ensemble_members',
      layers: [
        { ...inputLayer, name: INPUT_NAME, config: { ...inputLayer.config, name: INPUT_NAME } },
        ...parts.flatMap((p) => p.layers),
      ],
      input_layers: [[INPUT_NAME, 0, 0]],
      output_layers: parts.map((p) => p.output),
    },
  };
  const model = await modelFromTopology(tf, topology);
  members.forEach((member, i) => {
    for (const layer of member.layers) {
      if (layer.getClassName() === 'InputLayer') continue;
      model.getLayer(memberPrefix(i) + layer.name).setWeights(layer.getWeights());
    }
  });
  return model;
}

/** Member i's vote as a one-hot row (a sigmoid: 1 for the second class at 0.5 and above). */
function oneHotVote(tf: Tf, p: SymbolicTensor, width: number, name: string): SymbolicTensor {
  const L = tf.layers;
  if (width === 1) {
    // step(p − 0.5) = 1 − relu(1 − relu(1 + STEEP·(p − 0.5))): exactly 1 at 0.5 and above, 0 below.
    const gap = L.rescaling({ scale: 1, offset: -0.5, name: `${name}_gap` }).apply(p) as SymbolicTensor;
    const up = L.activation({ activation: 'relu', name: `${name}_up` }).apply(L.rescaling({ scale: STEEP, offset: 1, name: `${name}_steep` }).apply(gap)) as SymbolicTensor;
    const capped = L.activation({ activation: 'relu', name: `${name}_cap` }).apply(L.rescaling({ scale: -1, offset: 1, name: `${name}_flip` }).apply(up)) as SymbolicTensor;
    return L.rescaling({ scale: -1, offset: 1, name: `${name}_hot` }).apply(capped) as SymbolicTensor;
  }
  // relu(1 + STEEP·(p − max p)): 1 for the largest probability, 0 for every smaller one.
  const column = L.reshape({ targetShape: [width, 1], name: `${name}_column` }).apply(p) as SymbolicTensor;
  const max = L.globalMaxPooling1d({ name: `${name}_max` }).apply(column) as SymbolicTensor;
  const negMax = L.rescaling({ scale: -1, name: `${name}_negmax` }).apply(max) as SymbolicTensor;
  const gap = L.add({ name: `${name}_gap` }).apply([p, negMax]) as SymbolicTensor;
  const steep = L.rescaling({ scale: STEEP, offset: 1, name: `${name}_steep` }).apply(gap) as SymbolicTensor;
  return L.activation({ activation: 'relu', name: `${name}_hot` }).apply(steep) as SymbolicTensor;
}

function weightedSum(tf: Tf, outputs: SymbolicTensor[], weights: readonly number[], name: string): SymbolicTensor {
  const scaled = outputs.map((o, i) => tf.layers.rescaling({ scale: weights[i], name: `${name}_w${i + 1}` }).apply(o) as SymbolicTensor);
  return tf.layers.add({ name }).apply(scaled) as SymbolicTensor;
}

/**
 * The fused model: shared input → members → head. `width` is the members' output width (1 for a sigmoid
 * or a regression). Weights are used by the weighted method only.
 */
export async function fuseModels(tf: Tf, members: readonly LayersModel[], method: EnsembleMethod, weights: readonly number[]): Promise<LayersModel> {
  const inner = await membersModel(tf, members);
  // The head grows on the members' output tensors; the new model shares their layers (nothing nested).
  const outputs = inner.outputs;
  const width = outputs[0].shape[outputs[0].shape.length - 1] ?? 1;
  let head: SymbolicTensor;
  if (method === 'average') {
    head = tf.layers.average({ name: 'ensemble_average' }).apply(outputs) as SymbolicTensor;
  } else if (method === 'weighted') {
    head = weightedSum(tf, outputs, weights, 'ensemble_weighted');
  } else {
    const votes = outputs.map((o, i) => oneHotVote(tf, o, width, `vote${i + 1}`));
    const shares = tf.layers.average({ name: 'vote_shares' }).apply(votes) as SymbolicTensor;
    const mean = tf.layers.average({ name: 'vote_mean' }).apply(outputs) as SymbolicTensor;
    head = weightedSum(tf, [shares, mean], [1 - VOTE_TIE_BREAK, VOTE_TIE_BREAK], 'ensemble_vote');
  }
  return tf.model({ inputs: inner.inputs, outputs: head, name: `ensemble_${method}` });
}
