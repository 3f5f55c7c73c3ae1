// What a template is, and the small builders every template module uses to describe its graph.
import type { DatasetBinding } from '../data/binding.ts';
import { datasetBindingSchema } from '../data/binding.ts';
import type { Block, Connection, Graph, LayerNode, ParamValue } from '../graph/types.ts';
import { makeTrainingConfig, type TrainingConfig } from '../training/config.ts';

export interface ProjectTemplate {
  /** Stable id used by `modelwright new ID` and the welcome screen. */
  id: string;
  title: string;
  /** One sentence on when to use it, for someone who does not know the layer names. */
  description: string;
  /** Longer help in plain words (how to use it, step by step): the new project's notes, shown in the studio. */
  notes?: string;
  graph: Graph;
  /** Bound to a built-in dataset so Train works straight away. */
  dataset: DatasetBinding;
  training: TrainingConfig;
}

export interface LayerSpec {
  id: string;
  type: string;
  name?: string;
  params?: Record<string, ParamValue>;
  /** For a layer of type `Block`: its inner graph (docs/blocks.md). */
  block?: Block;
}

/** Layers wired one after another; names default to the ids. */
export function sequential(specs: LayerSpec[]): Graph {
  const layers = specs.map(toLayer);
  const connections: Connection[] = [];
  for (let i = 1; i < layers.length; i++) connections.push({ from: layers[i - 1].id, to: layers[i].id, toSlot: 0 });
  return { layers, connections };
}

/**
 * Layers with explicit inputs: `inputs` lists the ids feeding slots 0, 1, ...; a layer without `inputs`
 * takes the previous layer (none for the first). For branches and merges.
 */
export function functional(specs: (LayerSpec & { inputs?: string[] })[]): Graph {
  const layers = specs.map(toLayer);
  const connections: Connection[] = [];
  specs.forEach((spec, i) => {
    const inputs = spec.inputs ?? (i > 0 ? [specs[i - 1].id] : []);
    inputs.forEach((from, slot) => connections.push({ from, to: spec.id, toSlot: slot }));
  });
  return { layers, connections };
}

function toLayer(spec: LayerSpec): LayerNode {
  return { id: spec.id, type: spec.type, name: spec.name ?? spec.id, params: spec.params ?? {}, ...(spec.block ? { block: spec.block } : {}) };
}

/** A template with its binding and training settings completed by their schemas' defaults. */
export function defineTemplate(t: {
  id: string;
  title: string;
  description: string;
  notes?: string;
  graph: Graph;
  dataset: unknown;
  training: unknown;
}): ProjectTemplate {
  return { ...t, dataset: datasetBindingSchema.parse(t.dataset), training: makeTrainingConfig(t.training) };
}
