// A model folder is untrusted input: handcrafted hostile folders must be refused with a message that
// names the problem, by the one loader every model load goes through (folderLoadHandler included).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkedFolderLoadHandler, ModelFolderError, readCheckedMetadata, readModelFolder } from '../../../main/model/modelFolder.ts';
import { folderLoadHandler, folderSaveHandler } from '../../../main/model/modelFiles.ts';
import { loadTrainedModel } from '../../../main/model/predict.ts';

let root: string;
let goodJson: Record<string, unknown>;
let goodWeights: Buffer;
let counter = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'mw-hostile-'));
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, name: 'd' })] });
  await model.save(folderSaveHandler(tf, join(root, 'good')));
  model.dispose();
  goodJson = JSON.parse(await readFile(join(root, 'good', 'model.json'), 'utf8'));
  goodWeights = await readFile(join(root, 'good', 'weights.bin'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A folder with model.json (`json`, or the good one changed by `edit`) and the given files. */
async function folder(edit: (json: any) => void, files: Record<string, Uint8Array | string> = { 'weights.bin': goodWeights }): Promise<string> {
  const dir = join(root, `case-${++counter}`);
  await mkdir(dir);
  const json = structuredClone(goodJson);
  edit(json);
  await writeFile(join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
  for (const [name, data] of Object.entries(files)) await writeFile(join(dir, name), data);
  return dir;
}

async function refusal(dir: string): Promise<string> {
  try {
    await readModelFolder(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFolderError);
    return (err as Error).message;
  }
  throw new Error(`${dir} was accepted`);
}

describe('checked model folder loading', () => {
  it('loads a folder written by the trainer, and tf.loadLayersModel builds the same model from it', async () => {
    const contents = await readModelFolder(join(root, 'good'));
    expect(contents.weightSpecs.map((s) => s.name)).toEqual(['d/kernel', 'd/bias']);
    expect(contents.weightData.byteLength).toBe(goodWeights.length);
    const model = await tf.loadLayersModel(checkedFolderLoadHandler(tf, join(root, 'good')));
    expect(model.countParams()).toBe(8);
    model.dispose();
  });

  it('reads weights split over several files in manifest order', async () => {
    const dir = await folder((j) => { j.weightsManifest[0].paths = ['./a.bin', 'sub/b.bin']; }, { 'a.bin': goodWeights.subarray(0, 10) });
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'b.bin'), goodWeights.subarray(10));
    const contents = await readModelFolder(dir);
    expect(Buffer.from(contents.weightData)).toEqual(goodWeights);
  });

  it('refuses weight paths that leave the folder: "..", absolute paths, URLs', async () => {
    await writeFile(join(root, 'outside.bin'), goodWeights);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].paths = ['../outside.bin']; }))).toMatch(/leads out of the model folder/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].paths = ['./sub/../../../outside.bin']; }))).toMatch(/leads out/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].paths = [join(root, 'outside.bin')]; }))).toMatch(/is absolute/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].paths = ['C:\\Windows\\x.bin']; }))).toMatch(/is absolute/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].paths = ['https://example.com/w.bin']; }))).toMatch(/is a URL/);
  });

  it('refuses a symbolic link that points out of the folder, but follows one that stays inside', async () => {
    const escaping = await folder((j) => { j.weightsManifest[0].paths = ['./weights.bin']; }, {});
    await symlink(join(root, 'outside.bin'), join(escaping, 'weights.bin'));
    expect(await refusal(escaping)).toMatch(/is a link to .*outside the model folder/);

    const inside = await folder((j) => { j.weightsManifest[0].paths = ['./link.bin']; });
    await symlink(join(inside, 'weights.bin'), join(inside, 'link.bin'));
    expect((await readModelFolder(inside)).weightData.byteLength).toBe(goodWeights.length);
  });

  it('refuses weight files shorter or longer than dtype size × shape, naming the weight', async () => {
    const short = await refusal(await folder(() => {}, { 'weights.bin': goodWeights.subarray(0, goodWeights.length - 4) }));
    expect(short).toMatch(/too short/);
    expect(short).toContain('"d/bias"');
    expect(short).toContain('float32 [2]');
    const long = await refusal(await folder(() => {}, { 'weights.bin': Buffer.concat([goodWeights, Buffer.alloc(3)]) }));
    expect(long).toMatch(/too long: they hold 35 bytes/);
    expect(long).toContain('"d/bias"');
    // The same bytes with a manifest claiming a bigger kernel: the layers' config disagrees before any byte is read.
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[0].shape = [3, 3]; })))
      .toMatch(/layers need 8 parameters but its weight manifest stores 11 \(layer "d" needs 8, the manifest has 11 for it\)/);
  });

  it('checks the layers in model.json against the catalog, the parameter budget and the manifest before building', async () => {
    const dense = (j: any) => j.modelTopology.config.layers.find((l: any) => l.class_name === 'Dense').config;
    // An edited width beyond what the catalog allows (1,000,000 units) is refused by the catalog's own rule.
    expect(await refusal(await folder((j) => { dense(j).units = 30_000_000; }))).toMatch(/cannot be built: layer "d": Units must be a whole number from 1 to 1000000, but is 30000000/);
    // A width the catalog allows, with the original weights: TF.js would allocate 2M parameters before noticing.
    const wide = await refusal(await folder((j) => { dense(j).units = 500_000; }));
    expect(wide).toMatch(/layers need 2,000,000 parameters but its weight manifest stores 8 \(layer "d" needs 2,000,000, the manifest has 8 for it\)/);
    expect(wide).toMatch(/model\.json was edited, or does not belong to these weights/);
    // Beyond the memory budget, whatever the manifest says.
    expect(await refusal(await folder((j) => { dense(j).units = 1_000_000; dense(j).batch_input_shape = [null, 1000]; })))
      .toMatch(/describes 1,001,000,000 parameters \(3\.7 GB of weights\), 1,001,000,000 of them in layer "d"; at most 268,435,456 are loaded/);
    await expect(readModelFolder(await folder(() => {}), { maxParameters: 7 })).rejects.toThrow(/describes 8 parameters .* at most 7 are loaded/);
    // A class the catalog does not know, and a layer config that cannot be built.
    expect(await refusal(await folder((j) => { j.modelTopology.config.layers[0].class_name = 'Danse'; })))
      .toMatch(/layer "d" is a Danse, which is not a layer type Modelwright knows/);
    expect(await refusal(await folder((j) => { dense(j).units = -4; }))).toMatch(/cannot be built: layer "d": Units must be/);
    // The check runs before any weight file is opened (here there is none), so metadata reads refuse too.
    const noWeights = await folder((j) => { dense(j).units = 500_000; }, {});
    expect(await refusal(noWeights)).toMatch(/layers need 2,000,000 parameters/);
    await expect(readCheckedMetadata(noWeights)).rejects.toThrow(/layers need 2,000,000 parameters/);
  });

  it('refuses negative, fractional and huge dimensions, and models over the size cap', async () => {
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[0].shape = [-3, 2]; }))).toMatch(/weightsManifest\.0\.weights\.0\.shape\.0/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[0].shape = [1.5, 2]; }))).toMatch(/shape/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[0].shape = [2 ** 31, 2]; }))).toMatch(/shape/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[0].shape = [2 ** 30, 2 ** 30, 4]; }))).toMatch(/"d\/kernel" .* would need/);
    const dir = await folder(() => {});
    await expect(readModelFolder(dir, { maxWeightBytes: 16 })).rejects.toThrow(/more than the 16 bytes accepted/);
    await expect(readModelFolder(dir, { maxModelJsonBytes: 100 })).rejects.toThrow(/model\.json is .* more than the 100 bytes/);
  });

  it('accepts only float32/int32/bool weights and TF.js quantization with its fields', async () => {
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[0].dtype = 'string'; }))).toMatch(/dtype/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[0].dtype = 'complex64'; }))).toMatch(/dtype/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[0].quantization = { dtype: 'uint8' }; }))).toMatch(/quantization/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[0].quantization = { dtype: 'int4', min: 0, scale: 1 }; }))).toMatch(/quantization/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[1].dtype = 'bool'; j.weightsManifest[0].weights[1].quantization = { dtype: 'float16' }; }))).toMatch(/only float32 weights may be quantized/);
    // A correctly described uint8 kernel (6 bytes) + float32 bias (8 bytes) is accepted.
    const ok = await folder((j) => { j.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', min: -1, scale: 0.01 }; }, { 'weights.bin': Buffer.alloc(14) });
    expect((await readModelFolder(ok)).weightSpecs[0].quantization).toEqual({ dtype: 'uint8', min: -1, scale: 0.01 });
  });

  it('refuses broken or hostile JSON, graph models, missing files and duplicates', async () => {
    const dir = join(root, `case-${++counter}`);
    await mkdir(dir);
    await writeFile(join(dir, 'model.json'), '{"modelTopology": {"__proto__": {"polluted": true}}, "weightsManifest": []}');
    expect(await refusal(dir)).toMatch(/not a valid model description/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const truncated = join(root, `case-${++counter}`);
    await mkdir(truncated);
    await writeFile(join(truncated, 'model.json'), JSON.stringify(goodJson).slice(0, 50));
    expect(await refusal(truncated)).toMatch(/not a valid model description/);
    expect(await refusal(await folder((j) => { j.format = 'graph-model'; }))).toMatch(/graph model/);
    expect(await refusal(await folder((j) => { delete j.modelTopology; }))).toMatch(/modelTopology/);
    expect(await refusal(await folder(() => {}, {}))).toMatch(/weight file "\.\/weights\.bin" .* is missing/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].paths = ['./weights.bin', 'weights.bin']; }))).toMatch(/twice/);
    expect(await refusal(await folder((j) => { j.weightsManifest[0].weights[1].name = 'd/kernel'; }))).toMatch(/weight "d\/kernel" twice/);
    expect(await refusal(join(root, 'nowhere'))).toMatch(/has no model\.json/);
  });

  it('is the loader behind folderLoadHandler and the predict path (loadTrainedModel)', async () => {
    const dir = await folder((j) => { j.weightsManifest[0].paths = ['../outside.bin']; });
    await expect(tf.loadLayersModel(folderLoadHandler(tf, dir))).rejects.toThrow(/leads out of the model folder/);
    await expect(loadTrainedModel(dir, { backend: 'cpu' })).rejects.toThrow(/leads out of the model folder/);
  });
});
