// One sentence of plain language for every training setting and every metric, shown on hover wherever
// the studio names one (training form, progress, charts, runs table, compare view, evaluation), plus the
// short labels run names are made of ("lr 0.001 · batch 8"). One table, so the words never drift apart.
import { formatNumber, formatPercent } from './format.ts';

export interface SettingExplanation {
  /** What the setting is called in the studio. */
  label: string;
  /** One plain sentence: what it does and when to change it. */
  text: string;
  /** How a run name says the value: `lr 0.001`, `batch 8`, `sgd`. */
  short: (value: unknown) => string;
}

export interface MetricExplanation {
  label: string;
  text: string;
}

const onOff = (on: string, off: string) => (v: unknown) => (v ? on : off);
const named = (prefix: string) => (v: unknown) => `${prefix} ${show(v)}`;

/** A value as a run name shows it: numbers short, lists joined, objects as "custom". */
function show(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length ? value.map(show).join('+') : 'none';
  if (value === null || value === undefined) return 'none';
  return 'custom';
}

/** Every setting of a run's TrainingConfig, by dotted path (app/training/config.ts). */
export const settingExplanations: Readonly<Record<string, SettingExplanation>> = {
  'optimizer.name': {
    label: 'Optimizer', short: show,
    text: 'The method that adjusts the weights after each batch; Adam works well almost everywhere.',
  },
  'optimizer.learningRate': {
    label: 'Learning rate', short: named('lr'),
    text: 'How big each adjustment step is: too high and training jumps around, too low and it crawls (0.001 suits Adam).',
  },
  'optimizer.momentum': {
    label: 'Momentum', short: named('momentum'),
    text: 'SGD only: keeps part of the previous step, which smooths and speeds up training (0.9 is common).',
  },
  'optimizer.nesterov': {
    label: 'Nesterov momentum', short: onOff('nesterov', 'no nesterov'),
    text: 'SGD with momentum only: looks one step ahead before adjusting, which often settles a little faster.',
  },
  loss: {
    label: 'Loss', short: named('loss'),
    text: 'What training minimizes; "automatic" picks the right one from the task and the last layer.',
  },
  metrics: {
    label: 'Metrics', short: named('metrics'),
    text: 'Extra scores reported after every epoch besides the loss; they do not change how the model learns.',
  },
  batchSize: {
    label: 'Batch size', short: named('batch'),
    text: 'How many examples the model looks at before each weight update; 32 is a safe start, larger is faster but needs more memory.',
  },
  epochs: {
    label: 'Epochs', short: (v) => `${show(v)} epoch${v === 1 ? '' : 's'}`,
    text: 'How many times training goes through all the training data.',
  },
  validationSplit: {
    label: 'Validation split', short: (v) => `validation ${typeof v === 'number' ? formatPercent(v, 0) : show(v)}`,
    text: 'Share of the training data held back and scored after every epoch, to see whether the model generalizes.',
  },
  testSplit: {
    label: 'Test split', short: (v) => `test ${typeof v === 'number' ? formatPercent(v, 0) : show(v)}`,
    text: 'Share of all the data never used in training, kept for the final, honest evaluation.',
  },
  shuffle: {
    label: 'Shuffle', short: onOff('shuffled', 'not shuffled'),
    text: 'Mixes the order of the training rows every epoch, so the model does not learn the order of the file.',
  },
  seed: {
    label: 'Random seed', short: named('seed'),
    text: 'Fixes the shuffling and starting weights: the same seed, data and backend give the same run.',
  },
  splitSeed: {
    label: 'Split seed', short: (v) => (v === null || v === undefined ? 'split by seed' : `split seed ${show(v)}`),
    text: 'Picks which rows are held out for validation and testing (by default the random seed does): runs with different seeds but one split seed are tested on the same rows, so they can be fused into an ensemble.',
  },
  'earlyStopping.enabled': {
    label: 'Early stopping', short: onOff('early stopping', 'no early stopping'),
    text: 'Stops training when the validation loss has not improved for a while, and keeps the best weights.',
  },
  'earlyStopping.monitor': {
    label: 'Early stopping watches', short: named('stop on'),
    text: 'The score early stopping watches; the validation loss unless you choose another.',
  },
  'earlyStopping.patience': {
    label: 'Patience (epochs)', short: named('patience'),
    text: 'How many epochs without improvement to wait before stopping.',
  },
  'earlyStopping.minDelta': {
    label: 'Smallest improvement', short: named('min improvement'),
    text: 'A change smaller than this does not count as an improvement for early stopping.',
  },
  'earlyStopping.restoreBestWeights': {
    label: 'Keep the best weights', short: onOff('best weights', 'last weights'),
    text: 'When early stopping ends a run, go back to the weights of its best epoch instead of the last one.',
  },
  'reduceLrOnPlateau.enabled': {
    label: 'Reduce learning rate on plateau', short: onOff('lr drops on plateau', 'no lr drops'),
    text: 'Halves the learning rate when the validation loss stalls, which often squeezes out a little more accuracy.',
  },
  'reduceLrOnPlateau.monitor': {
    label: 'Plateau watches', short: named('plateau on'),
    text: 'The score watched for a plateau; the validation loss unless you choose another.',
  },
  'reduceLrOnPlateau.factor': {
    label: 'Reduction factor', short: named('lr factor'),
    text: 'The learning rate is multiplied by this each time it is reduced.',
  },
  'reduceLrOnPlateau.patience': {
    label: 'Plateau patience (epochs)', short: named('plateau patience'),
    text: 'How many epochs without improvement count as a plateau before the learning rate is reduced.',
  },
  'reduceLrOnPlateau.minLearningRate': {
    label: 'Lowest learning rate', short: named('min lr'),
    text: 'The learning rate is never reduced below this.',
  },
  classWeights: {
    label: 'Class weights', short: (v) => (v === 'auto' ? 'balanced classes' : v === 'none' ? 'equal classes' : 'custom class weights'),
    text: 'With unevenly sized classes, "balanced" makes mistakes on rare classes count more so they are not ignored.',
  },
  backend: {
    label: 'Backend', short: show,
    text: 'Which engine computes the training; automatic times a few training steps of this model on each engine that starts (native TensorFlow, the graphics card through WebGPU, WebAssembly) and keeps the fastest.',
  },
  threads: {
    label: 'Cores', short: (v) => (v === null || v === undefined ? 'default cores' : `${show(v)} core${v === 1 ? '' : 's'}`),
    text: 'How many of the processor\'s cores one run may use: each takes part of every batch (a small model that gains nothing stays on one, and the run says so). Fewer leaves room for other work.',
  },
  'augment.flip': {
    label: 'Flip pictures', short: (v) => (v === 'none' || v === null || v === undefined ? 'no flips' : v === 'both' ? 'flip both ways' : `flip ${show(v)}`),
    text: 'Images only: mirrors each training picture at random (left-right, upside down or both), so the model does not depend on which way things face.',
  },
  'augment.rotation': {
    label: 'Rotate up to (degrees)', short: (v) => (v ? `rotate ±${show(v)}°` : 'no rotation'),
    text: 'Images only: turns each training picture by a random angle up to this many degrees either way.',
  },
  'augment.zoom': {
    label: 'Zoom in or out by up to', short: (v) => (typeof v === 'number' && v > 0 ? `zoom ±${formatPercent(v, 0)}` : 'no zoom'),
    text: 'Images only: zooms each training picture in or out at random by up to this share of its size.',
  },
  'augment.shift': {
    label: 'Shift by up to', short: (v) => (typeof v === 'number' && v > 0 ? `shift ±${formatPercent(v, 0)}` : 'no shift'),
    text: 'Images only: moves each training picture left or right and up or down by up to this share of its width and height.',
  },
  'augment.brightness': {
    label: 'Brightness change up to', short: (v) => (typeof v === 'number' && v > 0 ? `brightness ±${formatPercent(v, 0)}` : 'no brightness change'),
    text: 'Images only: makes each training picture lighter or darker at random by up to this share of full white.',
  },
  'augment.seed': {
    label: 'Augmentation seed', short: (v) => (v === null || v === undefined ? 'augment by seed' : `augment seed ${show(v)}`),
    text: 'Picks the random flips, turns and shifts (by default the random seed does): the same seed gives the same augmented pictures.',
  },
};

/**
 * A run's augmentation in words, as its settings' short labels ("flip horizontal · rotate ±15° · shift ±10%"):
 * only what is on, plus its own seed when it has one; null when nothing changes the pictures.
 */
export function describeAugment(augment: Readonly<Record<string, unknown>> | null | undefined): string | null {
  if (!augment) return null;
  const on = (['flip', 'rotation', 'zoom', 'shift', 'brightness'] as const).filter((k) => (k === 'flip' ? augment.flip !== 'none' && augment.flip !== undefined : Number(augment[k]) > 0));
  if (on.length === 0) return null;
  const parts = on.map((k) => settingExplanations[`augment.${k}`].short(augment[k]));
  if (augment.seed !== undefined && augment.seed !== null) parts.push(settingExplanations['augment.seed'].short(augment.seed));
  return parts.join(' · ');
}

/** The entry of a setting path; explicit class weights (`classWeights.<label>`) belong to `classWeights`. */
export function settingExplanation(path: string): SettingExplanation | null {
  if (Object.hasOwn(settingExplanations, path)) return settingExplanations[path];
  const parent = path.split('.')[0];
  return parent === 'classWeights' ? settingExplanations.classWeights : null;
}

/** The hover sentence for a setting path, or null for a path the table does not know. */
export function explainSetting(path: string): string | null {
  return settingExplanation(path)?.text ?? null;
}

/** The setting's name as the studio shows it; the path itself when unknown. */
export function settingLabel(path: string): string {
  return settingExplanation(path)?.label ?? path;
}

/**
 * Every metric a run reports, by its base name (without `val_`): the epoch metrics (loss, accuracy, mae,
 * mse, the learning rate), the test summary (app: main/trainer/recording.ts `testSummary`) and the
 * evaluation's per-class columns.
 */
export const metricExplanations: Readonly<Record<string, MetricExplanation>> = {
  loss: { label: 'Loss', text: 'The number training tries to make small: how wrong the model is on average (lower is better; compare it only between runs with the same loss).' },
  accuracy: { label: 'Accuracy', text: 'The share of rows whose class the model got right (higher is better).' },
  mae: { label: 'Mean absolute error', text: 'How far the predictions are from the true values on average, in the target\'s units (lower is better).' },
  mse: { label: 'Mean squared error', text: 'The average of the squared prediction errors: large misses count much more than small ones (lower is better).' },
  r2: { label: 'R²', text: 'How much of the spread in the true values the model explains: 1 is perfect, 0 is no better than always guessing the average, below 0 is worse.' },
  auc: { label: 'AUC', text: 'How well the model ranks the right class above the others, from 0.5 (guessing) to 1 (perfect); with more than two classes, the average over each class against the rest.' },
  macroF1: { label: 'Macro F1', text: 'The F1 score of each class averaged with equal weight, so rare classes count as much as common ones (higher is better).' },
  macroPrecision: { label: 'Macro precision', text: 'Precision averaged over the classes with equal weight (higher is better).' },
  macroRecall: { label: 'Macro recall', text: 'Recall averaged over the classes with equal weight (higher is better).' },
  precision: { label: 'Precision', text: 'Of the rows the model put in this class, the share that really belong there.' },
  recall: { label: 'Recall', text: 'Of the rows that really belong to this class, the share the model found.' },
  f1: { label: 'F1', text: 'Precision and recall combined into one score (their harmonic mean): high only when both are high.' },
  support: { label: 'Test rows', text: 'How many test rows really belong to this class.' },
  lr: { label: 'Learning rate', text: 'The step size the optimizer used in that epoch (it falls when "reduce learning rate on plateau" steps in).' },
};

/** Splits `val_accuracy` into its scope and base name. */
function baseOf(name: string): { base: string; validation: boolean } {
  const validation = name.startsWith('val_');
  const base = name.replace(/^(val_|test_|train_)/, '');
  // TF.js reports accuracy as `acc` in some versions.
  return { base: base === 'acc' ? 'accuracy' : base, validation };
}

/** The hover sentence for a metric (`val_` names say it is measured on the validation rows); null when unknown. */
export function explainMetric(name: string): string | null {
  const { base, validation } = baseOf(name);
  const entry = Object.hasOwn(metricExplanations, base) ? metricExplanations[base] : null;
  if (!entry) return null;
  return validation ? `${entry.text} Measured on the validation rows after each epoch.` : entry.text;
}

/** The metric's name in words: `val_accuracy` → "Validation accuracy"; the name itself when unknown. */
export function metricLabel(name: string): string {
  const { base, validation } = baseOf(name);
  const entry = Object.hasOwn(metricExplanations, base) ? metricExplanations[base] : null;
  if (!entry) return name;
  if (!validation) return entry.label;
  // "Validation accuracy", but "Validation AUC" and "Validation R²": acronyms keep their capitals.
  const acronym = entry.label.length > 1 && entry.label[1] !== entry.label[1].toLowerCase();
  return `Validation ${acronym ? entry.label : entry.label.charAt(0).toLowerCase() + entry.label.slice(1)}`;
}
