// What a model folder written by the trainer carries besides the model: the metadata in model.json's
// userDefinedMetadata.modelwright that lets prediction and export take raw rows and name the classes.
import type { LossChoice } from '../../app/training/loss.ts';
import type { PreparedData } from '../../app/training/protocol.ts';

/** Metadata saved in model.json's userDefinedMetadata, so prediction can take raw rows. */
export interface SavedModelMetadata {
  format: 'modelwright-model';
  version: 1;
  task: PreparedData['task'];
  featureShape: number[];
  classNames: string[] | null;
  targetFormat: LossChoice['targetFormat'];
  loss: LossChoice['loss'];
  preprocessor: unknown;
  backend: string;
  runId: string;
  trainedAt: string;
  epochsCompleted: number;
  test: Record<string, number | null> | null;
}

/** The Modelwright metadata of a model.json's userDefinedMetadata, when it has any (it is not checked beyond that). */
export function savedMetadataOf(userDefinedMetadata: Record<string, unknown> | undefined): SavedModelMetadata | null {
  return (userDefinedMetadata?.modelwright ?? null) as SavedModelMetadata | null;
}
