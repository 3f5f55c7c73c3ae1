// Where the trainer gets the model and the data from: the graph builder and the data pipeline (TF.js
// itself comes from the engine, main/engine/loadTf.ts). Kept in one place so the training loop does
// not care how they are found.
import type * as tfTypes from '@tensorflow/tfjs';
import { splitSeedOf, type TrainingConfig } from '../../app/training/config.ts';
import type { TrainingJob, PreparedData } from '../../app/training/protocol.ts';
import type { TensorSplit } from '../../app/data/prepare.ts';
import { buildTfModel, registerCustomLayers } from '../../app/graph/buildModel.ts';
import { loadDataset } from '../data/load.ts';

export type { Tf } from '../engine/backends.ts';
import type { Tf } from '../engine/backends.ts';

/** A TF.js LayersModel from the job's model source. */
export async function buildModel(tf: Tf, source: TrainingJob['model']): Promise<tfTypes.LayersModel> {
  registerCustomLayers(tf);
  if (source.kind === 'keras') {
    let topology = source.topology;
    if (typeof topology === 'string') topology = JSON.parse(topology);
    return tf.models.modelFromJSON(topology as tfTypes.io.ModelJSON);
  }
  return buildTfModel(source.graph, tf);
}

/** Prepared arrays from the job's data: as given, or loaded here by the data pipeline from a binding. */
export async function loadData(data: TrainingJob['data'], config: TrainingConfig): Promise<PreparedData> {
  if (data.kind === 'arrays') return data;
  const d = await loadDataset(data.binding, {
    baseDir: data.baseDir,
    validationSplit: config.validationSplit,
    testSplit: config.testSplit,
    seed: splitSeedOf(config),
  });
  const split = (s: TensorSplit) => ({ x: s.x, y: s.y });
  return {
    kind: 'arrays',
    task: d.task,
    featureShape: d.inputShape,
    dataKind: d.kind,
    classNames: d.classes,
    train: split(d.train),
    validation: split(d.validation),
    test: split(d.test),
    preprocessor: d.preprocessor.toJSON(),
    warnings: d.warnings,
    ...(d.testTexts ? { testTexts: d.testTexts } : {}),
  };
}
