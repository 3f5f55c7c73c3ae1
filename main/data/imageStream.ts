// Image folders too large to hold decoded: the split is made from the labels alone (the same seeded,
// stratified split as in memory, so the same images test), and each batch is decoded from disk when it is
// read, so memory holds one batch of images at the model's size whatever the folder's size.
import type { DatasetBinding } from '../../app/data/binding.ts';
import { DataError } from '../../app/data/errors.ts';
import { prepareImageArrays } from '../../app/data/prepare.ts';
import { Preprocessor } from '../../app/data/preprocess.ts';
import type { SplitName } from '../../app/data/split.ts';
import { formatBytes } from '../../app/format.ts';
import { imageBudgetProblem, scanImageFolder, type ImageFile } from './imageFolder.ts';
import { readImageResized } from './images.ts';
import type { Batch, StreamOptions } from './stream.ts';

export interface ImageStream {
  preprocessor: Preprocessor;
  counts: { total: number; train: number; validation: number; test: number; dropped: number };
  /** Images per class in the train split (class weights need them; nothing is decoded to count). */
  trainClassCounts: number[];
  warnings: string[];
  /** One pass over a split, decoded batch by batch; the train split in a random order when `random` is given. */
  batches(split: SplitName, batchSize: number, random?: () => number): AsyncGenerator<Batch>;
}

/** The decoded size of `n` images at the binding's size, as training reads them (float32). */
export function decodedBytes(n: number, spec: { width: number; height: number; channels: number }): number {
  return n * spec.width * spec.height * spec.channels * 4;
}

/**
 * Opens an image folder to stream, or returns null when the binding does not ask for it (`stream` unset)
 * and its images take at most `thresholdBytes` decoded: those are loaded into memory as before.
 */
export async function openImageStream(dir: string, binding: DatasetBinding, options: StreamOptions, thresholdBytes: number): Promise<ImageStream | null> {
  const spec = binding.image;
  if (!spec) throw new DataError('Image data needs an image size: set the width, height and channels (1 for grayscale, 3 for colour) of the Input layer.');
  const scan = await scanImageFolder(dir);
  if (binding.stream !== true && decodedBytes(scan.files.length, spec) <= thresholdBytes) return null;
  // The same budget as in memory (1 GB at the model's size, 4,000 source megapixels), so that whether a
  // folder trains never depends on how it is read.
  const problem = imageBudgetProblem(scan.files, spec);
  if (problem) throw new DataError(problem);
  const labels = scan.files.map((f) => f.label);
  // The in-memory preparation, run on one value per image (its position): the same split, classes and checks.
  const positions = Float32Array.from(labels, (_, i) => i);
  const plan = prepareImageArrays(positions, labels, { width: 1, height: 1, channels: 1 }, { ...options, task: binding.task });
  const preprocessor = new Preprocessor({ ...plan.preprocessor.state, image: { ...spec } });
  const reconstruction = plan.task === 'reconstruction';
  const trainClassCounts = new Array<number>(plan.classes?.length ?? 0).fill(0);
  if (!reconstruction) for (const c of plan.train.y) trainClassCounts[c]++;
  const warnings = [...plan.warnings, `The ${scan.files.length.toLocaleString('en-US')} images (${formatBytes(decodedBytes(scan.files.length, spec))} decoded) are read from disk batch by batch in every epoch.`];
  if (scan.skipped.length > 0) warnings.push(`${scan.skipped.length} file${scan.skipped.length === 1 ? ' is' : 's are'} not PNG or JPEG and ${scan.skipped.length === 1 ? 'was' : 'were'} skipped (e.g. "${scan.skipped[0]}").`);
  return {
    preprocessor,
    counts: { total: labels.length, train: plan.train.count, validation: plan.validation.count, test: plan.test.count, dropped: 0 },
    trainClassCounts,
    warnings,
    batches(split, batchSize, random) {
      const part = plan[split];
      return decodeBatches(scan.files, part.x, reconstruction ? null : part.y, spec, batchSize, random);
    },
  };
}

async function* decodeBatches(
  files: readonly ImageFile[], which: Float32Array, classes: Float32Array | null,
  spec: { width: number; height: number; channels: 1 | 3 }, batchSize: number, random?: () => number,
): AsyncGenerator<Batch> {
  const order = Array.from(which.keys());
  if (random) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  const size = spec.width * spec.height * spec.channels;
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const x = new Float32Array(rows.length * size);
    for (const [n, row] of rows.entries()) {
      const file = files[which[row]];
      await readImageResized(file.path, file.name, spec, x, n * size);
    }
    const y = classes ? Float32Array.from(rows, (row) => classes[row]) : x;
    yield { x, xShape: [rows.length, spec.height, spec.width, spec.channels], y, yShape: [rows.length, classes ? 1 : size], size: rows.length };
  }
}
