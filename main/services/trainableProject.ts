// What the training and sweeps services both do first with a project from the page: parse it again (in-process
// callers reach the services without the RPC layer), require data, refuse a graph the trainer would refuse
// (in the trainer's words), and resolve the data through the host's file policy.
import { projectInputSchema } from '../../app/api/contract.ts';
import { ApiError } from '../../app/api/errors.ts';
import { dirname } from 'node:path';
import type { Graph } from '../../app/graph/types.ts';
import type { ImportedWeights } from '../../app/project/importedWeights.ts';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { makeTrainingConfig, type TrainingConfig } from '../../app/training/config.ts';
import { graphRefusal } from '../trainer/startRun.ts';
import { localFileAccess, type FileAccess } from '../files/fileAccess.ts';

export interface TrainableProject {
  graph: Graph;
  config: TrainingConfig;
  /** The data as the project names it (recorded in the history). */
  binding: DatasetBinding;
  /** The data as the host's file policy allows the trainer to read it. */
  data: Awaited<ReturnType<FileAccess['dataFor']>>;
  /** The project's name, trimmed; undefined when it has none. */
  name: string | undefined;
  /** Weights imported with the model, and the folder of the project file they lie beside. */
  imported?: { weights: ImportedWeights; projectDir: string };
}

/** The project ready to start a trainer on, or an ApiError saying in one sentence what to do first. */
export async function trainableProject(projectArg: unknown, files: FileAccess | undefined): Promise<TrainableProject> {
  const project = projectInputSchema.parse(projectArg);
  const binding = project.dataset;
  if (!binding) throw new ApiError('failed', 'Choose the data to train on first (a built-in dataset or an imported file).');
  const config = project.training ?? makeTrainingConfig();
  // The graph alone is checked here (the data is loaded in the trainer, which checks the rest with the same words).
  const refusal = graphRefusal(project.graph, config);
  if (refusal) throw new ApiError('failed', `The model cannot be trained yet: ${refusal.message}${refusal.advice ? `. What to do: ${refusal.advice}.` : ''}`);
  const access = files ?? localFileAccess(process.cwd());
  const data = await access.dataFor(binding, project.path ? await access.readable(project.path).catch(() => null) : null);
  let imported: TrainableProject['imported'];
  if (project.weights) {
    const file = project.path ? await access.readable(project.path).catch(() => null) : null;
    if (!file) throw new ApiError('failed', 'This project\'s imported weights lie in a folder beside its file, but the project has no file here; open it from its file (or import the model again) to train from them.');
    imported = { weights: project.weights, projectDir: dirname(file) };
  }
  return { graph: project.graph, config, binding, data, name: project.name?.trim() || undefined, ...(imported ? { imported } : {}) };
}
