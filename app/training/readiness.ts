// "Ready to train": one check of a graph against its bound data and training settings, shared by the
// canvas, the Data and Training panels, the API and the trainer, so none of them calls a model ready that
// another refuses. Every problem names its layer and, where one exists, carries one-click fixes.
import { analyzeGraph } from '../graph/analyze.ts';
import { getLayerDef, resolveParams } from '../graph/catalog.ts';
import type { Graph, GraphAnalysis, GraphError, LayerNode, Shape } from '../graph/types.ts';
import type { LossName } from './config.ts';
import { adviceForData, wordNumbersAdvice, type DataKind } from './dataAdvice.ts';
import { lossTitle } from './loss.ts';
import { flattenBlocks, hasBlocks } from '../graph/blocks.ts';
import { applyFix, type FixAction, type FixTarget, type ModelFix } from './modelFixes.ts';
import { trainingBlockers } from './trainability.ts';
import { capitalize } from '../format.ts';

export type { DataKind } from './dataAdvice.ts';
export type { FixAction, ModelFix, NewLayer } from './modelFixes.ts';

/** What the check needs to know about the bound data (a prepared dataset and an inspection both say it). */
export interface BoundData {
  task: 'classification' | 'regression' | 'reconstruction';
  /** One sample's shape, e.g. [4] for a table of 4 encoded columns, [28, 28, 1] for small grey images. */
  inputShape: number[];
  /** Classes (classification), 1 (regression), or the values to reproduce (reconstruction). */
  outputUnits: number;
  classes?: readonly string[] | null;
  kind?: DataKind;
  /** Words known to the tokenizer (text data): the size an Embedding needs. */
  vocabSize?: number;
}

export type ProblemCode =
  | 'graph' | 'inputs' | 'outputs' | 'not-trainable' | 'input-shape' | 'output-shape' | 'output' | 'loss' | 'layer-for-data';

export interface ReadinessProblem {
  code: ProblemCode;
  /** `error`: the trainer refuses (or would train a useless model); `warning`: it trains, maybe badly. */
  severity: 'error' | 'warning';
  layerId?: string;
  layerName?: string;
  /** What is wrong, in plain words, naming the layer. */
  message: string;
  /** What to do, in words (the trainer's advice when it refuses). */
  advice?: string;
  /** One-click fixes, the recommended one first; each leaves a model this check accepts for this problem. */
  fixes: ModelFix[];
}

export interface Readiness {
  /** No problem of severity `error`. */
  ready: boolean;
  /** False when no data was given: only the graph itself was checked. */
  dataChecked: boolean;
  problems: ReadinessProblem[];
}

export interface ReadinessSettings {
  loss?: LossName | 'auto';
}

const q = (l: LayerNode) => `"${l.name}"`;
const listNames = (ls: LayerNode[]) => ls.map(q).join(ls.length === 2 ? ' and ' : ', ');
const fmt = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? '?' : d)).join(', ')}]`;

const joinWords = (parts: string[]) => (parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`);

function problemAt(layer: LayerNode | undefined, p: Omit<ReadinessProblem, 'layerId' | 'layerName'>): ReadinessProblem {
  return layer ? { ...p, layerId: layer.id, layerName: layer.name } : p;
}

/** Layers that pass their input through unchanged in width, so the activation before them still decides. */
const passThrough = new Set(['Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']);

function ancestors(graph: Graph, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop() as string;
    for (const c of graph.connections) if (c.to === cur && !seen.has(c.from)) { seen.add(c.from); stack.push(c.from); }
  }
  return seen;
}

function graphProblem(graph: Graph, analysis: GraphAnalysis, e: GraphError, data: BoundData | null): ReadinessProblem {
  const layer = graph.layers.find((l) => l.id === e.layerId);
  const better = adviceForData(graph, analysis, e, data);
  if (better) return problemAt(layer, { code: 'graph', severity: 'error', ...better });
  const fixes: ModelFix[] = e.kind === 'disconnected' && layer
    ? [{ label: `Remove ${q(layer)}`, actions: [{ kind: 'remove-layers', layerIds: [layer.id] }] }]
    : [];
  return problemAt(layer, { code: 'graph', severity: 'error', message: e.message, advice: e.fix, fixes });
}

/**
 * The output the user means: one that fits the data, else the oldest (document order). A layer added
 * later beside the chain is the usual loose end, whether its branch is shorter or longer.
 */
function mainOutput(outputs: LayerNode[], fitsData: (l: LayerNode) => boolean): LayerNode {
  return outputs.find(fitsData) ?? outputs[0];
}

function endProblems(graph: Graph, analysis: GraphAnalysis, data: BoundData | null): ReadinessProblem[] {
  const byId = new Map(graph.layers.map((l) => [l.id, l]));
  const problems: ReadinessProblem[] = [];
  const inputs = analysis.inputs.map((id) => byId.get(id)!);
  if (inputs.length > 1) {
    problems.push(problemAt(inputs[1], {
      code: 'inputs', severity: 'error',
      message: `The model has ${inputs.length} Input layers (${listNames(inputs)}); training feeds one table, text or image set into one Input`,
      advice: 'keep one Input layer and delete the others',
      fixes: [],
    }));
  }
  const outputs = analysis.outputs.map((id) => byId.get(id)!);
  if (outputs.length <= 1) return problems;
  const fits = (l: LayerNode) => {
    const shape = analysis.layers[l.id]?.outputShape;
    if (data === null || data.task === 'reconstruction' || shape?.length !== 1) return false;
    return shape[0] === data.outputUnits || (data.task === 'classification' && data.outputUnits === 2 && shape[0] === 1);
  };
  const main = mainOutput(outputs, fits);
  const mainSide = ancestors(graph, main.id);
  mainSide.add(main.id);
  for (const loose of outputs.filter((l) => l !== main)) {
    const branch = [...ancestors(graph, loose.id)].filter((id) => !mainSide.has(id) && byId.get(id)?.type !== 'Input');
    const remove = [loose.id, ...branch];
    const fixes: ModelFix[] = [];
    // The usual slip: a layer added beside the chain instead of into it. Connecting it in puts it between
    // the layer that feeds it and the next layer of the chain.
    const into = graph.connections.filter((c) => c.to === loose.id);
    if (into.length === 1 && getLayerDef(loose.type)?.maxInputs === 1) {
      const from = into[0].from;
      const next = graph.connections.filter((c) => c.from === from && c.to !== loose.id && mainSide.has(c.to));
      if (next.length === 1) {
        const target = byId.get(next[0].to)!;
        fixes.push({
          label: `Connect ${q(loose)} into the chain, before ${q(target)}`,
          actions: [{ kind: 'rewire', remove: [next[0]], add: [{ from: loose.id, to: target.id, toSlot: next[0].toSlot }] }],
        });
      }
    }
    fixes.push({
      label: remove.length === 1 ? `Remove ${q(loose)}` : `Remove ${listNames(remove.map((id) => byId.get(id)!))}`,
      actions: [{ kind: 'remove-layers', layerIds: remove }],
    });
    problems.push(problemAt(loose, {
      code: 'outputs', severity: 'error',
      message: `${loose.type} ${q(loose)} is a loose end: nothing reads its output, so the model has ${outputs.length} outputs (${listNames(outputs)}) and training needs exactly one (${q(main)})`,
      advice: `connect ${q(loose)} into the chain, or remove it`,
      fixes,
    }));
  }
  return problems;
}

/** The layer that decides the output's width and activation, looking back through Activation and Dropout layers. */
export function outputDecider(graph: Graph, output: LayerNode): { decider: LayerNode; activationLayer: LayerNode; activation: string } {
  let layer: LayerNode | undefined = output;
  let activationLayer: LayerNode | null = null;
  let activation: string | null = null;
  for (let hops = 0; layer && hops <= graph.layers.length; hops++) {
    const p = resolveParams(layer);
    if (layer.type === 'Activation') { activationLayer ??= layer; activation ??= String(p.activation); }
    else if (!passThrough.has(layer.type)) {
      const own = typeof p.activation === 'string' ? p.activation : 'linear';
      return { decider: layer, activationLayer: activationLayer ?? layer, activation: activation ?? own };
    }
    const feed = graph.connections.find((c) => c.to === layer!.id && c.toSlot === 0);
    layer = feed ? graph.layers.find((l) => l.id === feed.from) : undefined;
  }
  return { decider: output, activationLayer: activationLayer ?? output, activation: activation ?? 'linear' };
}

const regressionLosses: readonly LossName[] = ['meanSquaredError', 'meanAbsoluteError', 'huber'];

/** Losses that fit an output of `units` with `activation` for the task. */
function lossFits(loss: LossName, task: BoundData['task'], units: number, activation: string): boolean {
  if (task !== 'classification') return regressionLosses.includes(loss);
  if (units === 1 || activation === 'sigmoid') return loss === 'binaryCrossentropy';
  return loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy';
}

function hasParam(layer: LayerNode, name: string): boolean {
  return getLayerDef(layer.type)?.params.some((p) => p.name === name) ?? false;
}

/** The first Dense layer that is given more than a flat row (an image or a sequence): Flatten belongs before it. */
function denseOnGrid(graph: Graph, analysis: GraphAnalysis): LayerNode | undefined {
  const byId = new Map(graph.layers.map((l) => [l.id, l]));
  return analysis.order.map((id) => byId.get(id)!).find((l) => l.type === 'Dense' && (analysis.layers[l.id]?.inputShapes[0]?.length ?? 1) > 1);
}

function outputShapeProblem(graph: Graph, analysis: GraphAnalysis, output: LayerNode, outShape: Shape, data: BoundData): ReadinessProblem {
  const need = data.task === 'classification' ? `one score per class (${data.outputUnits} values)` : 'one number';
  const dense = denseOnGrid(graph, analysis);
  const what = data.kind === 'image' ? 'image' : 'sequence';
  if (dense) {
    return problemAt(dense, {
      code: 'output-shape', severity: 'error',
      message: `Dense ${q(dense)} gets ${what === 'image' ? 'an image' : 'a sequence'} ${fmt(analysis.layers[dense.id].inputShapes[0])} and works on each ${what === 'image' ? 'pixel' : 'step'} separately, so the model ends with ${fmt(outShape)} instead of ${need} per sample`,
      advice: `add a Flatten layer before ${q(dense)}`,
      fixes: [{ label: `Add a Flatten layer before ${q(dense)}`, actions: [{ kind: 'insert-before', layerId: dense.id, slot: 0, layers: [{ type: 'Flatten', params: {} }] }] }],
    });
  }
  const end = data.task === 'classification'
    ? outputLayerSpec(data)
    : { type: 'Dense', params: { units: 1, activation: 'linear' } };
  return problemAt(output, {
    code: 'output-shape', severity: 'error',
    message: `${output.type} ${q(output)} gives ${fmt(outShape)} per sample, but the model must end with ${need}`,
    advice: `add a Flatten layer and a Dense layer with ${end.params.units} unit${end.params.units === 1 ? '' : 's'} after ${q(output)}`,
    fixes: [{ label: `Add Flatten and Dense (${end.params.units}, ${end.params.activation}) after ${q(output)}`, actions: [{ kind: 'insert-after', layerId: output.id, layers: [{ type: 'Flatten', params: {} }, end] }] }],
  });
}

export function outputLayerSpec(data: BoundData): { type: string; params: { units: number; activation: string } } {
  if (data.task === 'regression') return { type: 'Dense', params: { units: 1, activation: 'linear' } };
  if (data.task === 'reconstruction') return { type: 'Dense', params: { units: data.outputUnits, activation: 'linear' } };
  return { type: 'Dense', params: { units: data.outputUnits, activation: 'softmax' } };
}

/** Units, activation and loss of the output against the task: one problem with one fix that sets them together. */
function outputProblems(graph: Graph, output: LayerNode, outShape: Shape, data: BoundData, loss: LossName | 'auto'): ReadinessProblem[] {
  const { decider, activationLayer, activation } = outputDecider(graph, output);
  const units = outShape[outShape.length - 1];
  const k = data.outputUnits;
  const wrong: string[] = [];
  const actions: FixAction[] = [];
  const labels: string[] = [];
  let wantUnits = units ?? k;
  let wantActivation = activation;
  if (data.task === 'classification') {
    const binaryUnit = units === 1 && k === 2;
    if (units !== k && !binaryUnit) {
      wantUnits = k;
      wrong.push(`gives ${units} value${units === 1 ? '' : 's'} but the data has ${k} classes${data.classes ? ` (${data.classes.slice(0, 6).join(', ')}${data.classes.length > 6 ? ', …' : ''})` : ''}`);
    }
    const okActivation = wantUnits === 1 ? ['sigmoid'] : ['softmax', 'sigmoid'];
    if (!okActivation.includes(activation) || (wantUnits !== units && activation === 'sigmoid' && wantUnits > 1)) {
      wantActivation = wantUnits === 1 ? 'sigmoid' : 'softmax';
      if (activation !== wantActivation) {
        wrong.push(activation === 'linear'
          ? `gives raw scores (linear activation), not class probabilities: trained like that it stays near chance`
          : `uses ${activation}, which does not give class probabilities`);
      }
    }
  } else if (data.task === 'regression') {
    if (units !== 1) { wantUnits = 1; wrong.push(`gives ${units} values but the target is one number`); }
    if (activation !== 'linear') {
      wantActivation = 'linear';
      wrong.push(`uses ${activation}, which limits its values, but the (standardized) target can be any number`);
    }
  } else {
    const size = outShape.reduce<number>((a, d) => a * (d ?? 1), 1);
    if (size !== k) {
      if (outShape.length !== 1) {
        return [problemAt(output, { code: 'output-shape', severity: 'error', message: `${output.type} ${q(output)} gives ${fmt(outShape)} (${size} values) per sample, but the model should reproduce the ${k} values of its input`, advice: `end the model with a Dense layer of ${k} units`, fixes: [] })];
      }
      wantUnits = k;
      wrong.push(`gives ${size} values but the model should reproduce the ${k} values of its input`);
    }
  }
  // The activation the model ends with after the fix (a new Dense layer brings its own).
  const finalActivation = wantActivation;
  if (wantUnits !== units && !hasParam(decider, 'units')) {
    // Nothing to set units on (the model ends in a Flatten, say): a Dense layer of the right size goes after it.
    actions.push({ kind: 'insert-after', layerId: output.id, layers: [{ type: 'Dense', params: { units: wantUnits, activation: wantActivation } }] });
    labels.push(`add a Dense layer with ${wantUnits} units (${wantActivation}) after it`);
  } else {
    if (wantUnits !== units) {
      actions.push({ kind: 'set-params', layerId: decider.id, params: { units: wantUnits } });
      labels.push(`set units to ${wantUnits}`);
    }
    if (wantActivation !== activation) {
      actions.push(hasParam(activationLayer, 'activation')
        ? { kind: 'set-params', layerId: activationLayer.id, params: { activation: wantActivation } }
        : { kind: 'insert-after', layerId: output.id, layers: [{ type: 'Activation', params: { activation: wantActivation } }] });
      labels.push(`set activation to ${wantActivation}`);
    }
  }
  const lossWrong = loss !== 'auto' && !lossFits(loss, data.task, wantUnits, finalActivation);
  if (lossWrong) {
    actions.push({ kind: 'set-loss', loss: 'auto' });
    labels.push('choose the loss automatically');
  }
  if (wrong.length === 0 && !lossWrong) return [];
  if (wrong.length === 0) {
    return [{
      code: 'loss', severity: 'error',
      message: `The loss is set to ${lossTitle(loss as LossName)}, which does not fit ${data.task === 'classification' ? `an output of ${wantUnits} ${finalActivation} unit${wantUnits === 1 ? '' : 's'}` : `a ${data.task} task`}`,
      advice: 'set the loss to automatic: it is chosen from the task and the output layer',
      fixes: [{ label: 'Choose the loss automatically', actions }],
    }];
  }
  return [problemAt(decider, {
    code: 'output', severity: 'error',
    message: `The output layer ${q(output)} ${wrong.join('; it ')}`,
    advice: joinWords(labels),
    fixes: [{ label: capitalize(joinWords(labels)), actions }],
  })];
}

function inputProblem(input: LayerNode, shape: Shape, data: BoundData): ReadinessProblem | null {
  const want = data.inputShape;
  if (shape.length === want.length && shape.every((d, i) => d === null || d === want[i])) return null;
  const what = data.kind === 'image' ? `each image is ${want.join('×')} (height × width × channels)`
    : data.kind === 'text' ? `each text is ${want[0]} word numbers long`
    : `each row has ${want[0]} input value${want[0] === 1 ? '' : 's'} after encoding`;
  return problemAt(input, {
    code: 'input-shape', severity: 'error',
    message: `The Input layer ${q(input)} has shape ${fmt(shape)} but ${what}`,
    advice: `set the Input shape to ${fmt(want)}`,
    fixes: [{ label: `Set the Input shape to ${fmt(want)}`, actions: [{ kind: 'set-params', layerId: input.id, params: { shape: [...want] } }] }],
  });
}

/**
 * Problems of a graph, against its data when given (`null`: the graph alone). Pure. A graph with blocks
 * is checked flattened; a problem inside a block is told on the block, without fixes that would edit inside it.
 */
export function checkReadiness(graph: Graph, data: BoundData | null, settings?: ReadinessSettings | null): Readiness {
  if (!hasBlocks(graph)) return checkFlatReadiness(graph, data, settings);
  const { graph: flat, origins } = flattenBlocks(graph);
  const inner = (id: string | undefined) => id !== undefined && origins.has(id);
  const touchesInner = (a: FixAction) => ('layerId' in a && inner(a.layerId)) || ('layerIds' in a && a.layerIds.some(inner))
    || (a.kind === 'rewire' && [...a.remove, ...a.add].some((c) => inner(c.from) || inner(c.to)));
  const r = checkFlatReadiness(flat, data, settings);
  const problems = r.problems.map((p): ReadinessProblem => {
    const fixes = p.fixes.filter((f) => !f.actions.some(touchesInner));
    const origin = p.layerId === undefined ? undefined : origins.get(p.layerId);
    if (!origin) return { ...p, fixes };
    return { ...p, layerId: origin.blockId, layerName: origin.blockName, message: `In block "${origin.blockName}": ${p.message}`, fixes };
  });
  return { ...r, problems };
}

function checkFlatReadiness(graph: Graph, data: BoundData | null, settings?: ReadinessSettings | null): Readiness {
  const analysis = analyzeGraph(graph);
  const problems: ReadinessProblem[] = analysis.errors.map((e) => graphProblem(graph, analysis, e, data));
  problems.push(...endProblems(graph, analysis, data));
  const done = (): Readiness => ({ ready: !problems.some((p) => p.severity === 'error'), dataChecked: data !== null, problems });
  if (problems.length > 0) return done();
  for (const b of trainingBlockers(graph, analysis)) {
    const layer = graph.layers.find((l) => l.id === b.layerId);
    const fixes: ModelFix[] = layer && b.message.includes('dilation')
      ? [{ label: `Set the dilation rate of ${q(layer)} to 1`, actions: [{ kind: 'set-params', layerId: layer.id, params: { dilationRate: 1 } }] }]
      : [];
    problems.push(problemAt(layer, { code: 'not-trainable', severity: 'error', message: b.message, advice: b.fix, fixes }));
  }
  if (!data) return done();
  const input = graph.layers.find((l) => l.id === analysis.inputs[0])!;
  const output = graph.layers.find((l) => l.id === analysis.outputs[0])!;
  const inProblem = inputProblem(input, analysis.layers[input.id].outputShape ?? [], data);
  if (inProblem) problems.push(inProblem);
  const outShape = analysis.layers[output.id].outputShape ?? [];
  if (!inProblem && data.task !== 'reconstruction' && outShape.length !== 1) {
    problems.push(outputShapeProblem(graph, analysis, output, outShape, data));
    return done();
  }
  problems.push(...outputProblems(graph, output, outShape, data, settings?.loss ?? 'auto'));
  if (data.kind === 'text' && !inProblem) {
    const words = wordNumbersAdvice(graph, analysis, data.vocabSize);
    if (words) {
      const { layer, ...advice } = words;
      problems.push(problemAt(layer, { code: 'layer-for-data', severity: 'warning', ...advice }));
    }
  }
  return done();
}

/** The first problem of a readiness result that stops training, in the trainer's words. */
export function firstRefusal(r: Readiness): ReadinessProblem | undefined {
  return r.problems.find((p) => p.severity === 'error');
}

/**
 * "Make the model fit this data": applies the first fix of each problem until the check passes (or
 * nothing more can be fixed), so input shape, units, activation and loss change together in one step.
 */
export function fitModelToData(target: FixTarget, data: BoundData): { target: FixTarget; applied: ModelFix[]; readiness: Readiness } {
  let current = target;
  const applied: ModelFix[] = [];
  for (let round = 0; round < 12; round++) {
    const readiness = checkReadiness(current.graph, data, { loss: current.loss });
    // Errors, and the one warning whose model trains on meaningless values (word numbers read as amounts):
    // a model "made to fit" text data must learn from the words, not merely be accepted.
    const next = readiness.problems.find((p) => (p.severity === 'error' || p.code === 'layer-for-data') && p.fixes.length > 0);
    if (!next) return { target: current, applied, readiness };
    const after = applyFix(current, next.fixes[0]);
    // A fix that changes nothing would be offered again and again: stop, and let the problem show.
    if (JSON.stringify(after) === JSON.stringify(current)) break;
    applied.push(next.fixes[0]);
    current = after;
  }
  return { target: current, applied, readiness: checkReadiness(current.graph, data, { loss: current.loss }) };
}
