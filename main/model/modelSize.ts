// The size of a model on disk, raw and gzipped (zlib, default level): model.json plus the weight files its
// manifest lists, each compressed on its own as a web server would send them. A pruned model's zeros show
// in the gzipped size; its raw float32 size does not change.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MODEL_JSON_NAME, readModelFolder } from './modelFolder.ts';

export interface ModelSize {
  /** Bytes of model.json and the weight files. */
  raw: number;
  /** The same files, each gzipped. */
  gzip: number;
}

/** The size of these files' contents, raw and gzipped. */
export function sizeOfFiles(files: readonly Uint8Array[]): ModelSize {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    raw += f.byteLength;
    gzip += gzipSync(f).byteLength;
  }
  return { raw, gzip };
}

/**
 * The size of a saved or exported model folder: model.json and its weights, read through the checked reader
 * (weight paths inside the folder, byte counts). Checkpoints, examples and READMEs are not the model. The
 * weights count as one file (a model above 4 MB is several shards on disk; gzip sizes differ by bytes).
 */
export async function modelFolderSize(dir: string): Promise<ModelSize> {
  const contents = await readModelFolder(dir);
  return sizeOfFiles([await readFile(join(dir, MODEL_JSON_NAME)), new Uint8Array(contents.weightData)]);
}
