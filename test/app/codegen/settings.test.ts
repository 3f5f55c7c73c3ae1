// Settings the templates do not use: semicolon files with decimal commas, files without a header,
// categorical features with missing values, min-max and no scaling, class weights, SGD with Nesterov
// momentum, a split seed of its own, Huber loss, early stopping on accuracy, reduce-LR-on-plateau, and a branching model with
// Subtract, Reshape, Bidirectional(GRU) and Concatenate. The generated JavaScript runs and matches the
// studio's preprocessing; the Python compiles, spells the Keras-specific defaults out, and (where pandas
// exists) its data pipeline matches too.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import { planTableData } from '../../../app/codegen/dataPlan.ts';
import { datasetBindingSchema } from '../../../app/data/binding.ts';
import { parseCsv } from '../../../app/data/csv.ts';
import { prepareTable } from '../../../app/data/prepare.ts';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { registerCustomLayers } from '../../../app/graph/buildModel.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { makeTrainingConfig, splitSeedOf } from '../../../app/training/config.ts';
import { folderLoadHandler } from '../../../main/model/modelFiles.ts';
import { expectClose, python, runNode, scratchDir } from './fixtures.ts';

const scratch = scratchDir('settings');
afterAll(() => scratch.cleanup());
beforeAll(async () => {
  await tf.setBackend('cpu');
  // The programs register their own Subtract class; the test's tfjs needs the studio's to load the model.
  registerCustomLayers(tf);
});

/** Deterministic pseudo-random numbers for the fixture files. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function dense(id: string, units: number, activation = 'relu') {
  return { id, type: 'Dense', name: id, params: { units, activation } };
}

interface Case {
  id: string;
  csv: string;
  binding: unknown;
  training: unknown;
  graph: Graph;
}

function classificationCase(): Case {
  const r = lcg(3);
  const lines = ['size;color;weight;label'];
  const colors = ['red', 'green', 'blue'];
  for (let i = 0; i < 72; i++) {
    const label = i % 6 === 0 ? 'rare' : r() < 0.5 ? 'a' : 'b';
    const weight = i % 9 === 4 ? 'NA' : (r() * 10).toFixed(2).replace('.', ',');
    const color = i % 11 === 5 ? '' : colors[Math.floor(r() * 3)];
    lines.push(`${(r() * 3).toFixed(1).replace('.', ',')};${color};${weight};${label}`);
  }
  return {
    id: 'decimal-comma',
    csv: `${lines.join('\n')}\n`,
    binding: { target: 'label', missing: 'mean', scaling: 'minmax' },
    training: {
      optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true },
      metrics: ['accuracy'], epochs: 3, batchSize: 8, classWeights: 'auto', seed: 3,
      // Rows split by their own seed (as an ensemble's members are trained), not by the weights' seed.
      splitSeed: 11,
      earlyStopping: { enabled: true, monitor: 'val_accuracy', patience: 2, minDelta: 0.01 },
      reduceLrOnPlateau: { enabled: true, patience: 1, factor: 0.5 },
    },
    graph: {
      layers: [{ id: 'in', type: 'Input', name: 'row', params: { shape: [5] } }, dense('h', 8), dense('out', 3, 'softmax')],
      connections: [{ from: 'in', to: 'h', toSlot: 0 }, { from: 'h', to: 'out', toSlot: 0 }],
    },
  };
}

function regressionCase(): Case {
  const r = lcg(5);
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const a = r() * 4;
    const b = i % 7 === 3 ? '' : (r() * 2).toFixed(3);
    const kind = r() < 0.5 ? 'x' : 'y';
    lines.push(`${a.toFixed(3)},${b},${kind},${(a * 3 + (kind === 'x' ? 1 : -1) + r()).toFixed(3)}`);
  }
  return {
    id: 'no-header',
    csv: `${lines.join('\n')}\n`,
    binding: { target: 'column4', missing: 'zero', scaling: 'none', columns: [{ name: 'column3', role: 'feature', type: 'categorical' }] },
    training: {
      optimizer: { name: 'rmsprop', learningRate: 0.01 }, loss: 'huber', metrics: ['mae'], epochs: 2, batchSize: 16,
      validationSplit: 0, testSplit: 0.25, shuffle: false,
      earlyStopping: { enabled: true, monitor: 'val_loss', patience: 3, restoreBestWeights: false },
    },
    graph: {
      layers: [
        { id: 'in', type: 'Input', name: 'row', params: { shape: [4] } },
        dense('a', 4), dense('b', 4),
        { id: 'diff', type: 'Subtract', name: 'difference', params: {} },
        { id: 'seq', type: 'Reshape', name: 'as_sequence', params: { targetShape: [4, 1] } },
        { id: 'rnn', type: 'Bidirectional', name: 'reader', params: { layer: { type: 'GRU', params: { units: 3 } } } },
        { id: 'cat', type: 'Concatenate', name: 'joined', params: {} },
        dense('price', 1, 'linear'),
      ],
      connections: [
        { from: 'in', to: 'a', toSlot: 0 }, { from: 'in', to: 'b', toSlot: 0 },
        { from: 'a', to: 'diff', toSlot: 0 }, { from: 'b', to: 'diff', toSlot: 1 },
        { from: 'diff', to: 'seq', toSlot: 0 }, { from: 'seq', to: 'rnn', toSlot: 0 },
        { from: 'rnn', to: 'cat', toSlot: 0 }, { from: 'a', to: 'cat', toSlot: 1 },
        { from: 'cat', to: 'price', toSlot: 0 },
      ],
    },
  };
}

function setUp(c: Case) {
  const dir = join(scratch.dir, c.id);
  mkdirSync(dir, { recursive: true });
  const csvPath = join(dir, 'data.csv');
  writeFileSync(csvPath, c.csv);
  const binding = datasetBindingSchema.parse({ source: csvPath, ...(c.binding as object) });
  const training = makeTrainingConfig(c.training);
  const table = parseCsv(c.csv);
  const studio = prepareTable(table, binding, { seed: splitSeedOf(training), validationSplit: training.validationSplit, testSplit: training.testSplit });
  const data = planTableData(table, binding, csvPath);
  return { dir, training, studio, data };
}

describe.each([classificationCase(), regressionCase()])('settings: $id', (c) => {
  const { dir, training, studio, data } = setUp(c);

  it('the data plan and the studio agree on the input width', () => {
    expect(analyzeGraph(c.graph).valid).toBe(true);
    expect(studio.inputShape).toEqual((c.graph.layers[0].params.shape as number[]));
  });

  it('JavaScript runs, saves the studio\'s model and preprocessing', async () => {
    const { code } = generateCode({ graph: c.graph, data, training }, { language: 'js', runtime: 'tfjs' });
    writeFileSync(join(dir, 'train.mjs'), code);
    const run = runNode('train.mjs', dir);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${studio.train.count} training, ${studio.validation.count} validation and ${studio.test.count} test samples`);
    const model = await tf.loadLayersModel(folderLoadHandler(tf, join(dir, 'model')));
    expect(model.countParams()).toBe(analyzeGraph(c.graph).totalParams);
    expect(model.layers.map((l) => l.name).sort()).toEqual(c.graph.layers.map((l) => l.name).sort());
    const saved = JSON.parse(readFileSync(join(dir, 'model', 'model.json'), 'utf8')).userDefinedMetadata.preprocessor;
    expectClose(saved, studio.preprocessor.toJSON(), 'preprocessor');
    model.dispose();
  });

  it.skipIf(!python())('Python compiles and spells out what differs from Keras\'s defaults', () => {
    const { code } = generateCode({ graph: c.graph, data, training }, { language: 'python' });
    const file = join(dir, 'train.py');
    writeFileSync(file, code);
    expect(spawnSync(python()!, ['-m', 'py_compile', file], { encoding: 'utf8' }).stderr).toBe('');
    const { calls } = JSON.parse(spawnSync(python()!, [new URL('./kerasAst.py', import.meta.url).pathname, file], { encoding: 'utf8' }).stdout) as { calls: { callee: string; keywords: Record<string, unknown> }[] };
    for (const call of calls.filter((x) => x.callee === 'layers.Dense')) expect(call.keywords.kernel_initializer).toBe('glorot_normal');
    if (c.id === 'no-header') {
      expect(calls.find((x) => x.callee === 'layers.GRU')?.keywords).toMatchObject({ units: 3, recurrent_activation: 'hard_sigmoid', reset_after: false, name: 'reader_gru' });
      expect(calls.map((x) => x.callee)).toEqual(expect.arrayContaining(['layers.Subtract', 'layers.Reshape', 'layers.Bidirectional', 'layers.Concatenate']));
      expect(code).toContain('loss="huber"');
      expect(code).toContain('shuffle=False');
      expect(code).not.toContain('validation_data');
    } else {
      expect(code).toContain('keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)');
      expect(code).toContain('keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2, mode="max", min_delta=0.01, restore_best_weights=True)');
      expect(code).toContain('keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=0.000001, min_delta=0, mode="min")');
      expect(code).toContain('class_weight=class_weight');
    }
    const runner = ['/usr/bin/python3', python()!].find((p) => spawnSync(p, ['-c', 'import pandas, numpy'], { encoding: 'utf8' }).status === 0);
    if (!runner) {
      console.warn('Not running the Python data pipeline: no Python with pandas and numpy here.');
      return;
    }
    const r = spawnSync(runner, ['train.py'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: new URL('./kerasStub', import.meta.url).pathname } });
    expect(r.stderr).toBe('');
    expectClose(JSON.parse(readFileSync(join(dir, 'model', 'preprocessor.json'), 'utf8')), studio.preprocessor.toJSON(), 'preprocessor');
  });
});
