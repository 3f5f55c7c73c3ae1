// The Node-side entry to data: a binding in, prepared train/validation/test arrays out — from a
// CSV/TSV file, an image folder or a built-in dataset. Files too large for memory go to stream.ts.
import { formatBytes } from '../../app/format.ts';
import { open, readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, resolve } from 'node:path';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { decodeTextBytes, parseCsv, type CsvOptions, type Table } from '../../app/data/csv.ts';
import { DataError, quote } from '../../app/data/errors.ts';
import { parseBinding, prepareImageArrays, prepareTable, splitTable, type PrepareOptions, type PreparedData, type TableSplit } from '../../app/data/prepare.ts';
import { resizeToTensor } from '../../app/data/image.ts';
import { builtinIdOf, loadBuiltinTable, loadMnist, withBuiltinDefaults } from './builtin.ts';
import { readImageFolder } from './imageFolder.ts';

/** Files up to this size are read into memory; the trainer streams bigger tables itself (main/trainer/streaming.ts). */
export const defaultMaxTableBytes = 256 * 1024 * 1024;

export interface LoadOptions extends PrepareOptions {
  /** Relative sources are resolved against this folder (the project's), else the working directory. */
  baseDir?: string;
  maxBytes?: number;
  /** Where the built-in CSVs live (a packaged app passes its resources path). */
  resourcesDir?: string;
  csv?: CsvOptions;
}

export interface LoadedDataset extends PreparedData {
  /** The binding as used, with built-in defaults filled in. */
  binding: DatasetBinding;
  /** Text encoding of a CSV/TSV file ('windows-1252' when it was not valid UTF-8). */
  encoding?: string;
}

/** True when the first bytes of a file are those of a format that is certainly not text. */
function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096);
  return head.includes(0) || (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04);
}

/** Reads and parses a CSV/TSV file, refusing files larger than `maxBytes` with advice. */
export async function readTableFile(path: string, options: { maxBytes?: number; csv?: CsvOptions } = {}): Promise<Table & { encoding: string }> {
  const maxBytes = options.maxBytes ?? defaultMaxTableBytes;
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new DataError(`${quote(path, 200)} is a folder. For images, set the data kind to images; for a table, choose the CSV file inside it.`);
    size = info.size;
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`The data file ${quote(path, 200)} does not exist or cannot be read.`);
  }
  if (size === 0) throw new DataError(`The file ${quote(path, 200)} is empty (0 bytes). Choose a CSV or TSV file with a header row and data rows.`);
  if (size > maxBytes) {
    throw new DataError(`The file ${quote(path, 200)} is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} read into memory at once. Training handles a table this large by itself, streaming it from disk; a preview, or text data, needs a smaller file (split it or take a sample of its rows).`);
  }
  // Sniff before reading it all: a spreadsheet saved as .xlsx or a zip is a common mistake.
  const handle = await open(path, 'r');
  const head = new Uint8Array(4096);
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (looksBinary(head.subarray(0, Math.min(size, head.length)))) {
    throw new DataError(`${quote(path, 200)} is not a text file (it looks like a spreadsheet or other binary file). Save it as CSV (comma-separated) or TSV first.`);
  }
  const { text, encoding } = decodeTextBytes(await readFile(path));
  const ext = extname(path).toLowerCase();
  const table = parseCsv(text, { delimiter: ext === '.tsv' || ext === '.tab' ? '\t' : undefined, ...options.csv });
  if (encoding !== 'utf-8') table.warnings.push('The file is not UTF-8; it was read as Latin-1 (Windows-1252). If accented letters look wrong, save it as "CSV UTF-8".');
  return { ...table, encoding };
}

/**
 * Loads and prepares the data a binding names: `builtin:<id>`, a CSV/TSV file, or a folder of images
 * with one subfolder per class. Throws a DataError with a plain message when anything is wrong.
 */
export async function loadDataset(bindingInput: DatasetBinding | unknown, options: LoadOptions = {}): Promise<LoadedDataset> {
  let binding = parseBinding(bindingInput);
  const builtin = builtinIdOf(binding.source);
  if (builtin) {
    binding = withBuiltinDefaults(binding, builtin);
    if (builtin === 'mnist') {
      const { pixels, labels } = await loadMnist();
      const spec = binding.image!;
      const native = spec.width === 28 && spec.height === 28 && spec.channels === 1;
      return { ...prepareImageArrays(native ? pixels : resizeGray28(pixels, labels.length, spec), labels, spec, { ...options, task: binding.task }), binding };
    }
    return { ...prepareTable(await loadBuiltinTable(builtin, options.resourcesDir), binding, options), binding };
  }
  const path = isAbsolute(binding.source) ? binding.source : resolve(options.baseDir ?? process.cwd(), binding.source);
  const isFolder = await stat(path).then((s) => s.isDirectory(), () => false);
  if (binding.kind === 'images' || isFolder) {
    const spec = binding.image;
    if (!spec) throw new DataError('Image data needs an image size: set the width, height and channels (1 for grayscale, 3 for colour) of the Input layer.');
    const folder = await readImageFolder(path, spec);
    const prepared = prepareImageArrays(folder.pixels, folder.labels, spec, { ...options, task: binding.task });
    if (folder.skipped.length > 0) prepared.warnings.push(`${folder.skipped.length} file${folder.skipped.length === 1 ? ' is' : 's are'} not PNG or JPEG and ${folder.skipped.length === 1 ? 'was' : 'were'} skipped (e.g. ${quote(folder.skipped[0])}).`);
    return { ...prepared, binding: { ...binding, kind: 'images' } };
  }
  const table = await readTableFile(path, options);
  return { ...prepareTable(table, binding, options), binding, encoding: table.encoding };
}

/**
 * The raw rows of a table or text binding, split as training splits them (same seed, same rows), with
 * the file's column names; null for image data. Used to fill the Try it form with real test rows.
 */
export async function loadTableSplit(bindingInput: DatasetBinding | unknown, options: LoadOptions = {}): Promise<(TableSplit & { columns: string[] }) | null> {
  let binding = parseBinding(bindingInput);
  const builtin = builtinIdOf(binding.source);
  if (builtin) binding = withBuiltinDefaults(binding, builtin);
  if (binding.kind === 'images' || builtin === 'mnist') return null;
  let table: Table;
  if (builtin) {
    table = await loadBuiltinTable(builtin, options.resourcesDir);
  } else {
    const path = isAbsolute(binding.source) ? binding.source : resolve(options.baseDir ?? process.cwd(), binding.source);
    if (await stat(path).then((s) => s.isDirectory(), () => false)) return null;
    table = await readTableFile(path, options);
  }
  return { ...splitTable(table, binding, options), columns: table.columns };
}

/** MNIST at another size or in colour: each 28×28 digit resized like any other image. */
function resizeGray28(pixels: Float32Array, count: number, spec: { width: number; height: number; channels: 1 | 3 }): Float32Array {
  const out = new Float32Array(count * spec.width * spec.height * spec.channels);
  const rgba = new Uint8Array(28 * 28 * 4);
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < 28 * 28; p++) {
      const v = Math.round(pixels[n * 784 + p] * 255);
      rgba[p * 4] = rgba[p * 4 + 1] = rgba[p * 4 + 2] = v;
      rgba[p * 4 + 3] = 255;
    }
    resizeToTensor({ width: 28, height: 28, data: rgba }, spec.width, spec.height, spec.channels, out, n * spec.width * spec.height * spec.channels);
  }
  return out;
}
