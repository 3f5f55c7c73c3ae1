// For every template: the generated JavaScript (runtime tfjs) runs with Node on a small data set,
// trains one epoch, saves a model with the studio's layer names and parameter count, and saves the
// same fitted preprocessing and split sizes as the studio's data pipeline computes for that data.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import { Preprocessor } from '../../../app/data/preprocess.ts';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { registerCustomLayers } from '../../../app/graph/buildModel.ts';
import { templates } from '../../../app/templates/index.ts';
import { folderLoadHandler } from '../../../main/model/modelFiles.ts';
import { expectClose, runNode, scratchDir, templateData } from './fixtures.ts';
import { flattenBlocks } from '../../../app/graph/blocks.ts';

const scratch = scratchDir('templates-js');

beforeAll(async () => {
  await tf.setBackend('cpu');
  // The program's own layer classes (attention, Subtract) load through the studio's, registered under the same names.
  registerCustomLayers(tf);
});
afterAll(() => scratch.cleanup());

describe('generated JavaScript, runtime tfjs, for every template', () => {
  it.each(templates.map((t) => [t.id, t] as const))('%s trains, saves the studio\'s model and preprocessing', { timeout: 180_000 }, async (id, template) => {
    const dir = join(scratch.dir, id);
    const { plan, studio } = await templateData(template, dir);
    const training = { ...template.training, epochs: 1 };
    const { code } = generateCode({ graph: template.graph, data: plan, training }, { language: 'js', runtime: 'tfjs' });
    writeFileSync(join(dir, 'train.mjs'), code);

    const run = runNode('train.mjs', dir, { wasm: true });
    expect(run.stderr + run.stdout, 'the program should exit cleanly').not.toMatch(/Error:/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${studio.train.count} training, ${studio.validation.count} validation and ${studio.test.count} test samples`);
    expect(existsSync(join(dir, 'model', 'weights.bin'))).toBe(true);

    const model = await tf.loadLayersModel(folderLoadHandler(tf, join(dir, 'model')));
    const analysis = analyzeGraph(template.graph);
    expect(model.layers.map((l) => l.name).sort()).toEqual(flattenBlocks(template.graph).graph.layers.map((l) => l.name).sort());
    expect(model.countParams()).toBe(analysis.totalParams);
    for (const layer of flattenBlocks(template.graph).graph.layers) {
      expect(model.getLayer(layer.name).getClassName(), layer.name).toBe(layer.type === 'Input' ? 'InputLayer' : layer.type);
    }

    const metadata = JSON.parse(readFileSync(join(dir, 'model', 'model.json'), 'utf8')).userDefinedMetadata;
    // The saved preprocessing is one the studio can load, and (for classification and tables) the one it fits itself.
    const saved = Preprocessor.fromJSON(metadata.preprocessor).toJSON();
    if (template.dataset.task === 'reconstruction') {
      expect(saved.task).toBe('reconstruction');
      expect(saved.image).toEqual(studio.preprocessor.state.image);
    } else {
      expectClose(saved, studio.preprocessor.toJSON(), 'preprocessor');
    }
    model.dispose();
  });
});
