// A TF.js LayersModel from a training job's model source (the studio's graph or a Keras topology). Shared
// by the training loop and its replica threads (./dataParallel.ts), which must build the very same model.
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainingJob } from '../../app/training/protocol.ts';
import { buildTfModel, registerCustomLayers } from '../../app/graph/buildModel.ts';
import type { Tf } from './backends.ts';

export type ModelSource = TrainingJob['model'];

export async function buildModel(tf: Tf, source: ModelSource): Promise<tfTypes.LayersModel> {
  registerCustomLayers(tf);
  if (source.kind === 'keras') {
    let topology = source.topology;
    if (typeof topology === 'string') topology = JSON.parse(topology);
    return tf.models.modelFromJSON(topology as tfTypes.io.ModelJSON);
  }
  return buildTfModel(source.graph, tf);
}
