// What the host trains or tunes: the open document as the API's ProjectInput (with its file, so relative data
// paths and imported weights beside it are found), the one place the renderer builds it.
import type { ProjectInput } from '../../app/api/contract.ts';
import type { ProjectDocument } from '../../app/project/document.ts';
import { makeTrainingConfig } from '../../app/training/config.ts';

export function projectInputOf(doc: ProjectDocument, filePath: string | null): ProjectInput {
  return {
    name: doc.name, graph: doc.graph, dataset: doc.dataset, training: doc.training ?? makeTrainingConfig(), path: filePath,
    // Imported weights lie beside the project file: the host starts the matching layers from them.
    ...(doc.weights ? { weights: doc.weights } : {}),
  };
}
