// The built-in templates, in the order the welcome screen and `modelwright templates` list them, and
// the one way to turn a template into a new project document (with a laid-out canvas).
import { autoLayout } from '../graph/layout.ts';
import { newProject, type ProjectDocument } from '../project/document.ts';
import { autoencoder } from './autoencoder.ts';
import { binaryClassifier } from './binaryClassifier.ts';
import { digitRecognizer } from './digitRecognizer.ts';
import { imageFromBase } from './imageFromBase.ts';
import { intentClassifier } from './intentClassifier.ts';
import { regression } from './regression.ts';
import { residualCnn } from './residualCnn.ts';
import { sensorAttention } from './sensorAttention.ts';
import { sentiment } from './sentiment.ts';
import { tabularClassifier } from './tabularClassifier.ts';
import { transformerIntent } from './transformerIntent.ts';
import { transformerSentiment } from './transformerSentiment.ts';
import type { ProjectTemplate } from './types.ts';

export type { ProjectTemplate } from './types.ts';

export const templates: readonly ProjectTemplate[] = [
  tabularClassifier,
  regression,
  binaryClassifier,
  digitRecognizer,
  imageFromBase,
  intentClassifier,
  transformerIntent,
  sentiment,
  transformerSentiment,
  sensorAttention,
  residualCnn,
  autoencoder,
];

export function getTemplate(id: string): ProjectTemplate | undefined {
  return templates.find((t) => t.id === id);
}

/** A new project from a template: its own copy of the graph, laid out top to bottom. */
export function projectFromTemplate(template: ProjectTemplate, options: { name?: string; now?: string } = {}): ProjectDocument {
  const graph = structuredClone(template.graph);
  return newProject(options.name ?? template.title, {
    graph,
    layout: { positions: autoLayout(graph, { direction: 'TB' }) },
    dataset: structuredClone(template.dataset),
    training: structuredClone(template.training),
    ...(template.notes !== undefined ? { notes: template.notes } : {}),
    now: options.now,
  });
}
