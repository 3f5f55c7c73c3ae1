// Where the trainer gets the model and the data from: the engine's model builder and the data pipeline (TF.js
// itself comes from the engine, main/engine/loadTf.ts). Kept in one place so the training loop does
// not care how they are found.
import { splitSeedOf, type TrainingConfig } from '../../app/training/config.ts';
import type { TrainingJob, PreparedData } from '../../app/training/protocol.ts';
import type { TensorSplit } from '../../app/data/prepare.ts';
import { loadDataset } from '../data/load.ts';

export type { Tf } from '../engine/backends.ts';
export { buildModel } from '../engine/modelSource.ts';

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
