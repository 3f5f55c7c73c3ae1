// Checks a model.json's layers against the layer catalog and its weight manifest before TF.js builds
// anything: building allocates every weight the config asks for (an edited `units: 30000000` is gigabytes),
// so the parameter count is computed from the config alone and compared with the budget and the manifest.
import { formatBytes, formatCount } from '../../app/format.ts';
import { analyzeGraph } from '../../app/graph/analyze.ts';
import { getLayerDef } from '../../app/graph/catalog.ts';
import type { GraphAnalysis, LayerNode } from '../../app/graph/types.ts';
import { importKerasModel, KerasImportError } from '../../app/keras/import.ts';
import { MAX_TRAINABLE_WEIGHT_BYTES } from '../../app/training/trainability.ts';

/**
 * The most parameters a model folder may describe: what this program can train (1 GB of float32
 * weights). Loading holds the weights about twice (the file bytes, then the built tensors).
 */
export const MAX_MODEL_PARAMETERS = MAX_TRAINABLE_WEIGHT_BYTES / 4;

interface ManifestWeight {
  name: string;
  shape: number[];
  group?: string;
}

function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Problems with model.json's layers, in one sentence, or null when it describes a model the catalog knows
 * whose parameter count fits `maxParameters` and equals the values the manifest stores.
 */
export function topologyProblem(modelJson: unknown, weights: readonly ManifestWeight[], maxParameters = MAX_MODEL_PARAMETERS): string | null {
  let graph;
  try {
    graph = importKerasModel(modelJson).graph;
  } catch (err) {
    if (err instanceof KerasImportError) return `its layers cannot be read: ${err.message}`;
    throw err;
  }
  const unknown = graph.layers.find((l) => !getLayerDef(l.type));
  if (unknown) return `layer "${unknown.name}" is a ${unknown.type}, which is not a layer type Modelwright knows; replace it with a layer from the catalog (docs/layers.md) in the program that made the model and save it again`;
  const analysis = analyzeGraph(graph);
  if (!analysis.valid) {
    const e = analysis.errors[0];
    return `it describes a model that cannot be built: ${e.layerName ? `layer "${e.layerName}": ` : ''}${e.message}`;
  }
  if (analysis.totalParams > maxParameters) {
    const largest = largestLayer(graph.layers, analysis);
    return `it describes ${formatCount(analysis.totalParams)} parameters (${formatBytes(analysis.totalParams * 4)} of weights)`
      + `${largest ? `, ${formatCount(largest.params)} of them in layer "${largest.name}"` : ''}; `
      + `at most ${formatCount(maxParameters)} are loaded, so this model would not fit in memory`;
  }
  const stored = weights.filter((w) => w.group !== 'optimizer').reduce((n, w) => n + elements(w.shape), 0);
  if (stored !== analysis.totalParams) {
    const culprit = mismatchedLayer(graph.layers, analysis, weights);
    return `its layers need ${formatCount(analysis.totalParams)} parameters but its weight manifest stores ${formatCount(stored)}`
      + (culprit ? ` (layer "${culprit.name}" needs ${formatCount(culprit.needs)}, the manifest has ${formatCount(culprit.has)} for it)` : '')
      + '; model.json was edited, or does not belong to these weights';
  }
  return null;
}

function largestLayer(layers: readonly LayerNode[], analysis: GraphAnalysis): { name: string; params: number } | null {
  let best: { name: string; params: number } | null = null;
  for (const l of layers) {
    const params = analysis.layers[l.id]?.params ?? 0;
    if (!best || params > best.params) best = { name: l.name, params };
  }
  return best;
}

/**
 * The layer whose config disagrees with its stored weights, for the message. Weights are matched to a
 * layer by name (TF.js and Keras name them `<layer>/<weight>`, sometimes under a model prefix).
 */
function mismatchedLayer(layers: readonly LayerNode[], analysis: GraphAnalysis, weights: readonly ManifestWeight[]): { name: string; needs: number; has: number } | null {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const has = new Map<string, number>();
  for (const w of weights) {
    if (w.group === 'optimizer') continue;
    const owner = w.name.split('/').find((segment) => byName.has(segment));
    if (owner) has.set(owner, (has.get(owner) ?? 0) + elements(w.shape));
  }
  for (const l of layers) {
    const needs = analysis.layers[l.id]?.params ?? 0;
    const stored = has.get(l.name) ?? 0;
    if (needs !== stored) return { name: l.name, needs, has: stored };
  }
  return null;
}
