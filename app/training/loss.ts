// Chooses the loss and metrics from the task and the output layer (overridable), and says why in
// plain words for the UI; also says what form the targets must take for that loss.
import type { Graph, LayerNode } from '../graph/types.ts';
import type { LossName } from './config.ts';

export type MetricName = 'accuracy' | 'mse' | 'mae';
export type Task = 'classification' | 'regression' | 'reconstruction';

/** What the loss needs from the last layer of the graph. */
export interface OutputLayerInfo {
  /** Activation applied last: `softmax`, `sigmoid`, `linear`, ... (null when unknown). */
  activation: string | null;
  /** Width of the output (last dimension); null when unknown. */
  units: number | null;
}

/**
 * How labels must be fed to the loss: class indices (`[2]`), one-hot rows (`[0,0,1]`), a single 0/1
 * value, or plain numbers (regression).
 */
export type TargetFormat = 'class-index' | 'one-hot' | 'binary' | 'values';

export interface LossChoiceInput {
  task: Task;
  output: OutputLayerInfo;
  /** Number of classes in the target (classification). */
  numClasses?: number;
  /** How the data delivers labels; class indices unless said otherwise. */
  labels?: 'class-index' | 'one-hot';
  /** `auto` (or absent) chooses; a name overrides. */
  loss?: LossName | 'auto';
  /** Explicit metrics; empty or absent chooses. */
  metrics?: readonly MetricName[];
}

export interface LossChoice {
  loss: LossName;
  metrics: MetricName[];
  targetFormat: TargetFormat;
  /** True when the loss was chosen here rather than set by the user. */
  auto: boolean;
  /** One or two sentences for the UI: which loss and why. */
  explanation: string;
  /** Mismatches the user should fix (they do not stop training). */
  warnings: string[];
}

/** What each loss measures, in plain words (shown beside the loss picker). */
export const lossDescriptions: Record<LossName, string> = {
  categoricalCrossentropy:
    'Categorical crossentropy: how surprised the model is by the true class, for one-hot labels and a softmax output.',
  sparseCategoricalCrossentropy:
    'Sparse categorical crossentropy: the same as categorical crossentropy, but takes the class number directly instead of a one-hot row.',
  binaryCrossentropy:
    'Binary crossentropy: how surprised the model is by a yes/no answer, for a sigmoid output giving the probability of "yes".',
  meanSquaredError:
    'Mean squared error: the average squared distance between prediction and truth; punishes large misses hard.',
  meanAbsoluteError:
    'Mean absolute error: the average distance between prediction and truth; less swayed by outliers.',
  huber:
    'Huber: squared error for small misses and absolute error for large ones, so outliers pull less than with mean squared error.',
};

const regressionLosses: ReadonlySet<LossName> = new Set(['meanSquaredError', 'meanAbsoluteError', 'huber']);

/** The metrics a run records when the project names none: accuracy for a classifier, the mean absolute error otherwise. */
export function defaultMetrics(task: Task): MetricName[] {
  return task === 'classification' ? ['accuracy'] : ['mae'];
}

/** The loss, metrics and target format for a run. Pure: the same input always gives the same choice. */
export function chooseLoss(input: LossChoiceInput): LossChoice {
  const { task, output } = input;
  const activation = output.activation ?? null;
  const units = output.units ?? null;
  const warnings: string[] = [];
  const override = input.loss && input.loss !== 'auto' ? input.loss : null;

  let loss: LossName;
  let why: string;
  if (override) {
    loss = override;
    why = 'Set by you.';
  } else if (task === 'classification') {
    if (units === 1 || (units === null && activation === 'sigmoid')) {
      loss = 'binaryCrossentropy';
      why = 'The output is a single unit, so the model answers one yes/no question.';
    } else if (activation === 'sigmoid') {
      loss = 'binaryCrossentropy';
      why = 'The output uses sigmoid over several units, so each unit is its own yes/no question.';
    } else if (input.labels === 'one-hot') {
      loss = 'categoricalCrossentropy';
      why = 'The output picks one of several classes and the labels are one-hot rows.';
    } else {
      loss = 'sparseCategoricalCrossentropy';
      why = 'The output picks one of several classes and the labels are class numbers.';
    }
  } else {
    loss = 'meanSquaredError';
    why = task === 'regression' ? 'The target is a number, so the loss measures how far off the prediction is.'
      : 'The model reproduces its input, so the loss measures how far the reconstruction is from it.';
  }

  const targetFormat = targetFormatFor(loss, task, units, input.labels);

  if (task === 'classification') {
    const k = input.numClasses;
    if (loss === 'binaryCrossentropy' && activation !== null && activation !== 'sigmoid') {
      warnings.push(`Binary crossentropy expects a probability, but the output activation is ${activation}: set it to sigmoid.`);
    }
    if ((loss === 'sparseCategoricalCrossentropy' || loss === 'categoricalCrossentropy') && activation !== null && activation !== 'softmax') {
      warnings.push(`${lossTitle(loss)} expects probabilities that sum to 1, but the output activation is ${activation}: set it to softmax.`);
    }
    if (k !== undefined && units !== null) {
      if (targetFormat === 'binary' && k > 2) {
        warnings.push(`The output layer has 1 unit but the target has ${k} classes: give it ${k} units with softmax.`);
      } else if (targetFormat !== 'binary' && units !== k && !(units === 1 && k <= 2)) {
        warnings.push(`The output layer has ${units} units but the target has ${k} classes: give it ${k} units.`);
      }
    }
    if (regressionLosses.has(loss)) {
      warnings.push(`${lossTitle(loss)} is meant for numbers, not classes: crossentropy usually trains a classifier faster.`);
    }
  } else if (!regressionLosses.has(loss)) {
    warnings.push(`${lossTitle(loss)} is meant for classes, but the task is ${task}: use mean squared error, mean absolute error or Huber.`);
  }

  const metrics = input.metrics && input.metrics.length > 0 ? [...input.metrics] : defaultMetrics(task);

  return {
    loss,
    metrics,
    targetFormat,
    auto: !override,
    explanation: `${lossTitle(loss)}. ${why}`,
    warnings,
  };
}

function targetFormatFor(loss: LossName, task: Task, units: number | null, labels: LossChoiceInput['labels']): TargetFormat {
  switch (loss) {
    case 'sparseCategoricalCrossentropy':
      return 'class-index';
    case 'categoricalCrossentropy':
      return 'one-hot';
    case 'binaryCrossentropy':
      return units === null || units === 1 ? 'binary' : 'one-hot';
    default:
      if (task !== 'classification') return 'values';
      if (labels === 'one-hot') return 'one-hot';
      return units === null || units === 1 ? 'binary' : 'one-hot';
  }
}

/** A loss name as a title: `sparseCategoricalCrossentropy` → `Sparse categorical crossentropy`. */
export function lossTitle(loss: LossName): string {
  return lossDescriptions[loss].split(':')[0];
}

/** Layers that pass their input's width through unchanged, so the activation before them still decides. */
const passThroughTypes = new Set(['Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']);

/**
 * The activation and width of a graph's (single) output layer, looking back through activation and
 * dropout layers. Units come from `outputWidth` when the caller knows the inferred shape.
 */
export function outputLayerInfo(graph: Graph, outputWidth?: number | null): OutputLayerInfo {
  const hasOutgoing = new Set(graph.connections.map((c) => c.from));
  const outputs = graph.layers.filter((l) => !hasOutgoing.has(l.id));
  if (outputs.length !== 1) return { activation: null, units: outputWidth ?? null };
  const byId = new Map(graph.layers.map((l) => [l.id, l]));
  const inputOf = (layer: LayerNode) => {
    const c = graph.connections.find((conn) => conn.to === layer.id);
    return c ? byId.get(c.from) : undefined;
  };
  let layer: LayerNode | undefined = outputs[0];
  let activation: string | null = null;
  let units: number | null = outputWidth ?? null;
  for (let hops = 0; layer && hops < graph.layers.length; hops++) {
    if (layer.type === 'Softmax') activation ??= 'softmax';
    else if (layer.type === 'Activation' && typeof layer.params.activation === 'string') activation ??= layer.params.activation;
    else if (!passThroughTypes.has(layer.type)) {
      if (activation === null) activation = typeof layer.params.activation === 'string' ? layer.params.activation : 'linear';
      if (units === null && typeof layer.params.units === 'number') units = layer.params.units;
      break;
    }
    layer = inputOf(layer);
  }
  return { activation, units };
}
