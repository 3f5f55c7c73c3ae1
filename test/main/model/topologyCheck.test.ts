// Every model this program writes must pass the topology check that model loading runs before building:
// each template's model, built and saved as the trainer does, is read back by the checked reader.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { buildTfModel, registerCustomLayers } from '../../../app/graph/buildModel.ts';
import { projectFromTemplate, templates } from '../../../app/templates/index.ts';
import { folderSaveHandler } from '../../../main/model/modelFiles.ts';
import { readModelFolder } from '../../../main/model/modelFolder.ts';

let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers(tf);
  root = await mkdtemp(join(tmpdir(), 'mw-topology-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the topology check accepts every model the templates build', () => {
  for (const template of templates) {
    it(template.id, async () => {
      const graph = projectFromTemplate(template).graph;
      const model = buildTfModel(graph, tf);
      const dir = join(root, template.id);
      await model.save(folderSaveHandler(tf, dir));
      expect(model.countParams()).toBe(analyzeGraph(graph).totalParams);
      model.dispose();
      const contents = await readModelFolder(dir);
      expect(contents.weightSpecs.length).toBeGreaterThan(0);
    });
  }
});
