// Warm start (issue 16): a new run's layers take the weights of a saved model's layers of the same name
// whose weights have the same shapes; every other layer keeps its fresh initialization. The report says
// which layers were initialized and, in plain words, why the others were not.
import type * as tfTypes from '@tensorflow/tfjs';
import type { WarmStartReport } from '../../app/training/protocol.ts';
import { checkedFolderLoadHandler } from '../model/modelFolder.ts';
import type { Tf } from './runtime.ts';
import { TrainingError } from './trainingError.ts';

function shapesText(weights: readonly { shape: readonly number[] }[]): string {
  return weights.map((w) => `[${w.shape.join(', ')}]`).join(' ');
}

/** Why `layer` cannot take `saved`'s weights, or null when it can. */
function mismatch(layer: tfTypes.layers.Layer, saved: tfTypes.layers.Layer | undefined): string | null {
  if (!saved) return 'the saved model has no layer of this name';
  const to = layer.getWeights();
  const from = saved.getWeights();
  if (saved.getClassName() !== layer.getClassName()) return `it is a ${layer.getClassName()} here but a ${saved.getClassName()} in the saved model`;
  if (from.length !== to.length || from.some((w, i) => w.shape.join() !== to[i].shape.join())) {
    return `its weights have other shapes (${shapesText(to)} here, ${shapesText(from)} in the saved model)`;
  }
  return null;
}

/**
 * Sets each layer of `model` that has weights from the saved model in `dir` (read by the checked reader)
 * when name, layer class and weight shapes match. Throws a TrainingError when no layer matches.
 */
export async function warmStartWeights(tf: Tf, model: tfTypes.LayersModel, dir: string): Promise<WarmStartReport> {
  const saved = await tf.loadLayersModel(checkedFolderLoadHandler(tf, dir));
  try {
    const byName = new Map(saved.layers.map((l) => [l.name, l]));
    const report: WarmStartReport = { layers: [], skipped: [] };
    for (const layer of model.layers) {
      if (layer.weights.length === 0) continue; // Input, Flatten, Dropout…: nothing to initialize.
      const source = byName.get(layer.name);
      const reason = mismatch(layer, source);
      if (reason) {
        report.skipped.push({ name: layer.name, reason });
      } else {
        layer.setWeights(source!.getWeights());
        report.layers.push(layer.name);
      }
    }
    if (report.layers.length === 0) {
      throw new TrainingError(
        'no layer of this model matches a layer of the saved model to start from (by name and weight shapes)',
        'start from a run of a model with layers of the same names and sizes, or train from scratch',
      );
    }
    return report;
  } finally {
    saved.dispose();
  }
}
