// Training a project that carries imported weights (`modelwright import`, app/project/importedWeights.ts): the
// run starts from the weights folder beside the project file, layer by layer where name and weight shapes
// match (the warm start's matching, ./warmStart.ts); layers changed or added since the import start fresh.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportedWeights } from '../../app/project/importedWeights.ts';
import { StoreError } from '../store/errors.ts';
import type { RunRequest } from './startRun.ts';

/**
 * The `derived` part of the run's request for a project whose imported weights are in `projectDir`, or a
 * StoreError (`invalid`) saying in one sentence that the folder is not beside the project.
 */
export function planImportedWeights(projectDir: string, weights: ImportedWeights): NonNullable<RunRequest['derived']> {
  const folder = join(projectDir, weights.folder);
  if (!existsSync(join(folder, 'model.json'))) {
    throw new StoreError('invalid', `the project's imported weights (the folder "${weights.folder}") are not beside it in ${projectDir}; `
      + 'copy that folder next to the project file, or remove the project\'s "weights" entry to train from fresh weights');
  }
  return importedWeightsRequest(folder);
}

/** The `derived` part of a run that starts from the imported weights in `folder` (a sweep's trials keep only the folder). */
export function importedWeightsRequest(folder: string): NonNullable<RunRequest['derived']> {
  return {
    lineage: { kind: 'train', parentRunId: null, derivation: { importedWeights: { folder } } },
    weightsFrom: folder,
    match: 'by-name',
  };
}
