// What keeps a valid graph from training in TF.js: the UI shows these before Train, the trainer
// refuses with the same words. (A graph can be valid for inference and export, yet not trainable.)
import { formatBytes, formatCount } from '../format.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { flattenBlocks } from '../graph/blocks.ts';
import { resolveParams } from '../graph/catalog.ts';
import type { Graph, GraphAnalysis, LayerNode, ParamValue } from '../graph/types.ts';

export interface TrainingBlocker {
  /** The layer at fault; absent when the whole model is (too large). */
  layerId?: string;
  layerName?: string;
  message: string;
  fix: string;
}

const dilatedTypes = new Set(['Conv1D', 'Conv2D', 'SeparableConv2D']);

function dilated(value: ParamValue | undefined): boolean {
  if (typeof value === 'number') return value > 1;
  return Array.isArray(value) && value.some((d) => typeof d === 'number' && d > 1);
}

function blockerOf(layer: LayerNode): TrainingBlocker | null {
  // TF.js has no gradient for dilated convolutions on any backend ("dilation rates greater than 1
  // are not yet supported in gradients"), so training would fail at the first batch.
  if (dilatedTypes.has(layer.type) && dilated(resolveParams(layer).dilationRate)) {
    return {
      layerId: layer.id,
      layerName: layer.name,
      message: `${layer.type} "${layer.name}" has a dilation rate above 1, which TensorFlow.js cannot train`,
      fix: 'set its dilation rate to 1 (a larger kernel or another convolution layer widens what it sees)',
    };
  }
  return null;
}

/**
 * The memory training may use for the model itself: the weights, their gradients and Adam's two moments
 * (four float32 copies of every parameter) must fit in 4 GB, where the WebAssembly backend's memory ends
 * (the native and CPU backends are not much roomier in one process). Activations come on top, per batch.
 */
export const TRAINING_MEMORY_BUDGET_BYTES = 4 * 2 ** 30;
/** Copies of each weight that training holds: the weight, its gradient and the optimizer's two moments. */
export const TRAINING_COPIES_PER_WEIGHT = 4;
/** Weights above this cannot train (1 GB: 268,435,456 float32 parameters). */
export const MAX_TRAINABLE_WEIGHT_BYTES = TRAINING_MEMORY_BUDGET_BYTES / TRAINING_COPIES_PER_WEIGHT;

/** The "too large to train" blocker, or null when the weights fit the training memory budget. */
function sizeBlocker(totalParams: number, weightBytes: number): TrainingBlocker | null {
  if (weightBytes <= MAX_TRAINABLE_WEIGHT_BYTES) return null;
  const need = formatBytes(weightBytes * TRAINING_COPIES_PER_WEIGHT);
  return {
    message: `the model has ${formatCount(totalParams)} parameters (${formatBytes(weightBytes)} of weights), too many to train here: `
      + `training holds the weights, their gradients and the optimizer's state (about ${need}), and TensorFlow.js can use at most ${formatBytes(TRAINING_MEMORY_BUDGET_BYTES)}`,
    fix: `make it at most ${formatCount(MAX_TRAINABLE_WEIGHT_BYTES / 4)} parameters (${formatBytes(MAX_TRAINABLE_WEIGHT_BYTES)} of weights): fewer units or filters, `
      + 'or a pooling layer before a large Dense layer (or export it as PyTorch code to train on a larger machine)',
  };
}

/** Layers that would make training fail although the graph is valid; empty when training can start. */
export function trainingBlockers(graph: Graph, analysis: GraphAnalysis = analyzeGraph(graph)): TrainingBlocker[] {
  const blockers = flattenBlocks(graph).graph.layers.map(blockerOf).filter((b): b is TrainingBlocker => b !== null);
  const tooLarge = sizeBlocker(analysis.totalParams, analysis.weightBytes);
  if (tooLarge) blockers.push(tooLarge);
  return blockers;
}
