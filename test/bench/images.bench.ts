// Image-folder benchmark: generated folders of small PNGs (2,000 and 20,000 images by default, deleted
// afterwards), each scanned (headers only) and trained on for one epoch in a trainer process that streams
// it (decoding each batch from disk); the trainer's peak RSS must not grow with the image count. The
// larger folder is also trained once in memory (`stream: false`) for comparison.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Graph } from '../../app/graph/types.ts';
import { scanImageFolder } from '../../main/data/imageFolder.ts';
import { startTraining } from '../../main/trainer/supervisor.ts';
import { writeImageFolder } from '../main/data/imageFolderFixture.ts';
import type { BenchResult } from './run.ts';

/** The model's image size: 32×32 colour, 12 KB per image as float32 (20,000 images = 246 MB decoded). */
const image = { width: 32, height: 32, channels: 3 as const };

export interface ImageFolderMeasure {
  images: number;
  scanMs: number;
  peakRssMb: number;
  samplesPerSec: number;
  trainSamples: number;
  streamed: boolean;
  accuracy: number | null;
}

/** Writes `images` PNGs in 4 classes, scans the folder, and trains one epoch in a trainer process. */
export async function measureImageFolder(images: number, options: { stream?: boolean } = {}): Promise<ImageFolderMeasure> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-bench-images-'));
  try {
    const classes = 4;
    await writeImageFolder(dir, { classes, perClass: Math.ceil(images / classes), side: 16 });
    const t0 = performance.now();
    const scan = await scanImageFolder(dir);
    const scanMs = performance.now() - t0;
    const graph: Graph = {
      layers: [
        { id: 'in', type: 'Input', name: 'image', params: { shape: [image.height, image.width, image.channels] } },
        { id: 'pool', type: 'MaxPooling2D', name: 'pool', params: { poolSize: [4, 4] } },
        { id: 'flat', type: 'Flatten', name: 'flat', params: {} },
        { id: 'out', type: 'Dense', name: 'colour', params: { units: classes, activation: 'softmax' } },
      ],
      connections: [{ from: 'in', to: 'pool', toSlot: 0 }, { from: 'pool', to: 'flat', toSlot: 0 }, { from: 'flat', to: 'out', toSlot: 0 }],
    };
    const result = await startTraining({
      model: { kind: 'graph', graph },
      data: { kind: 'binding', binding: { source: dir, kind: 'images', image, stream: options.stream ?? true } },
      config: { epochs: 1, batchSize: 64, validationSplit: 0.1, testSplit: 0.1, metrics: ['accuracy'], optimizer: { name: 'adam', learningRate: 0.01 } },
    }).done;
    if (result.status !== 'completed') throw new Error(`the image training run ended ${result.status}: ${result.message}`);
    if (result.peakRssMb === undefined) throw new Error('the trainer did not report its peak memory');
    const accuracy = result.test?.logs.accuracy;
    return {
      images: scan.files.length, scanMs, peakRssMb: result.peakRssMb, samplesPerSec: result.samplesPerSec,
      trainSamples: result.trainSamples, streamed: result.streamed === true, accuracy: typeof accuracy === 'number' ? accuracy : null,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const counts = (process.env.MW_BENCH_IMAGES ?? '2000,20000').split(',').map(Number);
  const out: BenchResult[] = [];
  const streamed: ImageFolderMeasure[] = [];
  const n = (v: number) => v.toLocaleString('en-US');
  for (const count of counts) {
    const m = await measureImageFolder(count);
    streamed.push(m);
    const note = `${n(m.images)} PNGs (16×16 files) read at 32×32×3, 4 classes`;
    out.push(
      { name: `${n(m.images)} images: scan (headers)`, value: Math.round(m.images / (m.scanMs / 1000)), unit: 'images/s', note: `${note}; ${(m.scanMs / 1000).toFixed(1)} s` },
      { name: `${n(m.images)} images: streamed epoch`, value: Math.round(m.samplesPerSec), unit: 'samples/s', note: `${n(m.trainSamples)} training images, decoded per batch of 64; pool 4×4 → dense 4; test accuracy ${m.accuracy?.toFixed(3) ?? 'n/a'}` },
      { name: `${n(m.images)} images: trainer peak RSS (streamed)`, value: m.peakRssMb, unit: 'MB', note: `${note}; decoded set ${n(Math.round(m.images * 32 * 32 * 3 * 4 / 2 ** 20))} MB` },
    );
  }
  if (streamed.length >= 2) {
    const [small, large] = [streamed[0], streamed.at(-1)!];
    out.push({ name: 'trainer peak RSS, largest ÷ smallest folder (streamed)', value: large.peakRssMb / small.peakRssMb, unit: 'ratio', note: `${n(large.images)} vs ${n(small.images)} images; flat memory means close to 1` });
  }
  const largest = counts.at(-1)!;
  const memory = await measureImageFolder(largest, { stream: false });
  out.push({ name: `${n(memory.images)} images: trainer peak RSS (in memory, stream: false)`, value: memory.peakRssMb, unit: 'MB', note: `for comparison; ${Math.round(memory.samplesPerSec)} samples/s` });
  return out;
}
