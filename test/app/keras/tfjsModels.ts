// Test helpers for the Keras interchange tests: TF.js on the CPU backend, and a per-layer summary of a
// TF.js model (name, class, output shape, weight count) to compare models and analyses with.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';

export { tf };

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

export interface LayerSummary {
  name: string;
  className: string;
  /** Without the batch dimension. */
  outputShape: (number | null)[];
  params: number;
}

/** Every layer of a model except InputLayers (a Sequential hides its own, a functional model lists it). */
export function summarize(model: tf.LayersModel): LayerSummary[] {
  return model.layers
    .filter((l) => l.getClassName() !== 'InputLayer')
    .map((l) => ({
      name: l.name,
      className: l.getClassName(),
      outputShape: (l.outputShape as (number | null)[]).slice(1),
      params: l.countParams(),
    }));
}

/** Input shapes without the batch dimension, in the model's input order. */
export function inputShapes(model: tf.LayersModel): (number | null)[][] {
  return model.inputs.map((t) => t.shape.slice(1));
}
