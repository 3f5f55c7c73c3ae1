// Saves and loads TF.js layers models as a folder (model.json + weights.bin), the format
// `tf.loadLayersModel('file://…')` reads under tfjs-node; tfjs-node is absent here, so these are our own IOHandlers.
import { mkdir, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { checkedFolderLoadHandler, readCheckedMetadata, type ModelFolderLimits } from '../export/modelFolder.ts';

type Tf = import('../engine/backends.ts').Tf;
type IOHandler = tfTypes.io.IOHandler;
type ModelArtifacts = tfTypes.io.ModelArtifacts;

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** An IOHandler whose save() writes model.json and weights.bin into `dir` (created if missing). */
export function folderSaveHandler(tf: Tf, dir: string): IOHandler {
  return {
    async save(artifacts: ModelArtifacts) {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('saving a binary (GraphDef) model topology is not supported; only layers models are');
      }
      await mkdir(dir, { recursive: true });
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      const modelJson: tfTypes.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      // Write to temporary names first so a crash mid-save never leaves a model.json pointing at half a weights file.
      await writeFile(join(dir, `${WEIGHTS_BIN}.tmp`), new Uint8Array(weights));
      await writeFile(join(dir, `${MODEL_JSON}.tmp`), JSON.stringify(modelJson));
      await rename(join(dir, `${WEIGHTS_BIN}.tmp`), join(dir, WEIGHTS_BIN));
      await rename(join(dir, `${MODEL_JSON}.tmp`), join(dir, MODEL_JSON));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/**
 * An IOHandler whose load() reads a folder written by folderSaveHandler (or by tfjs-node / the tfjs
 * converter). The folder is untrusted: main/export/modelFolder.ts checks sizes, paths and byte counts.
 */
export function folderLoadHandler(tf: Tf, dir: string, limits?: ModelFolderLimits): IOHandler {
  return checkedFolderLoadHandler(tf, dir, limits);
}

/** Reads only model.json's userDefinedMetadata (preprocessing, labels) without loading weights; checked like a full load. */
export async function readModelMetadata(dir: string): Promise<Record<string, unknown>> {
  return readCheckedMetadata(dir);
}
