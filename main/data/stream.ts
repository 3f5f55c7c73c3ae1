// Tables larger than memory: rows stream from disk through papaparse, a first pass fits the
// preprocessor (column types from the first rows, scalers from every training row), and each epoch
// streams again in Float32Array batches. Memory stays flat whatever the file size.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import Papa from 'papaparse';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { candidateDelimiters, detectHeader } from '../../app/data/csv.ts';
import { DataError, listNames, quote } from '../../app/data/errors.ts';
import { parseBinding } from '../../app/data/prepare.ts';
import { isUsableRow, Preprocessor, TableFitter } from '../../app/data/preprocess.ts';
import { inferSchema, profileColumns } from '../../app/data/schema.ts';
import { splitOfRow, type SplitName, type SplitOptions } from '../../app/data/split.ts';

export interface StreamOptions {
  validationSplit?: number;
  testSplit?: number;
  seed?: number;
  /** Leave unset to detect. */
  delimiter?: string;
  /** Rows read before column types are decided (default 10,000). */
  profileRows?: number;
}

export interface StreamFit {
  preprocessor: Preprocessor;
  columns: string[];
  hasHeader: boolean;
  /** Rows per split (after dropped rows); steps per epoch = ceil(train / batchSize). */
  counts: { total: number; train: number; validation: number; test: number; dropped: number };
  warnings: string[];
}

export interface Batch {
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
  yShape: number[];
  size: number;
}

const splitDefaults = { validationSplit: 0.2, testSplit: 0.2, seed: 42 };

/** Picks UTF-8 or Latin-1 from the first 64 KB, since a stream cannot go back and re-decode. */
async function sniffEncoding(path: string): Promise<'utf-8' | 'windows-1252'> {
  const handle = await open(path, 'r').catch(() => {
    throw new DataError(`The data file ${quote(path, 200)} does not exist or cannot be read.`);
  });
  try {
    const head = new Uint8Array(65536);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead === 0) throw new DataError(`The file ${quote(path, 200)} is empty (0 bytes).`);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, bytesRead), { stream: true });
      return 'utf-8';
    } catch {
      return 'windows-1252';
    }
  } finally {
    await handle.close();
  }
}

/** A record longer than this is almost surely an unclosed quote swallowing the rest of the file. */
const maxRecordChars = 64 * 1024 * 1024;

/** Index just past the last line break that is outside quotes, or −1. Doubled quotes ("") toggle twice. */
function lastRecordEnd(text: string): number {
  if (!text.includes('"')) return text.lastIndexOf('\n') + 1 || -1;
  let inQuotes = false;
  let end = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10 && !inQuotes) end = i + 1;
  }
  return end;
}

/**
 * Rows of a CSV/TSV file in chunks of whole records (cells trimmed). The file is read in 1 MB
 * pieces cut at record boundaries and each piece goes through papaparse — which is many times faster
 * than its row-by-row Node stream, and keeps memory to one piece.
 */
export async function* csvChunks(path: string, delimiter?: string): AsyncGenerator<string[][]> {
  const decoder = new TextDecoder(await sniffEncoding(path));
  let detected = delimiter;
  let carry = '';
  let first = true;
  let rowsBefore = 0;
  const parse = (text: string): string[][] => {
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const result = Papa.parse<string[]>(text, { delimiter: detected ?? '', delimitersToGuess: candidateDelimiters, skipEmptyLines: 'greedy', fastMode: !text.includes('"') });
    detected ??= result.meta.delimiter;
    const broken = result.errors.find((e) => e.code === 'MissingQuotes');
    if (broken) throw new DataError(`Row ${rowsBefore + (broken.row ?? 0) + 1} has a quoted field that never closes (a " without its partner). Fix the quotes in that row.`);
    const rows = result.data;
    for (const row of rows) for (let i = 0; i < row.length; i++) row[i] = row[i].trim();
    rowsBefore += rows.length;
    return rows;
  };
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const text = carry + decoder.decode(piece as Buffer, { stream: true });
    const end = lastRecordEnd(text);
    if (end < 0) {
      if (text.length > maxRecordChars) throw new DataError(`Row ${rowsBefore + 1} is longer than 64 MB; a quote is probably never closed. Fix the quotes in the file.`);
      carry = text;
      continue;
    }
    carry = text.slice(end);
    const rows = parse(text.slice(0, end));
    if (rows.length > 0) yield rows;
  }
  const rest = carry + decoder.decode();
  if (rest.trim() !== '') yield parse(rest);
}

/**
 * First pass over a large file: decides column types from the first `profileRows` rows, then fits
 * scalers and category lists on the training rows (a seeded hash assigns each row to a split, so
 * the same rows are held out in every pass) and collects every class label.
 */
export async function fitCsvStreaming(path: string, bindingInput: DatasetBinding | unknown, options: StreamOptions = {}): Promise<StreamFit> {
  const binding = parseBinding(bindingInput);
  const split: SplitOptions = { ...splitDefaults, ...pick(options) };
  const profileRows = options.profileRows ?? 10_000;
  const chunks = csvChunks(path, options.delimiter);
  const head: string[][] = [];
  // Manual next(): breaking out of a for-await would close the file before the fitting pass.
  while (head.length <= profileRows) {
    const next = await chunks.next();
    if (next.done) break;
    for (const row of next.value) head.push(row);
  }
  if (head.length === 0) throw new DataError(`The file ${quote(path, 200)} has no rows.`);
  const hasHeader = detectHeader(head);
  const columns = hasHeader ? head[0] : head[0].map((_, i) => `column${i + 1}`);
  const body = hasHeader ? head.slice(1) : head;
  if (body.length === 0) throw new DataError(`The file has a header row (${listNames(columns)}) but no data rows.`);
  const schema = inferSchema(columns, profileColumns(columns.length, body, false, hasHeader ? 2 : 1), binding, false);
  const fitter = new TableFitter(schema, binding);
  const counts = { total: 0, train: 0, validation: 0, test: 0, dropped: 0 };
  const targetIndex = schema.target?.index ?? -1;
  const visit = (cells: string[]) => {
    const index = counts.total++;
    if (cells.length !== columns.length) raggedRow(index, cells.length, columns.length, hasHeader);
    if (!isUsableRow(schema, binding.missing, cells)) {
      counts.dropped++;
      return;
    }
    const which = splitOfRow(index, split);
    counts[which]++;
    if (targetIndex >= 0) fitter.addTarget(cells[targetIndex]);
    if (which === 'train') fitter.add(cells);
  };
  for (const cells of body) visit(cells);
  for await (const rows of chunks) for (const cells of rows) visit(cells);
  return { preprocessor: fitter.finish(), columns, hasHeader, counts, warnings: schema.warnings };
}

function raggedRow(index: number, got: number, want: number, hasHeader: boolean): never {
  throw new DataError(`Row ${index + (hasHeader ? 2 : 1)} has ${got} field${got === 1 ? '' : 's'} but the header has ${want}. Check that row for a missing or extra delimiter.`);
}

function pick(options: StreamOptions): Partial<SplitOptions> {
  const out: Partial<SplitOptions> = {};
  if (options.validationSplit !== undefined) out.validationSplit = options.validationSplit;
  if (options.testSplit !== undefined) out.testSplit = options.testSplit;
  if (options.seed !== undefined) out.seed = options.seed;
  return out;
}

/**
 * One epoch over a large CSV as batches of encoded rows: `x` is [size, ...inputShape], `y` is [size, 1]
 * (class index or scaled value). `split` chooses the rows (default train); pass the same split options
 * as to `fitCsvStreaming`. Rows come in file order; the last batch may be smaller.
 */
export async function* streamCsvBatches(
  path: string,
  bindingInput: DatasetBinding | unknown,
  preprocessor: Preprocessor,
  batchSize: number,
  options: StreamOptions & { split?: SplitName | 'all' } = {},
): AsyncGenerator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a whole number ≥ 1, got ${batchSize}`);
  const binding = parseBinding(bindingInput);
  const split: SplitOptions = { ...splitDefaults, ...pick(options) };
  const want = options.split ?? 'train';
  const width = preprocessor.inputShape.reduce((a, b) => a * b, 1);
  const targetName = preprocessor.state.target?.name;
  const reconstruction = preprocessor.task === 'reconstruction';
  const dropMissing = binding.missing === 'drop-row';

  let indices: Int32Array | undefined;
  let targetIndex = -1;
  let columnCount = 0;
  let hasHeader = false;
  let index = 0;
  let x = new Float32Array(batchSize * width);
  let y = reconstruction ? x : new Float32Array(batchSize);
  let n = 0;
  const emit = (size: number): Batch => {
    const batch: Batch = {
      x: size === batchSize ? x : x.slice(0, size * width),
      xShape: [size, ...preprocessor.inputShape],
      y: reconstruction ? (size === batchSize ? x : x.slice(0, size * width)) : size === batchSize ? y : y.slice(0, size),
      yShape: reconstruction ? [size, width] : [size, 1],
      size,
    };
    // Fresh buffers: the consumer may still hold the batch it was given.
    x = new Float32Array(batchSize * width);
    y = reconstruction ? x : new Float32Array(batchSize);
    return batch;
  };

  for await (const rows of csvChunks(path, options.delimiter)) for (const cells of rows) {
    if (!indices) {
      const names = preprocessor.state.kind === 'text' ? [preprocessor.state.text!.column] : preprocessor.state.features.map((f) => f.name);
      if (targetName !== undefined) names.push(targetName);
      hasHeader = names.every((name) => cells.includes(name));
      const columns = hasHeader ? cells : cells.map((_, i) => `column${i + 1}`);
      columnCount = columns.length;
      indices = preprocessor.columnIndices(columns);
      targetIndex = targetName === undefined ? -1 : columns.indexOf(targetName);
      if (targetName !== undefined && targetIndex < 0) throw new DataError(`The file has no target column ${quote(targetName)}.`);
      if (hasHeader) continue;
    }
    const rowIndex = index++;
    if (cells.length !== columnCount) raggedRow(rowIndex, cells.length, columnCount, hasHeader);
    if (want !== 'all' && splitOfRow(rowIndex, split) !== want) continue;
    const target = targetIndex >= 0 ? preprocessor.encodeTarget(cells[targetIndex]) : 0;
    if (Number.isNaN(target)) continue;
    if (!preprocessor.encodeCells(cells, indices, x, n * width, dropMissing)) continue;
    if (!reconstruction) y[n] = target;
    if (++n === batchSize) {
      yield emit(batchSize);
      n = 0;
    }
  }
  if (n > 0) yield emit(n);
}
