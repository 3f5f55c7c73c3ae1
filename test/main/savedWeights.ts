// A layer's weights as a run saved them (model.json and its weight files of the run's model artifact),
// byte for byte: for tests that a frozen layer came out of training exactly as it went in.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { openStore } from '../../main/store/experimentStore.ts';

/** The saved weights of `layer` (kernel, bias, … in the file's order) of run `runId` in the history `db`. */
export async function savedWeights(db: string, runId: number, layer: string): Promise<Buffer[]> {
  const store = openStore(db, { mustExist: true });
  let dir: string;
  try {
    dir = [...store.getRun(runId).artifacts].reverse().find((a) => a.kind === 'model')!.path;
  } finally {
    store.close();
  }
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const bytes = Buffer.concat(await Promise.all(json.weightsManifest[0].paths.map((p) => readFile(join(dir, p)))));
  const out: Buffer[] = [];
  let offset = 0;
  for (const spec of json.weightsManifest[0].weights) {
    const size = spec.shape.reduce((a, b) => a * b, 1) * 4;
    if (spec.name.startsWith(`${layer}/`)) out.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  if (out.length === 0) throw new Error(`run ${runId} saved no weights of a layer "${layer}"`);
  return out;
}
