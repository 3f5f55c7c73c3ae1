// Saves and loads TF.js layers models as a folder (model.json + weights.bin), the format
// `tf.loadLayersModel('file://…')` reads under tfjs-node; tfjs-node is absent here, so these are our own IOHandlers.
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';

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

/** An IOHandler whose load() reads a folder written by folderSaveHandler (or by tfjs-node / the tfjs converter). */
export function folderLoadHandler(tf: Tf, dir: string): IOHandler {
  return {
    async load() {
      const jsonPath = join(dir, MODEL_JSON);
      let modelJson: tfTypes.io.ModelJSON;
      try {
        modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tfTypes.io.ModelJSON;
      } catch (err) {
        throw new Error(`cannot read ${jsonPath}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (is this a saved model folder?)' : (err as Error).message}`, { cause: err });
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(manifest.flatMap((group) => group.paths).map(async (p) => {
          const bytes = await readFile(join(dir, p));
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        }));
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/** Reads only model.json's userDefinedMetadata (preprocessing, labels) without loading weights. */
export async function readModelMetadata(dir: string): Promise<Record<string, unknown>> {
  const json = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as { userDefinedMetadata?: Record<string, unknown> };
  return json.userDefinedMetadata ?? {};
}
