// Weights that came with an imported model (`modelwright import`, the studio's "Import model folder…"): they
// live in a folder beside the project file (a TF.js layers model folder), which the project names here.
// Training initializes the layers whose name and weight shapes match from it (main/trainer/importedWeightsPlan.ts).
import { z } from 'zod';
import { graphLimits, nameSchema } from '../graph/schema.ts';

/** The folder's name: one plain name beside the project file (no path separators, not `.` or `..`). */
const folderName = z.string().min(1).max(255).refine(
  (s) => !/[\\/\0]/.test(s) && s !== '.' && s !== '..' && s.trim() === s,
  { error: 'must be the plain name of a folder beside the project file (no "/" or "\\", not "." or "..")' },
);

export const importedWeightsSchema = z.strictObject({
  /** The weights folder (model.json + weights.bin), beside the project file. */
  folder: folderName,
  /** Layers that carry imported weights, by name (the canvas marks them). */
  layers: z.array(nameSchema).max(graphLimits.maxLayers),
  /** Where the model came from, as its model.json says (e.g. "keras v2.15.0 · TensorFlow.js Converter v4.22.0"). */
  from: z.string().max(1000).optional(),
});

export type ImportedWeights = z.output<typeof importedWeightsSchema>;

/** Suffix of the weights folder beside a project: `digits.mwproj` keeps its weights in `digits.weights/`. */
export const WEIGHTS_FOLDER_SUFFIX = '.weights';

/** The weights folder's name for a project file name (`a/b/digits.mwproj` → `digits.weights`). */
export function weightsFolderName(projectFileName: string): string {
  const base = projectFileName.split(/[\\/]/).pop() ?? projectFileName;
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return `${stem || 'project'}${WEIGHTS_FOLDER_SUFFIX}`;
}

/** Parameters of the layers that carry imported weights (the status bar's "⤓ N imported"). */
export function importedParamCount(
  doc: { graph: { layers: readonly { id: string; name: string }[] }; weights?: ImportedWeights },
  analysis: { layers: Record<string, { params: number } | undefined> },
): number {
  if (!doc.weights) return 0;
  const names = new Set(doc.weights.layers);
  return doc.graph.layers.reduce((n, l) => n + (names.has(l.name) ? analysis.layers[l.id]?.params ?? 0 : 0), 0);
}
