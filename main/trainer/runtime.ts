// Where the trainer gets TF.js, the model and the data from: the engine's backend ladder, the graph
// builder and the data pipeline. Kept in one place so the training loop does not care how they are found.
import type * as tfTypes from '@tensorflow/tfjs';
import type { BackendName } from '../../app/training/config.ts';
import { loadBackend } from '../engine/backends.ts';
import type { TrainingJob, PreparedData } from '../../app/training/protocol.ts';

export type { Tf } from '../engine/backends.ts';
import type { Tf } from '../engine/backends.ts';

export interface LoadedBackend {
  tf: Tf;
  backend: string;
  tried: { backend: string; error: string }[];
}

// Specifiers held in variables: these modules are written in parallel by other engineers, and the
// trainer must keep working (with Keras JSON models and prepared arrays) until they land.
const buildModelModule = '../../app/graph/buildModel.ts';
const dataModule = '../data/prepare.ts';

async function optionalImport(specifier: string): Promise<Record<string, unknown> | null> {
  try {
    return (await import(new URL(specifier, import.meta.url).href)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(specifier.replace(/^(\.\.\/)+/, ''))) return null;
    throw err;
  }
}

/** TF.js on the requested backend, through the engine's ladder (`auto` walks tensorflow → wasm → cpu). */
export async function loadTf(requested: BackendName): Promise<LoadedBackend> {
  const loaded = await loadBackend(requested);
  return {
    tf: loaded.tf,
    backend: loaded.backend,
    tried: loaded.tried.filter((t) => !t.ok).map((t) => ({ backend: t.backend, error: t.reason ?? 'did not load' })),
  };
}

/** A TF.js LayersModel from the job's model source. */
export async function buildModel(tf: Tf, source: TrainingJob['model']): Promise<tfTypes.LayersModel> {
  if (source.kind === 'keras') {
    let topology = source.topology;
    if (typeof topology === 'string') topology = JSON.parse(topology);
    return tf.models.modelFromJSON(topology as tfTypes.io.ModelJSON);
  }
  const builder = await optionalImport(buildModelModule);
  if (!builder || typeof builder.buildTfModel !== 'function') {
    throw new Error('this build cannot turn a studio graph into a TF.js model yet (app/graph/buildModel.ts is missing); pass a Keras model JSON instead');
  }
  return (await builder.buildTfModel(source.graph, tf)) as tfTypes.LayersModel;
}

/** Prepared arrays from the job's data: as given, or loaded by the data pipeline from a binding. */
export async function loadData(data: TrainingJob['data'], job: TrainingJob): Promise<PreparedData> {
  if (data.kind === 'arrays') return data;
  const pipeline = await optionalImport(dataModule);
  if (!pipeline || typeof pipeline.prepareForTraining !== 'function') {
    throw new Error('this build cannot load datasets in the trainer yet (main/data/prepare.ts is missing); pass prepared arrays instead');
  }
  return (await pipeline.prepareForTraining(data.binding, { baseDir: data.baseDir, config: job.config })) as PreparedData;
}
