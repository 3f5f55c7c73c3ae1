// importModelFolder on real TF.js models saved as folders (random weights in every weight, BatchNormalization's
// moving statistics included): the imported model predicts what the saved one does, for a CNN with batch
// normalization and for a text model with an LSTM, also when the LSTM's weights carry a cell name (TF ≥ 2.2).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModelFolder } from '../../../main/model/importFolder.ts';
import { folderSaveHandler } from '../../../main/model/modelFiles.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-import-folder-'));
  await tf.setBackend('cpu');
  await tf.ready();
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** Every weight replaced by seeded random values (variances kept positive). */
function randomize(model: tf.LayersModel): void {
  let seed = 1;
  for (const layer of model.layers) {
    const weights = layer.getWeights().map((w) => tf.randomUniform(w.shape, 0.05, 0.5, 'float32', seed++));
    if (weights.length) layer.setWeights(weights);
  }
}

async function saveAndImport(model: tf.LayersModel, name: string, edit?: (json: { weightsManifest: { weights: { name: string }[] }[] }) => void) {
  randomize(model);
  const folder = join(dir, name);
  await model.save(folderSaveHandler(tf as never, folder));
  if (edit) {
    const json = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8'));
    edit(json);
    await writeFile(join(folder, 'model.json'), JSON.stringify(json));
  }
  return importModelFolder(folder);
}

async function expectSamePredictions(a: tf.LayersModel, b: tf.LayersModel, input: tf.Tensor) {
  const [x, y] = [a.predict(input) as tf.Tensor, b.predict(input) as tf.Tensor];
  const diff = (await tf.max(tf.abs(tf.sub(x, y))).data())[0];
  expect(diff).toBeLessThan(1e-5);
}

describe('importModelFolder', () => {
  it('a CNN with batch normalization predicts as saved', async () => {
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
    ] });
    const imported = await saveAndImport(model, 'cnn');
    try {
      expect(imported.layers).toEqual(['conv', 'bn', 'out']);
      expect(imported.params).toEqual({ total: model.countParams(), imported: model.countParams() });
      await expectSamePredictions(model, imported.model, tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 7));
    } finally {
      imported.model.dispose();
    }
  });

  it('a text model with an LSTM predicts as saved, also with TF ≥ 2.2 cell names (lstm/lstm_cell/kernel)', async () => {
    const build = () => tf.sequential({ layers: [
      tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6, name: 'embed' }),
      tf.layers.lstm({ units: 5, name: 'lstm' }),
      tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }),
    ] });
    const input = tf.tensor2d([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
    const plain = build();
    const a = await saveAndImport(plain, 'lstm');
    const celled = build();
    const b = await saveAndImport(celled, 'lstm-cell', (json) => {
      for (const w of json.weightsManifest[0].weights) w.name = w.name.replace(/^lstm\//, 'lstm/lstm_cell/');
    });
    try {
      expect(a.layers).toEqual(['embed', 'lstm', 'out']);
      expect(b.layers).toEqual(['embed', 'lstm', 'out']);
      await expectSamePredictions(plain, a.model, input);
      await expectSamePredictions(celled, b.model, input);
    } finally {
      a.model.dispose();
      b.model.dispose();
    }
  });
});
