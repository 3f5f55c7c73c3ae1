// Training on data too large to load: decides when a binding is streamed; a table has its preprocessing
// fitted in one pass (main/data/stream.ts) and each split served again as batches read from disk, shuffled
// through a bounded row buffer; an image folder is split from its labels and decoded batch by batch
// (main/data/imageStream.ts). Either way the trainer's memory stays flat whatever the data's size.
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { DatasetBinding } from '../../app/data/binding.ts';
import type { Preprocessor } from '../../app/data/preprocess.ts';
import type { SplitName } from '../../app/data/split.ts';
import { splitSeedOf, type TrainingConfig } from '../../app/training/config.ts';
import { openImageStream } from '../data/imageStream.ts';
import { fitCsvStreaming, streamCsvBatches, type Batch, type StreamFit, type StreamOptions } from '../data/stream.ts';

/** CSV/TSV files above this size are streamed even when the binding does not ask for it. */
export const streamThresholdBytes = 64 * 2 ** 20;

/** A table or an image folder the trainer reads from disk batch by batch instead of loading it. */
export interface StreamedTable {
  path: string;
  binding: DatasetBinding;
  preprocessor: Preprocessor;
  counts: StreamFit['counts'];
  warnings: string[];
  /** Rows per class in the train split when known without a pass over the data (image folders). */
  trainClassCounts?: number[];
  /** One pass over a split; the train split comes shuffled through a row buffer when `random` is given. */
  batches(split: SplitName, batchSize: number, random?: () => number): AsyncGenerator<Batch>;
}

/** Why a binding cannot be streamed (the caller turns it into a TrainingError). */
export class StreamingUnsupported extends Error {
  advice: string;
  constructor(message: string, advice: string) {
    super(message);
    this.name = 'StreamingUnsupported';
    this.advice = advice;
  }
}

/**
 * The path to stream, or null to load the data into memory: a table file is streamed when the binding
 * sets `stream: true` or when it is larger than `thresholdBytes`; `stream: false` always loads it. An image
 * folder's path is returned for `openStreamed` to measure.
 */
export async function streamingPath(binding: DatasetBinding, baseDir: string | undefined, thresholdBytes = streamThresholdBytes): Promise<string | null> {
  if (binding.stream === false || binding.source.startsWith('builtin:')) {
    if (binding.stream === true) throw new StreamingUnsupported('built-in datasets are small and are always loaded into memory', 'remove "stream" from the dataset settings');
    return null;
  }
  const path = isAbsolute(binding.source) ? binding.source : resolve(baseDir ?? process.cwd(), binding.source);
  const info = await stat(path).catch(() => null);
  // A missing file: the in-memory loader says what is wrong in its own words.
  if (!info) return null;
  // An image folder: openStreamed measures it (a small one is loaded after all).
  if (info.isDirectory()) return path;
  if (binding.stream !== true && info.size <= thresholdBytes) return null;
  if (binding.kind === 'text') {
    if (binding.stream !== true) return null;
    throw new StreamingUnsupported('streaming reads tables of numeric and categorical columns and image folders; this dataset is text', 'turn streaming off for this dataset (its vocabulary is built from all sentences in memory)');
  }
  // Image data whose source is a file: the in-memory loader says what is wrong.
  return binding.kind === 'table' ? path : null;
}

/**
 * Opens what `streamingPath` chose: a table, or an image folder whose images take more than
 * `thresholdBytes` decoded at the model's size (or whose binding sets `stream: true`); null loads it into memory.
 */
export async function openStreamed(path: string, binding: DatasetBinding, config: TrainingConfig, thresholdBytes = streamThresholdBytes): Promise<StreamedTable | null> {
  if (!(await stat(path)).isDirectory()) return openStreamedTable(path, binding, config);
  const options: StreamOptions = { validationSplit: config.validationSplit, testSplit: config.testSplit, seed: splitSeedOf(config) };
  const images = await openImageStream(path, binding, options, thresholdBytes);
  return images && { path, binding: { ...binding, kind: 'images' }, ...images };
}

/** Fits the preprocessing over the whole file (one pass) and returns the table ready to stream. */
export async function openStreamedTable(path: string, binding: DatasetBinding, config: TrainingConfig): Promise<StreamedTable> {
  const options: StreamOptions = { validationSplit: config.validationSplit, testSplit: config.testSplit, seed: splitSeedOf(config) };
  const fit = await fitCsvStreaming(path, binding, options);
  const warnings = [...fit.warnings];
  if (fit.counts.dropped > 0) warnings.push(`${fit.counts.dropped.toLocaleString('en-US')} rows with missing or unreadable values were left out.`);
  if (binding.limitRows !== undefined) warnings.push(`The row limit (${binding.limitRows}) does not apply to a streamed file: every row was used.`);
  return {
    path,
    binding,
    preprocessor: fit.preprocessor,
    counts: fit.counts,
    warnings,
    batches(split, batchSize, random) {
      if (!random) return streamCsvBatches(path, binding, fit.preprocessor, batchSize, { ...options, split });
      // Rows are read in file order; the buffer spreads out files sorted by class or by time.
      const bufferRows = Math.max(16 * batchSize, 8192);
      return shuffleRows(streamCsvBatches(path, binding, fit.preprocessor, Math.min(batchSize, 4096), { ...options, split }), batchSize, bufferRows, random);
    },
  };
}

/**
 * Re-batches a stream of rows through a shuffle buffer of `bufferRows` rows (as tf.data's `shuffle`):
 * each row out is drawn at random from the buffer and replaced by the next row in.
 */
export async function* shuffleRows(source: AsyncIterable<Batch>, batchSize: number, bufferRows: number, random: () => number): AsyncGenerator<Batch> {
  let xWidth = -1;
  let yWidth = -1;
  let xShape: number[] = [];
  let bufX = new Float32Array(0);
  let bufY = new Float32Array(0);
  let filled = 0;
  let outX = new Float32Array(0);
  let outY = new Float32Array(0);
  let n = 0;
  const emit = (size: number): Batch => {
    const batch: Batch = {
      x: size === batchSize ? outX : outX.slice(0, size * xWidth),
      xShape: [size, ...xShape],
      y: size === batchSize ? outY : outY.slice(0, size * yWidth),
      yShape: [size, yWidth],
      size,
    };
    outX = new Float32Array(batchSize * xWidth);
    outY = new Float32Array(batchSize * yWidth);
    return batch;
  };
  const take = (slot: number) => {
    outX.set(bufX.subarray(slot * xWidth, (slot + 1) * xWidth), n * xWidth);
    outY.set(bufY.subarray(slot * yWidth, (slot + 1) * yWidth), n * yWidth);
    n++;
  };
  for await (const batch of source) {
    if (xWidth < 0) {
      xWidth = batch.x.length / batch.size;
      yWidth = batch.y.length / batch.size;
      xShape = batch.xShape.slice(1);
      bufX = new Float32Array(bufferRows * xWidth);
      bufY = new Float32Array(bufferRows * yWidth);
      outX = new Float32Array(batchSize * xWidth);
      outY = new Float32Array(batchSize * yWidth);
    }
    for (let r = 0; r < batch.size; r++) {
      const x = batch.x.subarray(r * xWidth, (r + 1) * xWidth);
      const y = batch.y.subarray(r * yWidth, (r + 1) * yWidth);
      if (filled < bufferRows) {
        bufX.set(x, filled * xWidth);
        bufY.set(y, filled * yWidth);
        filled++;
        continue;
      }
      const slot = Math.floor(random() * bufferRows);
      take(slot);
      bufX.set(x, slot * xWidth);
      bufY.set(y, slot * yWidth);
      if (n === batchSize) {
        yield emit(batchSize);
        n = 0;
      }
    }
  }
  // Drain what is left in random order (a Fisher–Yates pass over the filled part).
  for (let i = filled - 1; i >= 0; i--) {
    const j = Math.floor(random() * (i + 1));
    take(j);
    if (j !== i) {
      bufX.copyWithin(j * xWidth, i * xWidth, (i + 1) * xWidth);
      bufY.copyWithin(j * yWidth, i * yWidth, (i + 1) * yWidth);
    }
    if (n === batchSize) {
      yield emit(batchSize);
      n = 0;
    }
  }
  if (n > 0) yield emit(n);
}

/** Rows per class in the train split (one extra pass), for `classWeights: auto`. */
export async function countTrainClasses(table: StreamedTable, k: number): Promise<number[]> {
  if (table.trainClassCounts) return table.trainClassCounts;
  const counts = new Array<number>(k).fill(0);
  for await (const batch of table.batches('train', 4096)) for (const label of batch.y) counts[label]++;
  return counts;
}
