// Image folders streamed batch by batch (main/data/imageStream.ts): the split, the order and the pixels are
// exactly those of the in-memory loader; the train split comes once per epoch in a seeded order; a small
// folder is still loaded into memory unless the binding asks; and the trainer learns from a streamed folder,
// evaluating its test images batch by batch. The 2,000 vs 20,000 image memory proof is test/bench/images.bench.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetBindingSchema } from '../../../app/data/binding.ts';
import { mulberry32 } from '../../../app/data/split.ts';
import type { Graph } from '../../../app/graph/types.ts';
import type { ClassificationEvaluation } from '../../../app/training/evaluate.ts';
import { openImageStream } from '../../../main/data/imageStream.ts';
import { loadDataset } from '../../../main/data/load.ts';
import type { Batch } from '../../../main/data/stream.ts';
import { streamingPath } from '../../../main/trainer/streaming.ts';
import { startTraining } from '../../../main/trainer/supervisor.ts';
import { writeImageFolder } from './imageFolderFixture.ts';

let dir: string;
let folder: string;
const image = { width: 8, height: 8, channels: 3 as const };
const split = { validationSplit: 0.2, testSplit: 0.25, seed: 5 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-image-stream-'));
  folder = join(dir, 'colours');
  await writeImageFolder(folder, { classes: 3, perClass: 40, side: 12 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function all(batches: AsyncIterable<Batch>): Promise<{ x: number[]; y: number[]; sizes: number[] }> {
  const out = { x: [] as number[], y: [] as number[], sizes: [] as number[] };
  for await (const b of batches) {
    out.x.push(...b.x);
    out.y.push(...b.y);
    out.sizes.push(b.size);
  }
  return out;
}

describe('streamed image folders', () => {
  it('give the in-memory loader\'s splits, order, labels and pixels exactly, one batch at a time', async () => {
    const binding = datasetBindingSchema.parse({ source: folder, kind: 'images', image, stream: true });
    const stream = (await openImageStream(folder, binding, split, 0))!;
    const memory = await loadDataset({ ...binding, stream: undefined }, split);
    expect(stream.counts).toMatchObject({ total: 120, train: memory.train.count, validation: memory.validation!.count, test: memory.test!.count });
    expect(stream.preprocessor.inputShape).toEqual([8, 8, 3]);
    expect(stream.preprocessor.toJSON()).toEqual(memory.preprocessor.toJSON());
    for (const name of ['train', 'validation', 'test'] as const) {
      const got = await all(stream.batches(name, 7));
      const want = memory[name]!;
      expect(got.sizes.every((s, i) => s === 7 || i === got.sizes.length - 1)).toBe(true);
      expect(Float32Array.from(got.y)).toEqual(want.y);
      expect(Float32Array.from(got.x)).toEqual(want.x);
    }
    const counts = [0, 0, 0];
    for (const c of memory.train.y) counts[c]++;
    expect(stream.trainClassCounts).toEqual(counts);
  });

  it('serves the train split once per pass in a seeded order: every image once, another order with another seed', async () => {
    const binding = datasetBindingSchema.parse({ source: folder, kind: 'images', image, stream: true });
    const stream = (await openImageStream(folder, binding, split, 0))!;
    const plain = await all(stream.batches('train', 16));
    const a = await all(stream.batches('train', 16, mulberry32(1)));
    const again = await all(stream.batches('train', 16, mulberry32(1)));
    const b = await all(stream.batches('train', 16, mulberry32(2)));
    expect(again.x).toEqual(a.x);
    expect(b.x).not.toEqual(a.x);
    const size = 8 * 8 * 3;
    const rows = (x: number[]) => Array.from({ length: x.length / size }, (_, i) => x.slice(i * size, (i + 1) * size).join()).sort();
    expect(rows(a.x)).toEqual(rows(plain.x));
    expect(a.x).not.toEqual(plain.x);
  });

  it('loads a folder into memory unless its decoded images pass the threshold or the binding asks to stream', async () => {
    const auto = datasetBindingSchema.parse({ source: folder, kind: 'images', image });
    expect(await streamingPath(auto, undefined)).toBe(folder);
    expect(await openImageStream(folder, auto, split, 120 * 8 * 8 * 3 * 4)).toBeNull();
    expect(await openImageStream(folder, auto, split, 120 * 8 * 8 * 3 * 4 - 1)).not.toBeNull();
    expect(await streamingPath({ ...auto, stream: false }, undefined)).toBeNull();
  });

  it('trains on a streamed folder in the trainer process and evaluates every test image', async () => {
    const graph: Graph = {
      layers: [
        { id: 'in', type: 'Input', name: 'image', params: { shape: [8, 8, 3] } },
        { id: 'f', type: 'Flatten', name: 'flat', params: {} },
        { id: 'out', type: 'Dense', name: 'colour', params: { units: 3, activation: 'softmax' } },
      ],
      connections: [{ from: 'in', to: 'f', toSlot: 0 }, { from: 'f', to: 'out', toSlot: 0 }],
    };
    const result = await startTraining({
      model: { kind: 'graph', graph },
      data: { kind: 'binding', binding: datasetBindingSchema.parse({ source: folder, kind: 'images', image, stream: true }) },
      config: { backend: 'cpu', epochs: 4, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.05 }, metrics: ['accuracy'], classWeights: 'auto', ...split },
    }).done;
    expect(result.status, result.message).toBe('completed');
    expect(result.streamed).toBe(true);
    expect(result.history.val_accuracy).toHaveLength(4);
    const evaluation = result.test!.evaluation as ClassificationEvaluation;
    expect(evaluation.count).toBe(30);
    expect(evaluation.accuracy).toBeGreaterThan(0.9);
    expect(result.warnings.some((w) => /read from disk batch by batch/.test(w))).toBe(true);
  }, 60_000);
});
