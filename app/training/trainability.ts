// What keeps a valid graph from training in TF.js: the UI shows these before Train, the trainer
// refuses with the same words. (A graph can be valid for inference and export, yet not trainable.)
import { resolveParams } from '../graph/catalog.ts';
import type { Graph, LayerNode, ParamValue } from '../graph/types.ts';

export interface TrainingBlocker {
  layerId: string;
  layerName: string;
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

/** Layers that would make training fail although the graph is valid; empty when training can start. */
export function trainingBlockers(graph: Graph): TrainingBlocker[] {
  return graph.layers.map(blockerOf).filter((b): b is TrainingBlocker => b !== null);
}
