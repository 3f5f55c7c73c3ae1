// Saves and loads TF.js layers models as a folder (model.json + weights.bin), the format
// `tf.loadLayersModel('file://…')` reads under tfjs-node; tfjs-node is absent here, so these are our own IOHandlers.
import { mkdir, writeFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { describeFsError } from '../files/atomicWrite.ts';
import { checkedFolderLoadHandler, readCheckedMetadata, type ModelFolderLimits } from './modelFolder.ts';

type Tf = import('../engine/backends.ts').Tf;
type IOHandler = tfTypes.io.IOHandler;
type ModelArtifacts = tfTypes.io.ModelArtifacts;

/** Named like the trainer's own errors so a run reports this sentence, not "training failed: ENOSPC: …". */
class ModelSaveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** An IOHandler whose save() writes model.json and weights.bin into `dir` (created if missing). */
export function folderSaveHandler(tf: Tf, dir: string): IOHandler {
  return {
    async save(artifacts: ModelArtifacts) {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('saving a binary (GraphDef) model topology is not supported; only layers models are');
      }
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
      const temps = [join(dir, `${WEIGHTS_BIN}.tmp`), join(dir, `${MODEL_JSON}.tmp`)];
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(temps[0], new Uint8Array(weights));
        await writeFile(temps[1], JSON.stringify(modelJson));
      } catch (err) {
        // A full disk or a write error: the model saved there before stays whole, and no half-written file is left.
        await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
        throw new ModelSaveError(`could not save the trained model in ${dir}: ${describeFsError(err)}; ` +
          'a model saved there before, if any, is unchanged. Free some space or save to another folder, then train again');
      }
      await rename(temps[0], join(dir, WEIGHTS_BIN));
      await rename(temps[1], join(dir, MODEL_JSON));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/**
 * An IOHandler whose load() reads a folder written by folderSaveHandler (or by tfjs-node / the tfjs
 * converter). The folder is untrusted: ./modelFolder.ts checks sizes, paths and byte counts.
 */
export function folderLoadHandler(tf: Tf, dir: string, limits?: ModelFolderLimits): IOHandler {
  return checkedFolderLoadHandler(tf, dir, limits);
}

/** Reads only model.json's userDefinedMetadata (preprocessing, labels) without loading weights; checked like a full load. */
export async function readModelMetadata(dir: string): Promise<Record<string, unknown>> {
  return readCheckedMetadata(dir);
}
