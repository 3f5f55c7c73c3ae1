// The fitted preprocessing that turns raw rows into model inputs and model outputs back into labels:
// scalers, category maps, class labels, vocabulary. Fitted on the training split only; plain JSON so
// it is saved with the trained model and prediction takes the same raw rows the user's file had.
import { z } from 'zod';
import type { DatasetBinding } from './binding.ts';
import { parseNumber } from './csv.ts';
import { DataError, quote } from './errors.ts';
import { resizeToTensor, type RgbaImage } from './image.ts';
import { isMissing, sortLabels, type TableSchema, type Task } from './schema.ts';
import { Tokenizer, tokenizerStateSchema } from './tokenizer.ts';

const numericFeatureSchema = z.object({
  name: z.string(),
  kind: z.literal('numeric'),
  /** encoded = (raw − center) / scale */
  center: z.number(),
  scale: z.number().positive(),
  /** Raw value used for a missing cell. */
  fill: z.number(),
});
const categoricalFeatureSchema = z.object({
  name: z.string(),
  kind: z.literal('categorical'),
  /** One-hot slots, in this order. A value not listed encodes as all zeros. */
  categories: z.array(z.string()),
  /** Category used for a missing cell; null encodes it as all zeros. */
  fill: z.string().nullable(),
});
const featureSpecSchema = z.discriminatedUnion('kind', [numericFeatureSchema, categoricalFeatureSchema]);

const targetSpecSchema = z.discriminatedUnion('kind', [
  z.object({ name: z.string(), kind: z.literal('classification'), classes: z.array(z.string()).min(2) }),
  /** The model learns (value − center) / scale; predictions are mapped back. */
  z.object({ name: z.string(), kind: z.literal('regression'), center: z.number(), scale: z.number().positive() }),
]);

export const preprocessorStateSchema = z.object({
  format: z.literal('modelwright-preprocessor'),
  version: z.literal(1),
  kind: z.enum(['table', 'text', 'image']),
  task: z.enum(['classification', 'regression', 'reconstruction']),
  missing: z.enum(['drop-row', 'mean', 'zero']),
  scaling: z.enum(['standard', 'minmax', 'none']),
  decimalComma: z.boolean(),
  features: z.array(featureSpecSchema),
  target: targetSpecSchema.optional(),
  text: z.object({ column: z.string(), tokenizer: tokenizerStateSchema }).optional(),
  image: z.object({ width: z.number().int().min(1), height: z.number().int().min(1), channels: z.union([z.literal(1), z.literal(3)]) }).optional(),
});

export type PreprocessorState = z.infer<typeof preprocessorStateSchema>;
export type FeatureSpec = z.infer<typeof featureSpecSchema>;
export type TargetSpec = z.infer<typeof targetSpecSchema>;

/** A raw input row as prediction receives it: column name → value. Maps and plain objects both work. */
export type RawRow = Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;

export type Prediction =
  | { kind: 'classification'; label: string; classIndex: number; probabilities: Record<string, number> }
  | { kind: 'regression'; value: number }
  | { kind: 'reconstruction'; values: number[] };

/** Reads a column of a raw row without ever touching the prototype chain (`__proto__`, `constructor`). */
function cellOf(row: RawRow, name: string): string | undefined {
  let value: unknown;
  if (row instanceof Map) value = row.get(name);
  else if (Object.hasOwn(row, name)) value = (row as Record<string, unknown>)[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  return String(value).trim();
}

export class Preprocessor {
  readonly state: PreprocessorState;
  private readonly tokenizer: Tokenizer | undefined;
  readonly featureWidth: number;

  constructor(state: PreprocessorState) {
    this.state = state;
    this.tokenizer = state.text ? Tokenizer.fromJSON(state.text.tokenizer) : undefined;
    this.featureWidth = state.features.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.categories.length), 0);
  }

  /** Restores a preprocessor saved with `toJSON()`; throws a DataError when the JSON is not one. */
  static fromJSON(value: unknown): Preprocessor {
    const parsed = preprocessorStateSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DataError(`The saved preprocessing is damaged or from another version (${issue.path.join('.') || 'top level'}: ${issue.message}). Train the model again to rebuild it.`);
    }
    return new Preprocessor(parsed.data);
  }

  toJSON(): PreprocessorState {
    return structuredClone(this.state);
  }

  get task(): Task {
    return this.state.task;
  }

  get classes(): string[] | undefined {
    return this.state.target?.kind === 'classification' ? [...this.state.target.classes] : undefined;
  }

  /** Shape of one model input, without the batch dimension. */
  get inputShape(): number[] {
    const { text, image } = this.state;
    if (this.state.kind === 'text' && text) return [text.tokenizer.sequenceLength];
    if (this.state.kind === 'image' && image) return [image.height, image.width, image.channels];
    return [this.featureWidth];
  }

  /** Units the output layer needs: one per class, one for a regression value, one per input for reconstruction. */
  get outputUnits(): number {
    const target = this.state.target;
    if (target?.kind === 'classification') return target.classes.length;
    if (target?.kind === 'regression') return 1;
    return this.inputShape.reduce((a, b) => a * b, 1);
  }

  /** Names of the encoded inputs, e.g. `age`, `color=red` — for the UI and feature reports. */
  get featureNames(): string[] {
    if (this.state.kind === 'text') return [`${this.state.text!.column} (token ids)`];
    if (this.state.kind === 'image') return ['pixels'];
    return this.state.features.flatMap((f) => (f.kind === 'numeric' ? [f.name] : f.categories.map((c) => `${f.name}=${c}`)));
  }

  /** For each feature, the index of its column in `columns`; a DataError when one is missing. */
  columnIndices(columns: readonly string[]): Int32Array {
    const names = this.state.kind === 'text' ? [this.state.text!.column] : this.state.features.map((f) => f.name);
    return Int32Array.from(names, (name) => {
      const i = columns.indexOf(name);
      if (i < 0) throw new DataError(`The data has no column ${quote(name)}, which the model was trained with. Its columns are ${columns.map((c) => quote(c)).join(', ')}.`);
      return i;
    });
  }

  /**
   * Encodes the feature cells of one table row into `out` at `offset`. With `dropMissing` (training
   * under the drop-row policy) a row with a missing value returns false and writes nothing useful.
   */
  encodeCells(cells: readonly string[], indices: Int32Array, out: Float32Array, offset: number, dropMissing = false): boolean {
    if (this.state.kind === 'text') {
      this.tokenizer!.encode(cells[indices[0]] ?? '', out, offset);
      return true;
    }
    return this.encodeFeatures((i) => cells[indices[i]], out, offset, dropMissing);
  }

  private encodeFeatures(cellAt: (feature: number) => string | undefined, out: Float32Array, offset: number, dropMissing: boolean): boolean {
    const { features, decimalComma } = this.state;
    let o = offset;
    for (let i = 0; i < features.length; i++) {
      const f = features[i];
      const cell = cellAt(i);
      if (f.kind === 'numeric') {
        let value = isMissing(cell) ? Number.NaN : parseNumber(cell!, decimalComma);
        if (!Number.isFinite(value)) {
          if (dropMissing) return false;
          value = f.fill;
        }
        out[o++] = (value - f.center) / f.scale;
      } else {
        let category = isMissing(cell) ? null : cell!;
        if (category === null) {
          if (dropMissing) return false;
          category = f.fill;
        }
        const slot = category === null ? -1 : f.categories.indexOf(category);
        for (let k = 0; k < f.categories.length; k++) out[o + k] = k === slot ? 1 : 0;
        o += f.categories.length;
      }
    }
    return true;
  }

  /**
   * A readable description of one encoded model input, for listing test samples: the words of a
   * text (unknown words as <oov>), a table row's raw values, or undefined for images.
   */
  describeEncoded(x: ArrayLike<number>): string | undefined {
    if (this.state.kind === 'image') return undefined;
    if (this.state.kind === 'text') {
      const vocabulary = this.tokenizer!.vocabulary;
      const words: string[] = [];
      for (let i = 0; i < x.length; i++) if (x[i] !== 0) words.push(vocabulary[x[i]] ?? '<oov>');
      return words.join(' ');
    }
    const parts: string[] = [];
    let o = 0;
    for (const f of this.state.features) {
      if (f.kind === 'numeric') {
        parts.push(`${f.name}=${Number((x[o++] * f.scale + f.center).toPrecision(4))}`);
      } else {
        let slot = -1;
        for (let k = 0; k < f.categories.length; k++) if (x[o + k] === 1) slot = k;
        parts.push(`${f.name}=${slot >= 0 ? f.categories[slot] : '?'}`);
        o += f.categories.length;
      }
    }
    return parts.join(', ');
  }

  /** The training label of a target cell: class index or scaled value; NaN when missing or an unknown class. */
  encodeTarget(cell: string | undefined): number {
    const target = this.state.target;
    if (!target || isMissing(cell)) return Number.NaN;
    if (target.kind === 'classification') {
      const i = target.classes.indexOf(cell!);
      return i < 0 ? Number.NaN : i;
    }
    const value = parseNumber(cell!, this.state.decimalComma);
    return Number.isFinite(value) ? (value - target.center) / target.scale : Number.NaN;
  }

  /** One raw row (column → value, as typed by a user or read from a CSV) → one model input. */
  encodeRow(row: RawRow | string): Float32Array {
    const out = new Float32Array(this.inputShape.reduce((a, b) => a * b, 1));
    if (this.state.kind === 'image') throw new DataError('This model takes images; give it an image file instead of a row of values.');
    if (this.state.kind === 'text') {
      const text = typeof row === 'string' ? row : cellOf(row, this.state.text!.column);
      if (text === undefined) throw new DataError(`The input has no ${quote(this.state.text!.column)} field; the model needs the text to classify.`);
      this.tokenizer!.encode(text, out, 0);
      return out;
    }
    if (typeof row === 'string') throw new DataError('This model takes a row of named values, not a sentence.');
    const missing = this.state.features.filter((f) => cellOf(row, f.name) === undefined).map((f) => f.name);
    if (missing.length === this.state.features.length && missing.length > 0) {
      throw new DataError(`The input row has none of the model's columns (${missing.map((m) => quote(m)).join(', ')}).`);
    }
    this.encodeFeatures((i) => cellOf(row, this.state.features[i].name), out, 0, false);
    return out;
  }

  encodeText(text: string): Float32Array {
    return this.encodeRow(text);
  }

  /** Decoded RGBA pixels of any size → one model input. */
  encodeImage(image: RgbaImage): Float32Array {
    const spec = this.state.image;
    if (!spec) throw new DataError('This model does not take images.');
    return resizeToTensor(image, spec.width, spec.height, spec.channels);
  }

  /** A training label back to what it means: the class name or the value in the target's units. */
  decodeTarget(y: number): string | number {
    const target = this.state.target;
    if (target?.kind === 'classification') return target.classes[y];
    if (target?.kind === 'regression') return y * target.scale + target.center;
    return y;
  }

  /**
   * One model output → a prediction. Classification accepts one sigmoid unit (binary) or one unit per
   * class; outputs that are not probabilities (a linear layer) go through a softmax first.
   */
  decodeOutput(output: ArrayLike<number>): Prediction {
    const target = this.state.target;
    if (target?.kind === 'regression') return { kind: 'regression', value: output[0] * target.scale + target.center };
    if (target?.kind !== 'classification') return { kind: 'reconstruction', values: Array.from(output) };
    const classes = target.classes;
    let probs: number[];
    if (output.length === 1 && classes.length === 2) {
      const p = Math.min(Math.max(output[0], 0), 1);
      probs = [1 - p, p];
    } else {
      if (output.length !== classes.length) throw new DataError(`The model gives ${output.length} outputs but there are ${classes.length} classes.`);
      probs = Array.from(output);
      const sum = probs.reduce((a, b) => a + b, 0);
      if (probs.some((p) => p < 0 || p > 1) || Math.abs(sum - 1) > 1e-3) {
        const max = Math.max(...probs);
        const exps = probs.map((p) => Math.exp(p - max));
        const total = exps.reduce((a, b) => a + b, 0);
        probs = exps.map((e) => e / total);
      }
    }
    let best = 0;
    for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
    const probabilities: Record<string, number> = Object.create(null);
    classes.forEach((c, i) => (probabilities[c] = probs[i]));
    return { kind: 'classification', label: classes[best], classIndex: best, probabilities };
  }
}

/** Welford's running mean and variance, plus min and max: one pass, numerically stable. */
class RunningStats {
  count = 0;
  mean = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;
  add(x: number): void {
    this.count++;
    const d = x - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }
  get std(): number {
    return this.count > 0 ? Math.sqrt(this.m2 / this.count) : 0;
  }
}

/** Does this row enter training? Rows without a target never do; under drop-row, nor do incomplete rows. */
export function isUsableRow(schema: TableSchema, missing: DatasetBinding['missing'], cells: readonly string[]): boolean {
  if (schema.target && schema.task !== 'reconstruction' && isMissing(cells[schema.target.index])) return false;
  if (missing !== 'drop-row' || schema.kind === 'text') return true;
  for (const f of schema.features) {
    const cell = cells[f.index];
    if (isMissing(cell)) return false;
    if (f.type === 'numeric' && !Number.isFinite(parseNumber(cell, schema.decimalComma))) return false;
  }
  return true;
}

/**
 * Accumulates the statistics of the TRAINING rows of a table, one row at a time (so a streamed file
 * can be fitted without holding it), then freezes them into a Preprocessor. Target classes come
 * from every usable row via `addTarget`, so the output layer has a unit for each class.
 */
export class TableFitter {
  private readonly schema: TableSchema;
  private readonly binding: DatasetBinding;
  private readonly numeric = new Map<number, RunningStats>();
  private readonly categories = new Map<number, Map<string, number>>();
  private readonly targetStats = new RunningStats();
  private readonly classes = new Set<string>();
  trainRows = 0;

  constructor(schema: TableSchema, binding: DatasetBinding) {
    this.schema = schema;
    this.binding = binding;
    for (const f of schema.kind === 'text' ? [] : schema.features) {
      if (f.type === 'numeric') this.numeric.set(f.index, new RunningStats());
      else this.categories.set(f.index, new Map());
    }
  }

  /** Adds a training row's features and (for regression) its target. */
  add(cells: readonly string[]): void {
    this.trainRows++;
    const dc = this.schema.decimalComma;
    for (const [index, stats] of this.numeric) {
      const cell = cells[index];
      if (isMissing(cell)) continue;
      const value = parseNumber(cell, dc);
      if (Number.isFinite(value)) stats.add(value);
      else if (Number.isNaN(value)) {
        const f = this.schema.columns[index];
        throw new DataError(`Column ${quote(f.name)} is numeric, but a training row holds ${quote(cell)}, which is not a number. Fix that value or set the column's type to categorical.`);
      }
    }
    for (const [index, counts] of this.categories) {
      const cell = cells[index];
      if (!isMissing(cell)) counts.set(cell, (counts.get(cell) ?? 0) + 1);
    }
    if (this.schema.task === 'regression' && this.schema.target) {
      const value = parseNumber(cells[this.schema.target.index], dc);
      if (Number.isFinite(value)) this.targetStats.add(value);
    }
  }

  /** Records the target of any usable row (train, validation or test) so no class is unknown later. */
  addTarget(cell: string): void {
    if (this.schema.task === 'classification' && !isMissing(cell) && this.classes.size <= 10_000) this.classes.add(cell);
  }

  finish(extra: Partial<Pick<PreprocessorState, 'kind' | 'text'>> = {}): Preprocessor {
    const { schema, binding } = this;
    if (this.trainRows === 0) throw new DataError('No rows are left for training. Lower the test and validation fractions, or check the missing-value policy (drop-row removes every row with an empty cell).');
    const scaling = binding.scaling;
    const features: FeatureSpec[] = schema.kind === 'text' ? [] : schema.features.map((f) => {
      const stats = this.numeric.get(f.index);
      if (stats) {
        const mean = stats.count > 0 ? stats.mean : 0;
        let center = 0;
        let scale = 1;
        if (scaling === 'standard') {
          center = mean;
          scale = stats.std > 1e-12 ? stats.std : 1;
        } else if (scaling === 'minmax' && stats.count > 0) {
          center = stats.min;
          scale = stats.max - stats.min > 1e-12 ? stats.max - stats.min : 1;
        }
        return { name: f.name, kind: 'numeric', center, scale, fill: binding.missing === 'zero' ? 0 : mean };
      }
      const counts = this.categories.get(f.index)!;
      const categories = sortLabels(counts.keys());
      let mostFrequent: string | null = null;
      let best = -1;
      for (const c of categories) if (counts.get(c)! > best) [mostFrequent, best] = [c, counts.get(c)!];
      return { name: f.name, kind: 'categorical', categories, fill: binding.missing === 'zero' ? null : mostFrequent };
    });
    let target: TargetSpec | undefined;
    if (schema.target && schema.task === 'classification') {
      const classes = sortLabels(this.classes.size > 0 ? this.classes : (schema.classes ?? []));
      if (classes.length < 2) {
        throw new DataError(`The target column ${quote(schema.target.name)} has only one value (${quote(classes[0] ?? '')}) in the rows used; a classifier needs at least two classes. Add rows of another class, or choose another target.`);
      }
      target = { name: schema.target.name, kind: 'classification', classes };
    } else if (schema.target && schema.task === 'regression') {
      const s = this.targetStats;
      const scaled = scaling !== 'none' && s.count > 0;
      target = { name: schema.target.name, kind: 'regression', center: scaled ? s.mean : 0, scale: scaled && s.std > 1e-12 ? s.std : 1 };
    }
    return new Preprocessor({
      format: 'modelwright-preprocessor',
      version: 1,
      kind: extra.kind ?? schema.kind,
      task: schema.task,
      missing: binding.missing,
      scaling,
      decimalComma: schema.decimalComma,
      features,
      target,
      text: extra.text,
    });
  }
}
