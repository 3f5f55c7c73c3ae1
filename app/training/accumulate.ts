// Test evaluation over data that arrives in batches (a streamed test split): counts, the confusion
// matrix and error sums are exact over every row; ROC curves and predicted-vs-actual pairs come from a
// uniform sample of at most `maxRows` rows, so memory stays bounded whatever the split's size.
import { mulberry32 } from '../data/split.ts';
import {
  evaluateClassification, evaluateRegression, predictedClass, scoresFromConfusion,
  type ClassificationEvaluation, type Evaluation, type RegressionEvaluation,
} from './evaluate.ts';

/** Rows kept for the curves by default: AUC from 200,000 rows is within about 0.002 of the full value. */
export const DEFAULT_SAMPLE_ROWS = 200_000;

export interface AccumulatorOptions {
  task: 'classification' | 'regression';
  /** Class names by index (classification); their number fixes the confusion matrix's size. */
  classNames?: readonly string[];
  /** Most rows (classification) or values (regression) kept for ROC curves and pairs. */
  maxRows?: number;
  seed?: number;
}

/** A growable Float32Array, so a small test split does not reserve room for `maxRows` rows. */
class Floats {
  data = new Float32Array(1024);
  length = 0;
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let size = this.data.length;
    while (size < n) size *= 2;
    const next = new Float32Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Feed it the model's outputs batch by batch with `add`, then `finish`. While every row fits in the
 * sample the result is exactly `evaluateClassification` / `evaluateRegression` over all rows.
 */
export class EvaluationAccumulator {
  private readonly task: AccumulatorOptions['task'];
  private readonly classNames: readonly string[] | undefined;
  private readonly maxRows: number;
  private readonly random: () => number;
  private width = 0;
  private seen = 0;
  /** Reservoir: outputs (width per row) and labels/actual values. */
  private readonly outputs = new Floats();
  private readonly truth = new Floats();
  // Exact running totals over every row.
  private confusion: number[][] | null = null;
  private correct = 0;
  private se = 0;
  private ae = 0;
  private mean = 0;
  private m2 = 0;

  constructor(options: AccumulatorOptions) {
    this.task = options.task;
    this.classNames = options.classNames;
    this.maxRows = Math.max(1, options.maxRows ?? DEFAULT_SAMPLE_ROWS);
    this.random = mulberry32((options.seed ?? 1) ^ 0xacc);
  }

  get count(): number {
    return this.seen;
  }

  /**
   * Classification: `outputs` holds `width` values per row and `truth` a class index per row.
   * Regression: one output per value and `truth` the actual values (width 1).
   */
  add(outputs: ArrayLike<number>, width: number, truth: ArrayLike<number>): void {
    const n = truth.length;
    if (outputs.length !== n * width) throw new Error(`expected ${n * width} outputs (${n} rows × ${width}), got ${outputs.length}`);
    if (this.width === 0) this.width = width;
    else if (width !== this.width) throw new Error(`every batch needs the same output width; got ${width} after ${this.width}`);
    for (let i = 0; i < n; i++) {
      if (this.task === 'classification') this.countClass(outputs, i, width, truth[i]);
      else this.countValue(outputs[i], truth[i]);
      this.keep(outputs, i, width, truth[i]);
    }
  }

  private countClass(outputs: ArrayLike<number>, row: number, width: number, label: number): void {
    if (!this.confusion) {
      const k = Math.max(this.classNames?.length ?? 0, width === 1 ? 2 : width);
      this.confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    }
    const predicted = predictedClass(outputs, row, width);
    if (!(label >= 0 && label < this.confusion.length)) throw new Error(`class index ${label} is outside the ${this.confusion.length} classes`);
    this.confusion[label][predicted]++;
    if (predicted === label) this.correct++;
  }

  private countValue(predicted: number, actual: number): void {
    const d = predicted - actual;
    this.se += d * d;
    this.ae += Math.abs(d);
    // Welford's update: the spread of the actual values without a second pass.
    const delta = actual - this.mean;
    this.mean += delta / (this.seen + 1);
    this.m2 += delta * (actual - this.mean);
  }

  /** Algorithm R: after n rows, each has had the same chance maxRows / n of being in the sample. */
  private keep(outputs: ArrayLike<number>, row: number, width: number, truth: number): void {
    const n = this.seen++;
    let slot = n;
    if (n >= this.maxRows) {
      slot = Math.floor(this.random() * (n + 1));
      if (slot >= this.maxRows) return;
    } else {
      this.outputs.ensure((n + 1) * width);
      this.truth.ensure(n + 1);
      this.outputs.length = (n + 1) * width;
      this.truth.length = n + 1;
    }
    for (let c = 0; c < width; c++) this.outputs.data[slot * width + c] = outputs[row * width + c];
    this.truth.data[slot] = truth;
  }

  finish(): Evaluation {
    const sampled = this.seen > this.maxRows;
    if (this.task === 'classification') {
      const fromSample = evaluateClassification({
        probabilities: this.outputs.view(), width: Math.max(1, this.width), labels: this.truth.view(), classNames: this.classNames,
      });
      if (!sampled) return fromSample;
      const confusion = this.confusion!;
      const classes = Array.from({ length: confusion.length }, (_, c) => this.classNames?.[c] ?? String(c));
      const { perClass, macro } = scoresFromConfusion(confusion, classes);
      const out: ClassificationEvaluation = {
        ...fromSample, count: this.seen, accuracy: this.correct / this.seen, classes, perClass, macro, confusion,
      };
      return out;
    }
    const fromSample = evaluateRegression({ predictions: this.outputs.view(), actual: this.truth.view() });
    if (!sampled) return fromSample;
    const n = this.seen;
    const out: RegressionEvaluation = {
      ...fromSample, count: n, mse: this.se / n, mae: this.ae / n, r2: this.m2 > 0 ? 1 - this.se / this.m2 : null,
    };
    return out;
  }
}
