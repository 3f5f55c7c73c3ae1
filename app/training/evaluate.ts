// Evaluation of a trained model on the test split, from its predictions and the true labels:
// classification (accuracy, per-class P/R/F1, confusion matrix, ROC and AUC) and regression (MSE, MAE, R²).
import { z } from 'zod';

/** At most this many ROC points per curve and predicted-vs-actual pairs are kept, so results stay small. */
export const DEFAULT_MAX_POINTS = 2000;

/**
 * A value that may not be a number: a model that predicts NaN gives a NaN error, which JSON (the
 * trainer's message after checking, the history) carries as null.
 */
const maybeNumber = z.number().nullable();

export const classMetricsSchema = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  /** Test rows whose true class is this one. */
  support: z.number(),
});

export const rocCurveSchema = z.object({
  /** The class treated as positive (one-vs-rest when there are more than two). */
  label: z.string(),
  /** [false positive rate, true positive rate], from (0,0) to (1,1). */
  points: z.array(z.tuple([z.number(), z.number()])),
  /** Area under the curve; null when the test split has no positives or no negatives for this class. */
  auc: z.number().nullable(),
});

/** One test row as the model saw it: what it was, what the model said, and how sure it was. */
export const testSampleSchema = z.object({
  /** Row number in the test split. */
  index: z.number(),
  actual: z.number(),
  predicted: z.number(),
  /** Probability the model gave its predicted class (null: the model's output was not a number). */
  confidence: maybeNumber.optional(),
  /** A short description of the sample (its feature values or its words). */
  text: z.string().optional(),
});

export const classificationEvaluationSchema = z.object({
  task: z.literal('classification'),
  count: z.number(),
  accuracy: z.number(),
  classes: z.array(z.string()),
  perClass: z.array(classMetricsSchema),
  macro: z.object({ precision: z.number(), recall: z.number(), f1: z.number() }),
  /** confusion[actual][predicted] = number of test rows. */
  confusion: z.array(z.array(z.number())),
  /** One curve for two classes (the second class is positive), one per class otherwise. */
  roc: z.array(rocCurveSchema),
  /** Binary AUC, or the macro average of the one-vs-rest AUCs; null when no curve has one. */
  auc: z.number().nullable(),
  /**
   * Two classes: the class the ROC curve and the positive-class scores treat as "yes" (the second one,
   * which a single sigmoid unit gives the probability of). The studio lets the user pick the other.
   */
  positiveClass: z.string().optional(),
  /** The first test rows one by one (at most MAX_TEST_SAMPLES), so a confusion-matrix cell can list its samples. */
  samples: z.array(testSampleSchema).optional(),
});

export const regressionEvaluationSchema = z.object({
  task: z.literal('regression'),
  count: z.number(),
  mse: maybeNumber,
  mae: maybeNumber,
  /** Coefficient of determination; null when the true values are all equal (nothing to explain). */
  r2: maybeNumber,
  /** [actual, predicted], an evenly spaced sample of at most maxPoints rows. */
  pairs: z.array(z.tuple([maybeNumber, maybeNumber])),
});

/**
 * A model's evaluation on the test split: the one declaration of its shape, for the trainer's message
 * (app/training/protocol.ts), the history (main/store) and every reader.
 */
export const evaluationSchema = z.discriminatedUnion('task', [classificationEvaluationSchema, regressionEvaluationSchema]);

export type ClassMetrics = z.infer<typeof classMetricsSchema>;
export type RocCurve = z.infer<typeof rocCurveSchema>;
export type TestSample = z.infer<typeof testSampleSchema>;
export type ClassificationEvaluation = z.infer<typeof classificationEvaluationSchema>;
export type RegressionEvaluation = z.infer<typeof regressionEvaluationSchema>;
export type Evaluation = z.infer<typeof evaluationSchema>;

/** The predicted-against-actual pairs that are numbers on both sides (what a plot or a spread can use). */
export function numericPairs(pairs: RegressionEvaluation['pairs']): [number, number][] {
  return pairs.filter((pair): pair is [number, number] => pair[0] !== null && pair[1] !== null);
}

export const MAX_TEST_SAMPLES = 2000;

/** Test samples of rows [offset, offset + n) from one batch of outputs (`width` per row). */
export function testSamples(outputs: ArrayLike<number>, width: number, labels: ArrayLike<number>, offset: number, describe?: (row: number) => string | undefined): TestSample[] {
  const out: TestSample[] = [];
  for (let i = 0; i < labels.length; i++) {
    const predicted = predictedClass(outputs, i, width);
    const confidence = width === 1 ? (predicted === 1 ? outputs[i] : 1 - outputs[i]) : outputs[i * width + predicted];
    const text = describe?.(i);
    out.push({ index: offset + i, actual: labels[i], predicted, confidence, ...(text === undefined ? {} : { text }) });
  }
  return out;
}


export interface ClassificationInput {
  /** Row-major model outputs: `width` values per row (1 = a sigmoid probability of the second class). */
  probabilities: ArrayLike<number>;
  width: number;
  /** True class index per row. */
  labels: ArrayLike<number>;
  /** Names by class index; defaults to "0", "1", ... */
  classNames?: readonly string[];
  maxPoints?: number;
}

export function evaluateClassification(input: ClassificationInput): ClassificationEvaluation {
  const { probabilities, width, labels } = input;
  const n = labels.length;
  if (!(width >= 1)) throw new Error(`width must be at least 1, got ${width}`);
  if (probabilities.length !== n * width) {
    throw new Error(`expected ${n * width} predictions (${n} rows × ${width}), got ${probabilities.length}`);
  }
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const binarySigmoid = width === 1;
  let k = binarySigmoid ? 2 : width;
  for (let i = 0; i < n; i++) k = Math.max(k, labels[i] + 1);
  const classes = Array.from({ length: k }, (_, c) => input.classNames?.[c] ?? String(c));

  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) predicted[i] = predictedClass(probabilities, i, width);

  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    confusion[labels[i]][predicted[i]]++;
    if (labels[i] === predicted[i]) correct++;
  }

  const { perClass, macro } = scoresFromConfusion(confusion, classes);

  const scoreOf = (c: number) => {
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = binarySigmoid ? (c === 1 ? probabilities[i] : 1 - probabilities[i]) : probabilities[i * width + c];
    return s;
  };
  const isClass = (c: number) => Array.from({ length: n }, (_, i) => labels[i] === c);
  let roc: RocCurve[];
  if (k === 2) {
    roc = [{ label: classes[1], ...rocCurve(scoreOf(1), isClass(1), maxPoints) }];
  } else {
    roc = classes.map((label, c) => ({ label, ...(c < width ? rocCurve(scoreOf(c), isClass(c), maxPoints) : { points: [], auc: null }) }));
  }
  const aucs = roc.map((r) => r.auc).filter((a): a is number => a !== null);
  const auc = aucs.length ? mean(aucs) : null;

  return {
    task: 'classification', count: n, accuracy: n ? correct / n : 0, classes, perClass, macro, confusion, roc, auc,
    ...(k === 2 ? { positiveClass: classes[1] } : {}),
  };
}

/** Per-class precision, recall and F1 and their macro averages from a confusion matrix (confusion[actual][predicted]). */
export function scoresFromConfusion(confusion: readonly (readonly number[])[], classes: readonly string[]): { perClass: ClassMetrics[]; macro: ClassificationEvaluation['macro'] } {
  const k = confusion.length;
  const perClass: ClassMetrics[] = classes.map((label, c) => {
    const tp = confusion[c][c];
    let predictedC = 0;
    let actualC = 0;
    for (let j = 0; j < k; j++) {
      predictedC += confusion[j][c];
      actualC += confusion[c][j];
    }
    // A class never predicted (or never present) scores 0, as scikit-learn's zero_division default does.
    const precision = predictedC > 0 ? tp / predictedC : 0;
    const recall = actualC > 0 ? tp / actualC : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: actualC };
  });
  const macro = {
    precision: mean(perClass.map((m) => m.precision)),
    recall: mean(perClass.map((m) => m.recall)),
    f1: mean(perClass.map((m) => m.f1)),
  };
  return { perClass, macro };
}

/** Two classes: precision, recall and F1 of the class treated as positive (by default `positiveClass`); null otherwise. */
export function positiveScores(e: ClassificationEvaluation, label = e.positiveClass): ClassMetrics | null {
  if (e.classes.length !== 2 || label === undefined) return null;
  return e.perClass.find((c) => c.label === label) ?? null;
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/**
 * The ROC curves to show when `label` is the positive class. With two classes the evaluation holds one
 * curve (for its positive class); the other class's curve is its point reflection through (0.5, 0.5)
 * (its true positives are the first class's true negatives), with the same AUC.
 */
export function rocCurvesFor(e: ClassificationEvaluation, label = e.positiveClass): RocCurve[] {
  if (e.classes.length !== 2 || e.roc.length !== 1 || label === undefined || e.roc[0].label === label) return e.roc;
  const [curve] = e.roc;
  const points = curve.points.map(([fpr, tpr]): [number, number] => [1 - tpr, 1 - fpr]).reverse();
  return [{ label, points, auc: curve.auc }];
}

/** The class a row of model outputs predicts: a sigmoid (width 1) at 0.5, otherwise the largest output. */
export function predictedClass(outputs: ArrayLike<number>, row: number, width: number): number {
  if (width === 1) return outputs[row] >= 0.5 ? 1 : 0;
  let best = 0;
  for (let c = 1; c < width; c++) if (outputs[row * width + c] > outputs[row * width + best]) best = c;
  return best;
}

/**
 * ROC curve of a score against a yes/no truth: one point per distinct score threshold (ties move
 * diagonally, which is what makes the trapezoid area equal the Mann-Whitney AUC), then thinned to maxPoints.
 */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>, maxPoints = DEFAULT_MAX_POINTS): { points: [number, number][]; auc: number | null } {
  const n = scores.length;
  let pos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) pos++;
  const neg = n - pos;
  if (pos === 0 || neg === 0) return { points: [], auc: null };
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const points: [number, number][] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    if (positive[i]) tp++; else fp++;
    if (j === n - 1 || scores[order[j + 1]] !== scores[i]) {
      const [prevFpr, prevTpr] = points[points.length - 1];
      const fpr = fp / neg;
      const tpr = tp / pos;
      auc += ((fpr - prevFpr) * (tpr + prevTpr)) / 2;
      points.push([fpr, tpr]);
    }
  }
  return { points: thin(points, maxPoints), auc };
}

export interface RegressionInput {
  predictions: ArrayLike<number>;
  actual: ArrayLike<number>;
  maxPoints?: number;
}

/** Regression metrics over all output values (several outputs per row are pooled). */
export function evaluateRegression(input: RegressionInput): RegressionEvaluation {
  const { predictions, actual } = input;
  const n = actual.length;
  if (predictions.length !== n) throw new Error(`expected ${n} predictions, got ${predictions.length}`);
  let sumActual = 0;
  for (let i = 0; i < n; i++) sumActual += actual[i];
  const meanActual = n ? sumActual / n : 0;
  let se = 0;
  let ae = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const d = predictions[i] - actual[i];
    se += d * d;
    ae += Math.abs(d);
    ssTot += (actual[i] - meanActual) ** 2;
  }
  const pairs: [number, number][] = [];
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  for (const i of sampleIndices(n, maxPoints)) pairs.push([actual[i], predictions[i]]);
  return {
    task: 'regression',
    count: n,
    mse: n ? se / n : 0,
    mae: n ? ae / n : 0,
    r2: n && ssTot > 0 ? 1 - se / ssTot : null,
    pairs,
  };
}

/** Evenly spaced indices into [0, n), at most max of them, always including the first and last. */
export function sampleIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  if (max <= 1) return max === 1 ? [0] : [];
  return Array.from({ length: max }, (_, j) => Math.round((j * (n - 1)) / (max - 1)));
}

function thin<T>(items: T[], max: number): T[] {
  return items.length <= max ? items : sampleIndices(items.length, max).map((i) => items[i]);
}
