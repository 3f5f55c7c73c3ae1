// The project edits `new` and `import` can make before writing the file — the CLI's way to the studio's
// transfer-learning steps (docs/training.md#worked-example-transfer-learning):
//   --data SOURCE [--target COL]   bind the data (an image folder is read at the Input layer's size)
//   --freeze-up-to LAYER           "Freeze everything up to here": LAYER and every layer before it with weights
//   --new-head                     "New head for this data": a fresh output layer sized from the bound data
//   --fit                          "Make the model fit this data": the readiness check's fixes (Input shape, units…)
// Without --fit or --new-head, a model that does not fit the data it is bound to is said so, with the flag to add.
// They use the same pure functions as the studio's commands (app/graph/freeze.ts, app/training/newHead.ts).
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { datasetBindingSchema, type DatasetBinding } from '../../app/data/binding.ts';
import { DataError } from '../../app/data/errors.ts';
import { analyzeGraph } from '../../app/graph/analyze.ts';
import { upstreamWithWeights, withFrozen } from '../../app/graph/freeze.ts';
import { autoLayout } from '../../app/graph/layout.ts';
import type { Graph } from '../../app/graph/types.ts';
import type { ProjectDocument } from '../../app/project/document.ts';
import { makeTrainingConfig } from '../../app/training/config.ts';
import { textReadingOf } from '../../app/training/dataAdvice.ts';
import { newHeadForData } from '../../app/training/newHead.ts';
import { checkReadiness, firstRefusal, fitModelToData, type BoundData } from '../../app/training/readiness.ts';
import { CliError, UsageError } from './command.ts';

/** The flags, as `parseCommandArgs` options; spread into a command's own options. */
export const projectEditOptions = {
  data: { type: 'string' },
  target: { type: 'string' },
  'freeze-up-to': { type: 'string' },
  'new-head': { type: 'boolean' },
  fit: { type: 'boolean' },
} as const;

export interface ProjectEditFlags {
  data?: string;
  target?: string;
  'freeze-up-to'?: string;
  'new-head'?: boolean;
  fit?: boolean;
}

export const projectEditUsage = `  --data SOURCE         bind the project to this data: a CSV/TSV file, an image folder (one
                        subfolder per class; read at the Input layer's size) or builtin:NAME
  --target COL          the column to predict (tables and text), with --data
  --freeze-up-to LAYER  freeze LAYER and every layer before it that has weights ("Freeze everything
                        up to here"): training leaves their weights exactly as they are
  --new-head            replace the output layer by a fresh one sized from the data ("New head for
                        this data": one unit per class with softmax, or one number); needs data
  --fit                 change what keeps the model from training on the data, as the studio's "Make
                        the model fit this data" does (the Input's shape, the output's units and
                        activation, the loss); needs data`;

/** Whether any edit flag was given. */
export function hasProjectEdits(flags: ProjectEditFlags): boolean {
  return flags.data !== undefined || flags.target !== undefined || flags['freeze-up-to'] !== undefined || flags['new-head'] === true || flags.fit === true;
}

/** The Input layer's [height, width, channels] as an image size, or null when it is not an image input. */
function inputImageSize(graph: Graph): DatasetBinding['image'] | null {
  const analysis = analyzeGraph(graph);
  if (analysis.inputs.length !== 1) return null;
  const shape = analysis.layers[analysis.inputs[0]]?.outputShape;
  if (!shape || shape.length !== 3) return null;
  const [height, width, channels] = shape;
  if (typeof height !== 'number' || typeof width !== 'number' || (channels !== 1 && channels !== 3)) return null;
  return { width, height, channels };
}

/** The binding `--data SOURCE [--target COL]` names, for a project with this graph. */
export function bindingForData(source: string, target: string | undefined, graph: Graph): DatasetBinding {
  if (source.trim() === '') throw new UsageError('--data needs a file, a folder or builtin:NAME');
  const resolved = source.startsWith('builtin:') ? source : resolve(source);
  if (!resolved.startsWith('builtin:') && !existsSync(resolved)) throw new CliError(`--data: "${source}" does not exist`, 2);
  const raw: Record<string, unknown> = { source: resolved, ...(target ? { target } : {}) };
  const reading = textReadingOf(graph);
  if (!resolved.startsWith('builtin:') && statSync(resolved).isDirectory()) {
    const image = inputImageSize(graph);
    if (!image) throw new CliError(`--data: "${source}" is a folder of images, but the model's Input is not an image (height, width, channels); give it an image Input first`, 2);
    Object.assign(raw, { kind: 'images', image });
  } else if (!resolved.startsWith('builtin:') && reading) {
    // A model that starts with a word embedding reads the file as sentences and labels (the text column is
    // the one with the longest values), as many words as its Input holds; as a table its free-text column
    // would be ignored.
    Object.assign(raw, { kind: 'text', text: reading });
  }
  const parsed = datasetBindingSchema.safeParse(raw);
  if (!parsed.success) throw new CliError(`--data: ${parsed.error.issues[0].message}`, 2);
  return parsed.data;
}

/** What the data needs, as the trainer will prepare it (classes, shapes); a one-line CLI error when it cannot be read. */
export async function describeBinding(binding: DatasetBinding, flag = '--data'): Promise<BoundData> {
  // Loaded only when data is given, so commands without it start as fast as before.
  const { loadDataset } = await import('../data/load.ts');
  try {
    const d = await loadDataset(binding);
    return { task: d.task, kind: d.kind, inputShape: d.inputShape, outputUnits: d.outputUnits, classes: d.classes, ...(binding.text ? { vocabSize: binding.text.vocabSize } : {}) };
  } catch (err) {
    if (err instanceof DataError) throw new CliError(`${flag}: ${err.message}`, 2);
    throw err;
  }
}

/**
 * The project with the flags' edits, in the order a person makes them in the studio: bind the data,
 * freeze the base, then the new head (always trainable). `said` lists what was done, one line each.
 */
export async function applyProjectEdits(doc: ProjectDocument, flags: ProjectEditFlags): Promise<{ document: ProjectDocument; said: string[] }> {
  if (flags.target !== undefined && flags.data === undefined) throw new UsageError('--target goes with --data');
  const said: string[] = [];
  let graph = doc.graph;
  let dataset = doc.dataset;
  let training = doc.training;

  if (flags.data !== undefined) {
    dataset = bindingForData(flags.data, flags.target, graph);
    said.push(`data: ${dataset.source}${dataset.image ? ` (images read at ${dataset.image.width}×${dataset.image.height}, ${dataset.image.channels === 1 ? 'grayscale' : 'colour'})` : ''}`);
  }

  const freezeAt = flags['freeze-up-to'];
  if (freezeAt !== undefined) {
    const layer = graph.layers.find((l) => l.name === freezeAt);
    if (!layer) throw new UsageError(`--freeze-up-to: there is no layer "${freezeAt}"; the layers are ${graph.layers.map((l) => l.name).join(', ')}`);
    const ids = new Set(upstreamWithWeights(graph, layer.id));
    if (ids.size === 0) throw new UsageError(`--freeze-up-to: neither "${freezeAt}" nor any layer before it has weights, so there is nothing to freeze`);
    graph = { ...graph, layers: graph.layers.map((l) => (ids.has(l.id) ? withFrozen(l, true) : l)) };
    said.push(`frozen: ${graph.layers.filter((l) => ids.has(l.id)).map((l) => l.name).join(', ')}`);
  }

  if (flags['new-head']) {
    if (!dataset) throw new UsageError('--new-head sizes the new output layer from the data: give --data SOURCE');
    const data = await describeBinding(dataset);
    const head = newHeadForData({ graph, loss: training?.loss ?? 'auto' }, data);
    if (typeof head === 'string') throw new CliError(`--new-head: ${head}`, 2);
    graph = head.target.graph;
    training = { ...(training ?? makeTrainingConfig()), loss: head.target.loss };
    said.push(`${head.label}${data.classes ? ` for ${data.classes.join(', ')}` : ''}`);
  }

  const loss = training?.loss ?? 'auto';
  const fixesText = (applied: readonly { label: string }[]) => applied.map((f) => f.label).join('; ');
  if (flags.fit) {
    if (!dataset) throw new UsageError('--fit makes the model fit its data: give --data SOURCE (or a template with its own data)');
    const data = await describeBinding(dataset, flags.data === undefined ? 'the data' : '--data');
    const fitted = fitModelToData({ graph, loss }, data);
    const left = firstRefusal(fitted.readiness);
    if (left) throw new CliError(`--fit: the model still cannot train on this data: ${left.message.replace(/^The /, 'the ')}${left.advice ? `; ${left.advice}` : ''}`, 2);
    if (fitted.applied.length > 0) {
      graph = fitted.target.graph;
      if (fitted.target.loss !== loss) training = { ...(training ?? makeTrainingConfig()), loss: fitted.target.loss };
    }
    said.push(fitted.applied.length > 0 ? `Made the model fit this data: ${fixesText(fitted.applied)}` : 'The model already fits this data.');
  } else if (flags.data !== undefined && dataset && !flags['new-head']) {
    // The studio's card "The model does not fit this data yet", as one line: the first problem and the flag that fixes it.
    const data = await describeBinding(dataset).catch(() => null);
    const refusal = data ? firstRefusal(checkReadiness(graph, data, { loss })) : undefined;
    if (data && refusal) {
      const fitted = fitModelToData({ graph, loss }, data);
      const fix = fitted.applied.length > 0 && !firstRefusal(fitted.readiness) ? ` Add --fit to make it fit (${fixesText(fitted.applied)}).` : '';
      said.push(`The model does not fit this data yet: ${refusal.message.replace(/^The /, 'the ')}.${fix}`);
    }
  }

  if (graph === doc.graph && dataset === doc.dataset && training === doc.training) return { document: doc, said };
  // Layers added or removed: lay the canvas out again, as a new or imported project is laid out.
  const sameLayers = graph.layers.length === doc.graph.layers.length && graph.layers.every((l, i) => l.id === doc.graph.layers[i].id);
  const layout = sameLayers ? doc.layout : { ...doc.layout, positions: autoLayout(graph, { direction: 'TB' }) };
  // The canvas marks layers that carry imported weights by name: a replaced head no longer does.
  const names = new Set(graph.layers.map((l) => l.name));
  const weights = doc.weights ? { ...doc.weights, layers: doc.weights.layers.filter((n) => names.has(n)) } : undefined;
  return { document: { ...doc, graph, layout, dataset, training, ...(weights ? { weights } : {}) }, said };
}
