// Did the run learn? Reads the loss curve and the test evaluation for the signs of a model that
// learned nothing (a loss that does not fall, one class predicted for everything, accuracy no better
// than always answering the most common class, AUC near 0.5, R² below 0) and names the likely cause
// and the one change most likely to help. The same check runs live (the loss so far) while training.
import type { Evaluation } from './evaluate.ts';
import type { OptimizerName, TrainingConfig } from './config.ts';

export interface LearningCheck {
  learned: boolean;
  /** A run that learned but ran out of epochs while still improving fast, and the change to try; else null. */
  stillImproving?: StillImproving | null;
  /** What shows that the model did not learn, in plain sentences (empty when it learned). */
  signs: string[];
  /** The likely cause, when it did not learn. */
  cause: string | null;
  /** The one change most likely to help, when it did not learn. */
  advice: string | null;
  /** That change as a training setting, when it is one (the studio offers it as a button). */
  change?: SettingChange | null;
}

/** "Still improving when it stopped": the sign in the curve, and the epochs to try. */
export interface StillImproving {
  sign: string;
  advice: string;
  change: SettingChange;
}

/** A loss that fell by at least this fraction in each of the last epochs was still falling fast. */
const improvingFraction = 0.01;
/** Epochs whose falls are looked at: the last `improvingSteps` steps must each have fallen. */
const improvingSteps = 2;

/** A training setting and the value the advice gives it. */
export interface SettingChange {
  path: 'optimizer.learningRate' | 'epochs' | 'classWeights';
  value: number | string;
}

export interface LearningInput {
  task: 'classification' | 'regression' | 'reconstruction';
  /** Per epoch, as the run recorded it (`loss`, `val_loss`, metrics). */
  history: Record<string, readonly (number | null)[]>;
  /** The test evaluation; null when there was no test split. */
  evaluation: Evaluation | null;
  config: Pick<TrainingConfig, 'optimizer' | 'epochs' | 'classWeights'>;
  /** The activation the output applies last (`softmax`, `sigmoid`, `linear`...), when known. */
  outputActivation?: string | null;
  /** True when the loss takes raw scores (logits) and the probabilities come from a softmax applied after. */
  fromLogits?: boolean;
}

/** Optimizer names as people say them. */
export const optimizerTitles: Record<OptimizerName, string> = {
  sgd: 'SGD', adam: 'Adam', adamax: 'Adamax', rmsprop: 'RMSprop', adagrad: 'Adagrad', adadelta: 'Adadelta',
};

/** Per optimizer: its usual learning rate, and the rate above which it usually jumps past every minimum. */
const rates: Record<OptimizerName, { usual: number; tooHigh: number; tooLow: number }> = {
  adam: { usual: 0.001, tooHigh: 0.05, tooLow: 1e-5 },
  adamax: { usual: 0.002, tooHigh: 0.1, tooLow: 2e-5 },
  rmsprop: { usual: 0.001, tooHigh: 0.05, tooLow: 1e-5 },
  adagrad: { usual: 0.01, tooHigh: 1, tooLow: 1e-4 },
  sgd: { usual: 0.01, tooHigh: 2, tooLow: 1e-4 },
  adadelta: { usual: 1, tooHigh: 50, tooLow: 1e-3 },
};

/** Below this, AUC is chance (0.5) or worse. */
export const chanceAuc = 0.55;
/** A loss that falls by less than this fraction of its first epoch's value has not fallen. */
const flatFraction = 0.01;
/** Epochs of loss needed before a flat curve says anything. */
const minEpochs = 3;

/** "0.01", "10", "1e-5": a learning rate as typed. */
export function formatRate(x: number): string {
  return Number(x.toPrecision(2)).toString();
}

/** Finite values of a series, in order. */
function finite(series: readonly (number | null)[] | undefined): number[] {
  return (series ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/**
 * The loss so far, read while training: a sentence when it has not fallen (or is rising) over at least
 * three epochs, else null. Used live by the trainer and again at the end.
 */
export function lossTrend(history: Record<string, readonly (number | null)[]>): { kind: 'flat' | 'rising'; sentence: string } | null {
  const loss = finite(history.loss);
  if (loss.length < minEpochs) return null;
  const first = loss[0];
  const rest = loss.slice(1);
  const best = Math.min(...rest);
  const last = loss[loss.length - 1];
  const epochs = `${loss.length} epochs`;
  if (last > first * 1.05 && last >= best * 1.2) {
    return { kind: 'rising', sentence: `the training loss rose from ${fmt(first)} to ${fmt(last)} over ${epochs}` };
  }
  if (first - best < Math.abs(first) * flatFraction) {
    return { kind: 'flat', sentence: `the training loss did not fall over ${epochs} (${fmt(first)} at first, ${fmt(last)} at the end)` };
  }
  return null;
}

function fmt(x: number, digits = 3): string {
  if (Math.abs(x) >= 1e4) return Math.round(x).toLocaleString('en-US');
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: digits === 3 ? 3 : digits + 1 });
}

interface ClassView {
  majority: { label: string; rate: number };
  /** The one class predicted for every row, when there is one. */
  onlyPredicted: string | null;
  /** Largest class count over smallest (present classes). */
  imbalance: number;
}

function classView(e: Extract<Evaluation, { task: 'classification' }>): ClassView {
  const support = e.perClass.map((c) => c.support);
  const total = support.reduce((a, b) => a + b, 0) || 1;
  let top = 0;
  support.forEach((s, i) => { if (s > support[top]) top = i; });
  const predictedCounts = e.classes.map((_, c) => e.confusion.reduce((sum, row) => sum + (row[c] ?? 0), 0));
  const predictedClasses = predictedCounts.filter((n) => n > 0).length;
  const present = support.filter((s) => s > 0);
  return {
    majority: { label: e.classes[top], rate: support[top] / total },
    onlyPredicted: predictedClasses === 1 && present.length > 1 ? e.classes[predictedCounts.findIndex((n) => n > 0)] : null,
    imbalance: present.length ? Math.max(...present) / Math.min(...present) : 1,
  };
}

/** The signs of no learning in a run's curves and test results. */
function signsOf(input: LearningInput): { signs: string[]; trend: ReturnType<typeof lossTrend>; classes: ClassView | null } {
  const signs: string[] = [];
  const trend = lossTrend(input.history);
  const e = input.evaluation;
  let classes: ClassView | null = null;
  if (e?.task === 'classification' && e.count > 0) {
    classes = classView(e);
    const { majority, onlyPredicted } = classes;
    if (onlyPredicted !== null) signs.push(`it predicts "${onlyPredicted}" for every test row`);
    if (e.accuracy <= majority.rate + 1e-9) {
      signs.push(`its test accuracy ${fmt(e.accuracy)} is no better than the ${fmt(majority.rate)} that always answering "${majority.label}" (the most common class) gives`);
    }
    if (e.auc !== null && e.auc < chanceAuc) signs.push(`its AUC ${fmt(e.auc)} is at chance level (0.5): it cannot tell the classes apart`);
  } else if (e?.task === 'regression' && e.count > 0 && e.r2 !== null && e.r2 < 0) {
    signs.push(`its R² ${fmt(e.r2)} is below 0: always predicting the average value would be closer`);
  }
  if (trend) signs.push(trend.sentence);
  return { signs, trend, classes };
}

/** Likely cause and the one change most likely to help, from the settings and what the signs show. */
function diagnose(input: LearningInput, trend: ReturnType<typeof lossTrend>, classes: ClassView | null): { cause: string; advice: string; change?: SettingChange } {
  const { name, learningRate: lr } = input.config.optimizer;
  const r = rates[name];
  const title = optimizerTitles[name];
  const activation = input.outputActivation ?? null;
  if (input.task === 'classification' && !input.fromLogits && activation !== null && activation !== 'softmax' && activation !== 'sigmoid') {
    const units = input.evaluation?.task === 'classification' ? input.evaluation.classes.length : 0;
    return {
      cause: `the output layer's activation is ${activation}, so it does not give class probabilities`,
      advice: `set the output layer's activation to ${units === 2 ? 'sigmoid (one unit) or softmax' : 'softmax'}`,
    };
  }
  if (lr > r.tooHigh) {
    const to = Math.min(Math.max(r.usual, lr / 1000), r.tooHigh / 5);
    return {
      cause: `the learning rate ${formatRate(lr)} is too high for ${title}: every step jumps past the weights that would fit, so they never settle`,
      advice: `lower the learning rate from ${formatRate(lr)} to ${formatRate(to)}`,
      change: { path: 'optimizer.learningRate', value: Number(formatRate(to)) },
    };
  }
  if (trend?.kind === 'rising') {
    return {
      cause: `the training loss rose: the learning rate ${formatRate(lr)} is too high for this model and data`,
      advice: `lower the learning rate from ${formatRate(lr)} to ${formatRate(lr / 10)}`,
      change: { path: 'optimizer.learningRate', value: Number(formatRate(lr / 10)) },
    };
  }
  if (lr < r.tooLow) {
    return {
      cause: `the learning rate ${formatRate(lr)} is so low that the weights barely move`,
      advice: `raise the learning rate from ${formatRate(lr)} to ${formatRate(r.usual)}`,
      change: { path: 'optimizer.learningRate', value: r.usual },
    };
  }
  if (classes && classes.imbalance >= 2 && input.config.classWeights === 'none' &&
    (classes.onlyPredicted !== null || (input.evaluation?.task === 'classification' && input.evaluation.accuracy <= classes.majority.rate + 1e-9))) {
    return {
      cause: `"${classes.majority.label}" makes up ${Math.round(classes.majority.rate * 100)}% of the rows, and answering it every time is the easiest way to look right`,
      advice: 'set Class weights to auto, so that every class counts the same in the loss',
      change: { path: 'classWeights', value: 'auto' },
    };
  }
  const epochs = input.config.epochs;
  if (epochs < 20) {
    return {
      cause: `${epochs} epoch${epochs === 1 ? ' is' : 's are'} too few for this model to find a pattern`,
      advice: `train for more epochs, e.g. ${Math.max(20, epochs * 4)} instead of ${epochs}`,
      change: { path: 'epochs', value: Math.max(20, epochs * 4) },
    };
  }
  if (lr > r.usual * 3) {
    return {
      cause: `the learning rate ${formatRate(lr)} is higher than ${title} usually needs`,
      advice: `lower the learning rate from ${formatRate(lr)} to ${formatRate(r.usual)}`,
      change: { path: 'optimizer.learningRate', value: r.usual },
    };
  }
  return {
    cause: 'the feature columns may not carry information about the target, or the model is too small to find it',
    advice: 'check that the features can predict the target (a simple model on the same columns is a good test), then try more units',
  };
}

/**
 * A run that trained all its epochs while its validation loss (the training loss without validation rows)
 * still fell by at least 1% in each of its last two epochs: it stopped because the epochs ran out, not
 * because it had learned what it could, so more epochs would likely help. Null otherwise — a run that early
 * stopping or the user ended, one shorter than three epochs, or one whose loss had levelled off.
 */
export function stillImproving(history: Record<string, readonly (number | null)[]>, epochs: number): StillImproving | null {
  const val = history.val_loss ?? [];
  const useVal = val.length > 0 && val.every((v) => typeof v === 'number' && Number.isFinite(v));
  const series = useVal ? (val as number[]) : finite(history.loss);
  if (series.length !== epochs || series.length < improvingSteps + 1) return null;
  const tail = series.slice(-(improvingSteps + 1));
  for (let i = 1; i < tail.length; i++) {
    if (!(tail[i] < tail[i - 1] - Math.abs(tail[i - 1]) * improvingFraction)) return null;
  }
  const more = Math.max(20, epochs * 2);
  const what = useVal ? 'validation loss' : 'training loss';
  return {
    // Four digits: the falls are a few percent, which three digits can round away.
    sign: `its ${what} was still falling when the epochs ran out (${tail.map((v) => fmt(v, 4)).join(' → ')} over the last ${improvingSteps + 1} epochs)`,
    advice: `train for more epochs, e.g. ${more} instead of ${epochs}${useVal ? ' (with early stopping on, training ends by itself once the validation loss stops falling)' : ''}`,
    change: { path: 'epochs', value: more },
  };
}

/** The verdict on a finished run: learned, or why not and what to change. */
export function checkLearning(input: LearningInput): LearningCheck {
  const { signs, trend, classes } = signsOf(input);
  if (signs.length === 0) return { learned: true, signs: [], cause: null, advice: null, stillImproving: stillImproving(input.history, input.config.epochs) };
  const { cause, advice, change } = diagnose(input, trend, classes);
  return { learned: false, signs, cause, advice, change: change ?? null };
}

/** One line: "did not learn: SIGN; likely cause: CAUSE; try: ADVICE". */
export function learningSentence(check: LearningCheck): string {
  if (check.learned) return 'learned';
  return `did not learn: ${check.signs.join('; ')}. Likely cause: ${check.cause}. Try this: ${check.advice}.`;
}
