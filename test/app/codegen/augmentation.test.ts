// Augmentation in generated code: the PyTorch script's NumPy port gives the studio's augmentImages values for
// the same batch and seed (run here with Debian's python3); a generated PyTorch script trains on an image
// folder with augmentation on, augmenting training batches only; the other languages say what they do.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import { pythonAugmentFunctions, pythonAugmentSettings } from '../../../app/codegen/pythonAugment.ts';
import { pythonMulberry32 } from '../../../app/codegen/pythonData.ts';
import { augmentImages, batchSeed } from '../../../app/data/augment.ts';
import { mulberry32 } from '../../../app/data/split.ts';
import { datasetBindingSchema } from '../../../app/data/binding.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { augmentSchema, makeTrainingConfig } from '../../../app/training/config.ts';
import { planProjectData } from '../../../main/codegen/projectData.ts';
import { runNode, scratchDir, torchPython } from './fixtures.ts';

const python = torchPython();
if (!python) console.warn('[codegen] augmentation: the Python runs are skipped: no python3 with torch, numpy, pandas, regex and onnx');
const scratch = scratchDir('augmentation');
afterAll(() => scratch.cleanup());

/** Two classes of 10×10 pictures: a horizontal or a vertical bar, placed by i. */
function writeBars(root: string): void {
  ['horizontal', 'vertical'].forEach((kind) => {
    mkdirSync(join(root, kind), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const png = new PNG({ width: 10, height: 10 });
      for (let p = 0; p < 100; p++) {
        const [px, py] = [p % 10, Math.floor(p / 10)];
        const on = kind === 'vertical' ? Math.abs(px - (2 + (i % 6))) <= 1 : Math.abs(py - (2 + (i % 6))) <= 1;
        png.data.set([on ? 255 : 0, on ? 255 : 0, on ? 255 : 0, 255], p * 4);
      }
      writeFileSync(join(root, kind, `${i}.png`), PNG.sync.write(png));
    }
  });
}

const graph: Graph = {
  layers: [
    { id: 'in', type: 'Input', name: 'picture', params: { shape: [10, 10, 1] } },
    { id: 'conv', type: 'Conv2D', name: 'edges', params: { filters: 4, kernelSize: 3, activation: 'relu' } },
    { id: 'flat', type: 'Flatten', name: 'flatten', params: {} },
    { id: 'out', type: 'Dense', name: 'bar', params: { units: 2, activation: 'softmax' } },
  ],
  connections: [{ from: 'in', to: 'conv', toSlot: 0 }, { from: 'conv', to: 'flat', toSlot: 0 }, { from: 'flat', to: 'out', toSlot: 0 }],
};

describe('augmentation in generated code', () => {
  const root = join(scratch.dir, 'bars');
  writeBars(root);

  it.skipIf(!python)('the PyTorch script\'s augment_batch gives the studio\'s augmentImages values', () => {
    const settings = augmentSchema.parse({ flip: 'both', rotation: 25, zoom: 0.2, shift: 0.15, brightness: 0.3 });
    const size = { height: 7, width: 9, channels: 3 };
    const n = 5;
    const random = mulberry32(11);
    const x = Float32Array.from({ length: n * 7 * 9 * 3 }, () => random());
    const seed = batchSeed(3, 2, 4);
    const want = augmentImages(x, n, size, settings, seed);
    const program = [
      'import json, math, sys', 'import numpy as np', ...pythonMulberry32, '', ...pythonAugmentSettings({ ...settings, seed: 3 }), '', ...pythonAugmentFunctions, '',
      'x = np.array(json.load(sys.stdin), dtype=np.float32).reshape(5, 7, 9, 3)',
      'print(batch_seed(AUGMENT_SEED, 2, 4))',
      'print(json.dumps(augment_batch(x, batch_seed(AUGMENT_SEED, 2, 4)).reshape(-1).tolist()))',
    ].join('\n');
    const r = spawnSync(python!, ['-c', program], { input: JSON.stringify(Array.from(x)), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.stderr).toBe('');
    const [seedLine, values] = r.stdout.trim().split('\n');
    expect(Number(seedLine)).toBe(seed);
    const got: number[] = JSON.parse(values);
    expect(got).toHaveLength(want.length);
    // Same draws, same resample; at most a last-bit difference from the two languages' cos and sin.
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(1e-5);
    // And it did change the pictures.
    expect(want.some((v, i) => Math.abs(v - x[i]) > 0.05)).toBe(true);
  });

  it.skipIf(!python)('a generated PyTorch script trains on an image folder with augmentation on, training batches only', async () => {
    const binding = datasetBindingSchema.parse({ source: root, kind: 'images', task: 'classification', image: { width: 10, height: 10, channels: 1 } });
    const training = makeTrainingConfig({ epochs: 3, batchSize: 4, augment: { flip: 'horizontal', rotation: 10, shift: 0.1, brightness: 0.1, seed: 5 } });
    const data = await planProjectData(binding, { baseDir: scratch.dir });
    const { code } = generateCode({ graph, data, training }, { language: 'pytorch' });
    expect(code).toContain('AUGMENT_SEED = 5');
    // Augmented only where the training loop asks for it: validation and test passes have no epoch.
    expect(code).toContain('logs = run_epoch(net, train_loader, training=True, epoch=epoch - 1)');
    expect(code).toMatch(/run_epoch\(model, validation_loader\)/);
    writeFileSync(join(scratch.dir, 'train.py'), code);
    // Count the augmented batches: each epoch augments every training batch once.
    writeFileSync(join(scratch.dir, 'count.py'), [
      'import runpy, sys',
      'calls = []',
      'source = open("train.py").read().replace("def augment_batch(x, seed):", "def augment_batch(x, seed):\\n    calls.append(seed)", 1)',
      'scope = {"calls": calls, "__name__": "__main__"}',
      'sys.argv = ["train.py"]',
      'exec(compile(source, "train.py", "exec"), scope)',
      'print("AUGMENTED", len(calls), len(set(calls)), len(scope["x_train"]))',
    ].join('\n'));
    const r = spawnSync(python!, ['count.py'], { cwd: scratch.dir, encoding: 'utf8', timeout: 200_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.status).toBe(0);
    const [, calls, distinct, trainRows] = r.stdout.match(/AUGMENTED (\d+) (\d+) (\d+)/)!.map(Number);
    expect(calls).toBe(3 * Math.ceil(trainRows / 4));
    expect(distinct).toBe(calls);
    expect(r.stdout).toMatch(/"test": \{/);
  }, 240_000);

  it('the generated JavaScript (tfjs) augments training batches with the studio\'s transforms and trains', async () => {
    const binding = datasetBindingSchema.parse({ source: root, kind: 'images', task: 'classification', image: { width: 10, height: 10, channels: 1 } });
    const training = makeTrainingConfig({ epochs: 2, batchSize: 4, augment: { flip: 'both', rotation: 20, zoom: 0.1, shift: 0.1, brightness: 0.2, seed: 5 } });
    const data = await planProjectData(binding, { baseDir: scratch.dir });
    const { code } = generateCode({ graph, data, training }, { language: 'js', runtime: 'tfjs' });
    expect(code).toContain('await model.fitDataset(trainData, {');
    // The program's augmentImages gives the studio's values for the same batch and seed.
    const start = code.indexOf('function mulberry32');
    const fns = [code.slice(start, code.indexOf('\n}\n', start) + 3), code.slice(code.indexOf('const AUGMENT ='), code.indexOf('// Training batches, augmented'))].join('\n');
    const run = new Function(`${fns}; return { augmentImages, batchSeed };`)() as { augmentImages: (...a: unknown[]) => Float32Array; batchSeed: typeof batchSeed };
    const random = mulberry32(2);
    const x = Float32Array.from({ length: 3 * 100 }, () => random());
    const want = augmentImages(x, 3, { height: 10, width: 10, channels: 1 }, training.augment!, batchSeed(5, 1, 2));
    expect(run.batchSeed(5, 1, 2)).toBe(batchSeed(5, 1, 2));
    const got = run.augmentImages(x, 3, 10, 10, 1, run.batchSeed(5, 1, 2));
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
    writeFileSync(join(scratch.dir, 'train.mjs'), code);
    const r = runNode('train.mjs', scratch.dir, { timeoutMs: 200_000 });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
  }, 240_000);

  it('the Keras script augments with Keras\'s random layers in tf.data, training data only; it compiles', async () => {
    const data = await planProjectData(datasetBindingSchema.parse({ source: 'builtin:mnist', kind: 'images', image: { width: 28, height: 28, channels: 1 } }), { baseDir: scratch.dir });
    const mnistGraph: Graph = { ...graph, layers: graph.layers.map((l) => (l.id === 'in' ? { ...l, params: { shape: [28, 28, 1] } } : l.id === 'out' ? { ...l, params: { units: 10, activation: 'softmax' } } : l)) };
    const training = makeTrainingConfig({ augment: { flip: 'both', rotation: 15, zoom: 0.1, shift: 0.05, brightness: 0.2 } });
    const { code } = generateCode({ graph: mnistGraph, data, training }, { language: 'python' });
    for (const line of ['layers.RandomFlip("horizontal_and_vertical", seed=AUGMENT_SEED)', 'layers.RandomRotation(15 / 360, fill_mode="reflect", seed=AUGMENT_SEED)',
      'layers.RandomZoom(0.1, fill_mode="reflect", seed=AUGMENT_SEED)', 'layers.RandomTranslation(0.05, 0.05, fill_mode="reflect", seed=AUGMENT_SEED)',
      'layers.RandomBrightness(0.2, value_range=(0, 1), seed=AUGMENT_SEED)', 'AUGMENT_SEED = SEED', 'import tensorflow as tf', 'model.fit(train_data, epochs=EPOCHS']) expect(code).toContain(line);
    expect(code).toContain('validation_data=(x_validation, y_validation)');
    if (python) {
      writeFileSync(join(scratch.dir, 'keras_train.py'), code);
      expect(spawnSync(python, ['-m', 'py_compile', join(scratch.dir, 'keras_train.py')], { encoding: 'utf8' }).stderr).toBe('');
    }
    // Without augmentation nothing of it is written.
    const plain = generateCode({ graph: mnistGraph, data, training: makeTrainingConfig({}) }, { language: 'python' }).code;
    expect(plain).not.toContain('augment');
    expect(generateCode({ graph: mnistGraph, data, training: makeTrainingConfig({}) }, { language: 'pytorch' }).code).not.toContain('augment');
  });
});
