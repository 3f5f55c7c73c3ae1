// An image folder (one subfolder per class, PNG and JPEG files): the generated JavaScript (runtime tfjs,
// decoding with pngjs and jpeg-js) reads the same files in the same order as the studio's loader,
// splits them the same way and trains; the Python version compiles and reads the folder with tf.io.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import { datasetBindingSchema } from '../../../app/data/binding.ts';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { planProjectData } from '../../../main/codegen/projectData.ts';
import { loadDataset } from '../../../main/data/load.ts';
import { folderLoadHandler } from '../../../main/model/modelFiles.ts';
import { expectClose, python, runNode, scratchDir } from './fixtures.ts';

if (!python()) console.warn('[codegen] the Python image-folder test is skipped: no python3 on PATH');

const scratch = scratchDir('image-folder');
afterAll(() => scratch.cleanup());
beforeAll(async () => {
  await tf.setBackend('cpu');
});

function writeImages(root: string): void {
  const classes = ['circle', 'cross', 'square'];
  classes.forEach((name, c) => {
    mkdirSync(join(root, name), { recursive: true });
    for (let k = 0; k < 5; k++) {
      const width = 10 + k;
      const height = 12;
      const data = Buffer.alloc(width * height * 4);
      for (let p = 0; p < width * height; p++) {
        data[p * 4] = (p * (c + 3) * 37) % 256;
        data[p * 4 + 1] = (p * 11 + k * 29) % 256;
        data[p * 4 + 2] = (c * 80 + k * 13) % 256;
        data[p * 4 + 3] = 255;
      }
      if (k === 4) writeFileSync(join(root, name, `img${k}.jpg`), jpeg.encode({ width, height, data }, 90).data);
      else {
        const png = new PNG({ width, height });
        data.copy(png.data);
        writeFileSync(join(root, name, `img${k}.png`), PNG.sync.write(png));
      }
    }
    writeFileSync(join(root, name, 'notes.txt'), 'not an image');
  });
}

const graph: Graph = {
  layers: [
    { id: 'in', type: 'Input', name: 'picture', params: { shape: [8, 8, 1] } },
    { id: 'conv', type: 'Conv2D', name: 'edges', params: { filters: 4, kernelSize: 3, activation: 'relu' } },
    { id: 'flat', type: 'Flatten', name: 'flatten', params: {} },
    { id: 'out', type: 'Dense', name: 'shape', params: { units: 3, activation: 'softmax' } },
  ],
  connections: [
    { from: 'in', to: 'conv', toSlot: 0 },
    { from: 'conv', to: 'flat', toSlot: 0 },
    { from: 'flat', to: 'out', toSlot: 0 },
  ],
};

describe('image folder data', () => {
  const root = join(scratch.dir, 'shapes');
  writeImages(root);
  const binding = datasetBindingSchema.parse({ source: root, kind: 'images', task: 'classification', image: { width: 8, height: 8, channels: 1 } });
  const training = makeTrainingConfig({ epochs: 1, batchSize: 4, validationSplit: 0.25, testSplit: 0.2 });

  it('JavaScript (tfjs, pngjs, jpeg-js) reads, splits and trains like the studio', async () => {
    const data = await planProjectData(binding, { baseDir: scratch.dir });
    const studio = await loadDataset(binding, { seed: training.seed, validationSplit: training.validationSplit, testSplit: training.testSplit });
    const { code } = generateCode({ graph, data, training }, { language: 'js', runtime: 'tfjs' });
    writeFileSync(join(scratch.dir, 'train.mjs'), code);
    const run = runNode('train.mjs', scratch.dir);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${studio.train.count} training, ${studio.validation.count} validation and ${studio.test.count} test samples`);
    const model = await tf.loadLayersModel(folderLoadHandler(tf, join(scratch.dir, 'model')));
    expect(model.countParams()).toBe(analyzeGraph(graph).totalParams);
    expectClose(JSON.parse(readFileSync(join(scratch.dir, 'model', 'model.json'), 'utf8')).userDefinedMetadata.preprocessor, studio.preprocessor.toJSON(), 'preprocessor');
    model.dispose();
  });

  it.skipIf(!python())('Python compiles and decodes the images with tf.io', async () => {
    const data = await planProjectData(binding, { baseDir: scratch.dir });
    const { code } = generateCode({ graph, data, training }, { language: 'python' });
    writeFileSync(join(scratch.dir, 'train.py'), code);
    expect(spawnSync(python()!, ['-m', 'py_compile', join(scratch.dir, 'train.py')], { encoding: 'utf8' }).stderr).toBe('');
    expect(code).toContain('tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)');
    expect(code).toContain('import tensorflow as tf');
  });
});
