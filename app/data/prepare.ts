// The trainer's entry point to data: a binding plus parsed data in, tensor-ready arrays for the
// train/validation/test splits and the fitted preprocessor out. Also says, in plain words, where
// the data and a graph's Input/output layers disagree.
import { datasetBindingSchema, type DatasetBinding } from './binding.ts';
import type { Table } from './csv.ts';
import { DataError, quote } from './errors.ts';
import { isUsableRow, Preprocessor, TableFitter } from './preprocess.ts';
import { inferSchema, profileColumns, sortLabels, type Task } from './schema.ts';
import { mulberry32, shuffleInPlace, splitIndices, type SplitIndices } from './split.ts';
import { Tokenizer } from './tokenizer.ts';

export interface PrepareOptions {
  validationSplit?: number;
  testSplit?: number;
  seed?: number;
}

/** One split as flat arrays plus shapes, ready for `tf.tensor(x, xShape)`. */
export interface TensorSplit {
  x: Float32Array;
  xShape: number[];
  /** Classification: class indices, shape [n, 1]. Regression: scaled values [n, 1]. Reconstruction: = x. */
  y: Float32Array;
  yShape: number[];
  count: number;
}

export interface PreparedData {
  kind: 'table' | 'text' | 'image';
  task: Task;
  train: TensorSplit;
  validation: TensorSplit;
  test: TensorSplit;
  /** Sorted class labels; index i is class i in `y`. */
  classes?: string[];
  /** One sample's shape, without the batch dimension. */
  inputShape: number[];
  outputUnits: number;
  featureNames: string[];
  preprocessor: Preprocessor;
  rows: { total: number; used: number; dropped: number };
  warnings: string[];
  /**
   * Text data: the original text of the first test rows (at most `maxTestTexts`), so the evaluation can
   * show a sample as the user wrote it rather than as the vocabulary encodes it (unknown words as <oov>).
   */
  testTexts?: string[];
}

/** Original test texts kept per run (the evaluation lists at most this many samples; see MAX_TEST_SAMPLES). */
export const maxTestTexts = 2000;

const defaults = { validationSplit: 0.2, testSplit: 0.2, seed: 42 };

/** Validates a binding and fills its defaults; a DataError naming the first bad field otherwise. */
export function parseBinding(binding: DatasetBinding | unknown): DatasetBinding {
  const parsed = datasetBindingSchema.safeParse(binding);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(`The data settings are not valid (${issue.path.join('.') || 'top level'}: ${issue.message}).`);
  }
  return parsed.data;
}

/** Keeps a seeded random `limit` of `rows` (in their original order), or all of them. */
function sampleRows<T>(rows: readonly T[], limit: number | undefined, seed: number): T[] {
  if (limit === undefined || rows.length <= limit) return rows.slice();
  const keep = shuffleInPlace(Array.from(rows.keys()), mulberry32(seed ^ 0x5eed)).slice(0, limit).sort((a, b) => a - b);
  return keep.map((i) => rows[i]);
}

/** Class indices (`y` of a classification split) → one-hot rows, for categoricalCrossentropy. */
export function oneHot(y: Float32Array, numClasses: number): Float32Array {
  const out = new Float32Array(y.length * numClasses);
  for (let i = 0; i < y.length; i++) out[i * numClasses + y[i]] = 1;
  return out;
}

/** A table's rows split the way training splits them: what `prepareTable` encodes, and where the raw test rows are. */
export interface TableSplit {
  binding: DatasetBinding;
  /** The rows used (a seeded sample when the binding limits rows), raw cells as in the file. */
  rows: string[][];
  schema: ReturnType<typeof inferSchema>;
  /** Indices into `rows` of the rows without disqualifying missing values. */
  usable: number[];
  /** Indices into `rows`, per split. */
  split: SplitIndices;
  warnings: string[];
}

/**
 * Splits a parsed table into train/validation/test row indices with the binding's schema, exactly as
 * training does (the same seed gives the same rows): the Try it panel takes its sample rows from here.
 */
export function splitTable(table: Table, bindingInput: DatasetBinding | unknown, options: PrepareOptions = {}): TableSplit {
  const binding = parseBinding(bindingInput);
  const { validationSplit, testSplit, seed } = { ...defaults, ...options };
  const rows = sampleRows(table.rows, binding.limitRows, seed);
  const warnings = [...table.warnings];
  if (rows.length < table.rows.length) warnings.push(`Using a random sample of ${rows.length.toLocaleString('en-US')} of ${table.rows.length.toLocaleString('en-US')} rows.`);

  const firstRowNumber = table.hasHeader ? 2 : 1;
  const profiles = profileColumns(table.columns.length, rows, table.decimalComma, firstRowNumber);
  const schema = inferSchema(table.columns, profiles, binding, table.decimalComma);
  warnings.push(...schema.warnings);

  const usable: number[] = [];
  for (let i = 0; i < rows.length; i++) if (isUsableRow(schema, binding.missing, rows[i])) usable.push(i);
  const dropped = rows.length - usable.length;
  if (dropped > 0 && binding.missing === 'drop-row') {
    warnings.push(`${dropped.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} rows have missing values and are left out (missing-value policy: drop-row).`);
  }
  if (usable.length === 0) throw new DataError('Every row has a missing value, so none is left to learn from. Choose the "mean" or "zero" missing-value policy, or fill the gaps in the file.');

  const targetIndex = schema.target?.index ?? -1;
  const strata = schema.task === 'classification' ? rows.map((r) => r[targetIndex]) : undefined;
  const split = splitIndices(usable, { validationSplit, testSplit, seed }, strata);
  return { binding, rows, schema, usable, split, warnings };
}

/**
 * Turns a parsed table into train/validation/test arrays for the binding's task. Types and classes
 * are read from every row; scalers, category lists and vocabulary from the training rows only.
 * A `kind: 'text'` binding goes to `prepareText`.
 */
export function prepareTable(table: Table, bindingInput: DatasetBinding | unknown, options: PrepareOptions = {}): PreparedData {
  const { binding, rows, schema, usable, split, warnings } = splitTable(table, bindingInput, options);
  const dropped = rows.length - usable.length;
  const targetIndex = schema.target?.index ?? -1;

  const fitter = new TableFitter(schema, binding);
  for (const i of usable) fitter.addTarget(targetIndex >= 0 ? rows[i][targetIndex] : '');
  let preprocessor: Preprocessor;
  if (schema.kind === 'text') {
    const textIndex = schema.features[0].index;
    const settings = { vocabSize: binding.text?.vocabSize ?? 2000, sequenceLength: binding.text?.sequenceLength ?? 32, lowercase: binding.text?.lowercase ?? true };
    const tokenizer = Tokenizer.fit(split.train.map((i) => rows[i][textIndex]), settings);
    fitter.trainRows += split.train.length;
    preprocessor = fitter.finish({ kind: 'text', text: { column: schema.features[0].name, tokenizer: tokenizer.toJSON() } });
  } else {
    for (const i of split.train) fitter.add(rows[i]);
    preprocessor = fitter.finish();
  }
  if (preprocessor.task === 'classification') checkClassCoverage(split, rows, targetIndex, preprocessor.classes!, warnings);

  const indices = preprocessor.columnIndices(table.columns);
  const encode = (which: number[]): TensorSplit => encodeTableRows(preprocessor, rows, which, indices, targetIndex);
  return {
    kind: preprocessor.state.kind,
    task: preprocessor.task,
    train: encode(split.train),
    validation: encode(split.validation),
    test: encode(split.test),
    classes: preprocessor.classes,
    inputShape: preprocessor.inputShape,
    outputUnits: preprocessor.outputUnits,
    featureNames: preprocessor.featureNames,
    preprocessor,
    rows: { total: table.rows.length, used: usable.length, dropped },
    warnings,
    ...(schema.kind === 'text' ? { testTexts: split.test.slice(0, maxTestTexts).map((i) => rows[i][schema.features[0].index] ?? '') } : {}),
  };
}

/** Text classification: one text column and a label column. Same as `prepareTable` with `kind: 'text'`. */
export function prepareText(table: Table, bindingInput: DatasetBinding | unknown, options: PrepareOptions = {}): PreparedData {
  const binding = parseBinding(bindingInput);
  return prepareTable(table, { ...binding, kind: 'text' }, options);
}

function checkClassCoverage(split: SplitIndices, rows: readonly string[][], targetIndex: number, classes: string[], warnings: string[]): void {
  const inTrain = new Set(split.train.map((i) => rows[i][targetIndex]));
  const absent = classes.filter((c) => !inTrain.has(c));
  if (absent.length > 0) warnings.push(`Class${absent.length === 1 ? '' : 'es'} ${absent.map((c) => quote(c)).join(', ')} ${absent.length === 1 ? 'has' : 'have'} no rows in the training split; the model cannot learn ${absent.length === 1 ? 'it' : 'them'}. Add more rows of ${absent.length === 1 ? 'that class' : 'those classes'}.`);
}

function encodeTableRows(pre: Preprocessor, rows: readonly string[][], which: readonly number[], indices: Int32Array, targetIndex: number): TensorSplit {
  const inputSize = pre.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(which.length * inputSize);
  const reconstruction = pre.task === 'reconstruction';
  const y = reconstruction ? x : new Float32Array(which.length);
  for (let n = 0; n < which.length; n++) {
    const cells = rows[which[n]];
    pre.encodeCells(cells, indices, x, n * inputSize, false);
    if (!reconstruction) y[n] = pre.encodeTarget(cells[targetIndex]);
  }
  return { x, xShape: [which.length, ...pre.inputShape], y, yShape: reconstruction ? [which.length, inputSize] : [which.length, 1], count: which.length };
}

/**
 * Which images (by position in the folder's order) train, validate and test: stratified by class, as
 * training splits a labelled image set. The studio reads the test images back with it (thumbnails, Try it).
 */
export function imageSplit(labels: readonly string[], options: PrepareOptions = {}): SplitIndices {
  const { validationSplit, testSplit, seed } = { ...defaults, ...options };
  return splitIndices(Array.from(labels.keys()), { validationSplit, testSplit, seed }, labels);
}

/** Images already in tensor layout, values in [0, 1] (e.g. built-in MNIST): split them and build the preprocessor. */
export function prepareImageArrays(
  pixels: Float32Array,
  labels: readonly string[],
  spec: { width: number; height: number; channels: 1 | 3 },
  options: PrepareOptions & { task?: DatasetBinding['task'] } = {},
): PreparedData {
  const { validationSplit, testSplit, seed } = { ...defaults, ...options };
  const size = spec.width * spec.height * spec.channels;
  if (pixels.length !== labels.length * size) throw new RangeError(`expected ${labels.length} × ${size} pixel values, got ${pixels.length}`);
  if (options.task === 'reconstruction') return prepareImageReconstruction(pixels, labels.length, spec, { validationSplit, testSplit, seed });
  const classes = sortLabels(new Set(labels));
  if (classes.length < 2) throw new DataError(`Only one class (${quote(classes[0] ?? '')}) was found; a classifier needs at least two. Put each class's images in its own subfolder.`);
  const split = imageSplit(labels, { validationSplit, testSplit, seed });
  const warnings: string[] = [];
  checkClassCoverage(split, labels.map((l) => [l]), 0, classes, warnings);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const preprocessor = new Preprocessor({
    format: 'modelwright-preprocessor', version: 1, kind: 'image', task: 'classification', missing: 'drop-row', scaling: 'none',
    decimalComma: false, features: [], target: { name: 'class', kind: 'classification', classes }, image: { ...spec },
  });
  const encode = (which: number[]): TensorSplit => {
    const x = new Float32Array(which.length * size);
    const y = new Float32Array(which.length);
    which.forEach((i, n) => {
      x.set(pixels.subarray(i * size, (i + 1) * size), n * size);
      y[n] = classIndex.get(labels[i])!;
    });
    return { x, xShape: [which.length, spec.height, spec.width, spec.channels], y, yShape: [which.length, 1], count: which.length };
  };
  return {
    kind: 'image', task: 'classification',
    train: encode(split.train), validation: encode(split.validation), test: encode(split.test),
    classes, inputShape: preprocessor.inputShape, outputUnits: classes.length, featureNames: preprocessor.featureNames,
    preprocessor, rows: { total: labels.length, used: labels.length, dropped: 0 }, warnings,
  };
}

/** Images as their own targets (autoencoders): y is the flattened pixels, no labels involved. */
function prepareImageReconstruction(
  pixels: Float32Array,
  count: number,
  spec: { width: number; height: number; channels: 1 | 3 },
  options: Required<PrepareOptions>,
): PreparedData {
  const size = spec.width * spec.height * spec.channels;
  const split = splitIndices(Array.from({ length: count }, (_, i) => i), options);
  const preprocessor = new Preprocessor({
    format: 'modelwright-preprocessor', version: 1, kind: 'image', task: 'reconstruction', missing: 'drop-row', scaling: 'none',
    decimalComma: false, features: [], image: { ...spec },
  });
  const encode = (which: number[]): TensorSplit => {
    const x = new Float32Array(which.length * size);
    which.forEach((i, n) => x.set(pixels.subarray(i * size, (i + 1) * size), n * size));
    return { x, xShape: [which.length, spec.height, spec.width, spec.channels], y: x, yShape: [which.length, size], count: which.length };
  };
  return {
    kind: 'image', task: 'reconstruction',
    train: encode(split.train), validation: encode(split.validation), test: encode(split.test),
    inputShape: preprocessor.inputShape, outputUnits: size, featureNames: preprocessor.featureNames,
    preprocessor, rows: { total: count, used: count, dropped: 0 }, warnings: [],
  };
}
