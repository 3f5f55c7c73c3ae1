// What keeps a valid graph from training in TF.js: the UI shows these before Train, the trainer
// refuses with the same words. (A graph can be valid for inference and export, yet not trainable.)
import { formatBytes, formatCount } from '../format.ts';
import { analyzeGraph } from '../graph/analyze.ts';
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
 * Weights above this cannot train: gradients and Adam's two moments need about four times the weights,
 * and the WebAssembly backend's memory ends at 4 GB (the others are not much roomier in one process).
 */
export const MAX_TRAINABLE_WEIGHT_BYTES = 2 ** 30;

/** Layers that would make training fail although the graph is valid; empty when training can start. */
export function trainingBlockers(graph: Graph, analysis: GraphAnalysis = analyzeGraph(graph)): TrainingBlocker[] {
  const blockers = graph.layers.map(blockerOf).filter((b): b is TrainingBlocker => b !== null);
  const { weightBytes, totalParams } = analysis;
  if (weightBytes > MAX_TRAINABLE_WEIGHT_BYTES) {
    blockers.push({
      message: `the model has ${formatCount(totalParams)} parameters (${formatBytes(weightBytes)} of weights); training needs about four times that in memory, more than TensorFlow.js can use`,
      fix: `make it smaller than ${formatBytes(MAX_TRAINABLE_WEIGHT_BYTES)} of weights: fewer units or filters, or a pooling layer before a large Dense layer`,
    });
  }
  return blockers;
}
