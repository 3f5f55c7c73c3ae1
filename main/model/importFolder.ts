// Importing a trained TF.js layers model folder (model.json + weight shards, from Modelwright's export or
// Keras's TF.js converter) as a project whose layers carry their weights: the folder is read as untrusted
// input (./modelFolder.ts), the topology becomes a graph through the Keras importer, and each layer's weights
// are taken from the manifest by name and shape, then saved beside the project (app/project/importedWeights.ts).
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { analyzeGraph } from '../../app/graph/analyze.ts';
import { buildTfModel, registerCustomLayers } from '../../app/graph/buildModel.ts';
import { ProjectFileError } from '../../app/project/errors.ts';
import { weightsFolderName, type ImportedWeights } from '../../app/project/importedWeights.ts';
import { loadModelText } from '../../app/project/load.ts';
import type { ProjectDocument } from '../../app/project/schema.ts';
import type { Tf } from '../engine/backends.ts';
import { loadTf } from '../engine/loadTf.ts';
import { describeFsError } from '../files/atomicWrite.ts';
import { writeProjectFile } from '../files/projectFiles.ts';
import { folderSaveHandler } from './modelFiles.ts';
import { ModelFolderError, readModelFolder, type ModelFolderContents, type ModelFolderLimits } from './modelFolder.ts';

/** A model folder that cannot be imported; the one-line message says what is wrong and what to do. */
export class ModelImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelImportError';
  }
}

export interface ImportedModel {
  /** The project (no data, no training settings yet); its `weights` names the layers that carry weights, `folder` still to be set. */
  document: ProjectDocument;
  /** The model built from the project's graph, its layers holding the imported weights (dispose when done). */
  model: tfTypes.LayersModel;
  tf: Tf;
  /** Layers that took weights from the folder, by name. */
  layers: string[];
  /** What the import could not carry over exactly (dropped settings, layers without weights in the folder). */
  warnings: string[];
  /** Parameters in the model, and how many of them came from the folder. */
  params: { total: number; imported: number };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/** Where the model came from, as its model.json says ("keras v2.15.0 · TensorFlow.js Converter v4.22.0"). */
function sourceOf(contents: ModelFolderContents): string | undefined {
  const { generatedBy, convertedBy } = contents.modelJson;
  const from = [generatedBy, convertedBy].filter((s): s is string => typeof s === 'string' && s.trim() !== '').join(' · ');
  return from ? from.slice(0, 1000) : undefined;
}

/**
 * TF.js's rule for a saved weight's name (tfjs-layers `Container.loadWeights`): the layer's own name for it
 * (`dense/kernel`), or, since TF 2.2, with a cell's name inside (`lstm/lstm_cell/kernel`).
 */
function savedWeight(byName: Map<string, tfTypes.Tensor>, originalName: string): { name: string; tensor: tfTypes.Tensor } | undefined {
  const exact = byName.get(originalName);
  if (exact) return { name: originalName, tensor: exact };
  for (const [name, tensor] of byName) {
    const tokens = name.split('/');
    if (tokens.length > 2 && [...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/') === originalName) return { name, tensor };
  }
  return undefined;
}

/**
 * Reads the TF.js layers model folder `dir` with every check of the model-folder reader, converts its topology
 * to a project and sets each layer's weights from the folder. Throws ModelImportError with one line.
 */
export async function importModelFolder(dir: string, limits: ModelFolderLimits = {}): Promise<ImportedModel> {
  let contents: ModelFolderContents;
  try {
    contents = await readModelFolder(dir, limits);
  } catch (err) {
    if (err instanceof ModelFolderError) throw new ModelImportError(firstLine(err));
    throw err;
  }
  const format = contents.modelJson.format;
  if (format !== undefined && format !== 'layers-model') {
    throw new ModelImportError(`${dir}/model.json has format "${format}", not "layers-model"; only TF.js layers models (saved by Modelwright or TF.js, or converted from Keras with --output_format=tfjs_layers_model) can be imported`);
  }
  let loaded;
  try {
    loaded = loadModelText(JSON.stringify(contents.modelJson), { name: basename(dir) || 'Imported model' });
  } catch (err) {
    if (err instanceof ProjectFileError) throw new ModelImportError(`${dir}/model.json cannot be imported: ${firstLine(err)}`);
    throw err;
  }
  const document = loaded.document;
  const analysis = analyzeGraph(document.graph);
  const unknown = analysis.errors.find((e) => e.kind === 'unknown-type');
  if (unknown) {
    const layer = document.graph.layers.find((l) => l.id === unknown.layerId);
    throw new ModelImportError(`layer "${layer?.name ?? unknown.layerId}" is a ${layer?.type ?? 'layer'}, which Modelwright has no layer for, so its weights cannot be used; `
      + 'replace it in Keras with a layer from Modelwright\'s catalog (docs/layers.md) and convert again, or open model.json alone to see the rest of the model');
  }
  if (!analysis.valid) {
    const e = analysis.errors[0];
    const layer = document.graph.layers.find((l) => l.id === e.layerId);
    throw new ModelImportError(`the model in ${dir} cannot be built${layer ? ` (layer "${layer.name}")` : ''}: ${e.message}${e.fix ? `; ${e.fix}` : ''}`);
  }

  const { tf } = await loadTf('cpu');
  registerCustomLayers(tf);
  let model: tfTypes.LayersModel;
  try {
    model = buildTfModel(document.graph, tf, { analysis });
  } catch (err) {
    throw new ModelImportError(`the model in ${dir} cannot be built: ${firstLine(err)}`);
  }
  const warnings = [...loaded.warnings];
  const layers: string[] = [];
  let imported = 0;
  const decoded = tf.io.decodeWeights(contents.weightData, contents.weightSpecs as tfTypes.io.WeightsManifestEntry[]);
  const byName = new Map(Object.entries(decoded));
  try {
    for (const layer of model.layers) {
      if (layer.weights.length === 0) continue;
      const found = layer.weights.map((w) => savedWeight(byName, w.originalName));
      const missing = layer.weights.filter((_, i) => !found[i]).map((w) => w.originalName);
      if (missing.length > 0) {
        warnings.push(`layer "${layer.name}" has no weights in the folder (${missing.join(', ')} not in the manifest); it starts from fresh weights when trained`);
        continue;
      }
      layer.weights.forEach((w, i) => {
        const saved = found[i]!;
        if (saved.tensor.shape.join() !== w.shape.join()) {
          throw new ModelImportError(`weight "${saved.name}" is [${saved.tensor.shape.join(', ')}] in the folder but layer "${layer.name}" needs [${w.shape.join(', ')}]; the weight files do not belong to this model.json`);
        }
      });
      layer.setWeights(found.map((f) => f!.tensor));
      imported += layer.countParams();
      layers.push(layer.name);
    }
    if (layers.length === 0 && model.layers.some((l) => l.weights.length > 0)) {
      throw new ModelImportError(`none of the weights in ${dir} belong to the layers of its model.json (the names differ); the folder does not hold this model's weights`);
    }
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    for (const t of byName.values()) t.dispose();
  }
  const weights: ImportedWeights = { folder: 'pending', layers, ...(sourceOf(contents) ? { from: sourceOf(contents) } : {}) };
  return { document: { ...document, weights }, model, tf, layers, warnings, params: { total: model.countParams(), imported } };
}

/**
 * Writes the imported project to `file` and its weights to the folder beside it (`NAME.weights/`: model.json +
 * weights.bin, replacing a folder of that name); the project names the folder. Returns the project as written.
 */
export async function writeImportedProject(file: string, imported: ImportedModel): Promise<{ document: ProjectDocument; weightsDir: string }> {
  const folder = weightsFolderName(file);
  const weightsDir = join(dirname(file), folder);
  // Saved under a temporary name first, so a failed save leaves an earlier import's weights as they were.
  const temp = `${weightsDir}.tmp-${process.pid}`;
  try {
    await rm(temp, { recursive: true, force: true });
    await imported.model.save(folderSaveHandler(imported.tf, temp));
    await rm(weightsDir, { recursive: true, force: true });
    await rename(temp, weightsDir);
  } catch (err) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw new ModelImportError(`could not write the imported weights to ${weightsDir}: ${err instanceof Error && err.name === 'TrainingError' ? firstLine(err) : describeFsError(err)}`);
  }
  const document: ProjectDocument = { ...imported.document, weights: { ...imported.document.weights!, folder } };
  try {
    await writeProjectFile(file, document);
  } catch (err) {
    throw new ModelImportError(firstLine(err));
  }
  return { document, weightsDir };
}
