// Training throughput of every built-in template's model (app/templates) on one backend, with each
// template's real input shape, batch size and loss, on random data: the bench beyond the reference MLP
// and CNN (Conv1D, LSTM, embeddings, attention...). One backend and thread count per process (as training
// runs them: several wasm threads as replicas of the model, ./parallelPlan.ts); test/bench/templates.bench.ts
// runs one process per setting.
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { flattenBlocks } from '../../app/graph/blocks.ts';
import { buildTfModel, registerCustomLayers } from '../../app/graph/buildModel.ts';
import type { Graph } from '../../app/graph/types.ts';
import { templates, type ProjectTemplate } from '../../app/templates/index.ts';
import { outputLayerInfo } from '../../app/training/loss.ts';
import { loadBackend, type BackendName, type Tf } from './backends.ts';
import { bareFit, measureThroughputDetailed, type MeasureOptions } from './bench.ts';
import { useStockGradients } from './fastGradients.ts';
import { throwOnWebgpuErrors } from './webgpu.ts';
import { parallelPlan } from './parallelPlan.ts';
import { PROBE_STEPS, startDataParallel, type DataParallel } from './dataParallel.ts';

export type TemplateLoss = 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError';

/** What a benchmark needs to know about a template's model to feed it, here and in PyTorch. */
export interface TemplateBenchSpec {
  id: string;
  /** Input shape without the batch dimension. */
  inputShape: number[];
  /** Token ids below `vocabulary` (embedding inputs), or floats in [0, 1). */
  input: { kind: 'float' } | { kind: 'tokens'; vocabulary: number };
  /** Output shape without the batch dimension. */
  outputShape: number[];
  loss: TemplateLoss;
  batchSize: number;
}

export interface TemplateThroughput {
  template: string;
  backend: BackendName;
  threads?: number;
  /** Several wasm threads, as replicas (as training runs this model): whether they split every batch or left it to one thread (see ThroughputResult). */
  split?: boolean;
  batchSize: number;
  samplesPerSec: number;
  /** Samples per second of process CPU time (all threads): robust to other load on a shared machine. */
  samplesPerCpuSec: number;
  /** The same with tfjs's stock gradients instead of ./fastGradients.ts (with compareStockGradients). */
  stockGradients?: { samplesPerSec: number; samplesPerCpuSec: number };
}

export interface TemplateBenchReport {
  results: TemplateThroughput[];
  /** What was fed to each template's model (for the same models in another framework). */
  specs: TemplateBenchSpec[];
  /** The backend that did not start, or a template that failed on it, with one line on why. */
  skipped: { backend: BackendName; template?: string; reason: string }[];
}

/** Token ids for an embedding input: the smallest vocabulary of the graph's embedding layers. */
function vocabularyOf(graph: Graph): number | null {
  const sizes: number[] = [];
  for (const layer of flattenBlocks(graph).graph.layers) {
    for (const key of ['inputDim', 'vocabularySize']) {
      const v = layer.params[key];
      if (typeof v === 'number') sizes.push(v);
    }
  }
  return sizes.length > 0 ? Math.min(...sizes) : null;
}

/** The loss the template trains with, by its setting or, when automatic, by its output activation. */
function lossOf(template: ProjectTemplate): TemplateLoss {
  const configured = template.training.loss;
  if (configured === 'categoricalCrossentropy' || configured === 'binaryCrossentropy' || configured === 'meanSquaredError') return configured;
  if (configured === 'sparseCategoricalCrossentropy') return 'categoricalCrossentropy';
  if (configured !== undefined && configured !== 'auto') return 'meanSquaredError';
  const out = outputLayerInfo(template.graph);
  if (out.activation === 'softmax') return 'categoricalCrossentropy';
  if (out.activation === 'sigmoid' && out.units === 1) return 'binaryCrossentropy';
  return 'meanSquaredError';
}

/** What the bench feeds a template's model, with the shapes of the model as built. */
function specOf(template: ProjectTemplate, model: LayersModel): TemplateBenchSpec {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error(`template ${template.id} has ${model.inputs.length} inputs and ${model.outputs.length} outputs; the bench feeds one of each`);
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const outputShape = model.outputs[0].shape.slice(1) as number[];
  const vocabulary = vocabularyOf(template.graph);
  const tokens = model.inputs[0].dtype === 'int32' && vocabulary !== null;
  return {
    id: template.id, inputShape, outputShape, loss: lossOf(template), batchSize: template.training.batchSize,
    input: tokens ? { kind: 'tokens', vocabulary } : { kind: 'float' },
  };
}

/** Random inputs and targets for a spec (throughput does not depend on the values). */
export function templateData(tf: Tf, spec: TemplateBenchSpec, samples: number): { x: Tensor; y: Tensor } {
  return tf.tidy(() => {
    const x = spec.input.kind === 'tokens'
      ? tf.randomUniform([samples, ...spec.inputShape], 0, spec.input.vocabulary, 'int32', 1)
      : tf.randomUniform([samples, ...spec.inputShape], 0, 1, 'float32', 1);
    const width = spec.outputShape[spec.outputShape.length - 1];
    let y: Tensor;
    if (spec.loss === 'categoricalCrossentropy') y = tf.oneHot(tf.randomUniform([samples], 0, width, 'int32', 2) as never, width).toFloat();
    else if (spec.loss === 'binaryCrossentropy') y = tf.randomUniform([samples, ...spec.outputShape], 0, 2, 'int32', 2).toFloat();
    else y = tf.randomUniform([samples, ...spec.outputShape], 0, 1, 'float32', 2);
    return { x, y };
  });
}

export interface TemplateBenchOptions {
  backend: BackendName;
  threads?: number;
  /** Template ids (default: every template). */
  templates?: string[];
  measure?: MeasureOptions;
  /** A template whose first (warm-up) batch takes longer is skipped as too slow on this backend (default 8000 ms). */
  maxFirstBatchMs?: number;
  /** Also measure each model with tfjs's stock gradients (before ./fastGradients.ts), to show what the replacements buy. */
  compareStockGradients?: boolean;
  /** Batches in the random data pool (default 16). */
  poolBatches?: number;
  onProgress?: (message: string) => void;
}

/** Measures bare `model.fit` throughput (Adam, the template's batch size and loss) of each template on one backend. */
export async function runTemplateBench(options: TemplateBenchOptions): Promise<TemplateBenchReport> {
  const report: TemplateBenchReport = { results: [], specs: [], skipped: [] };
  const { backend } = options;
  let tf: Tf;
  let threads: number | undefined;
  try {
    // The threaded build only for a model with BatchNormalization, which no template has: replicas otherwise.
    ({ tf, threads } = await loadBackend(backend, { threads: 1 }));
    if (backend === 'wasm') threads = Math.max(1, options.threads ?? 1);
  } catch (err) {
    report.skipped.push({ backend, reason: (err as Error).message });
    return report;
  }
  registerCustomLayers(tf);
  const chosen = options.templates ? templates.filter((t) => options.templates!.includes(t.id)) : templates;
  for (const template of chosen) {
    options.onProgress?.(`${template.id} on ${backend}${threads ? ` (${threads} thread${threads > 1 ? 's' : ''})` : ''}`);
    let model: LayersModel | null = null;
    let data: { x: Tensor; y: Tensor } | null = null;
    let parallel: DataParallel | null = null;
    try {
      model = buildTfModel(template.graph, tf);
      const spec = specOf(template, model);
      report.specs.push(spec);
      model.compile({ optimizer: tf.train.adam(), loss: spec.loss });
      const source = { kind: 'graph' as const, graph: template.graph };
      const plan = parallelPlan(source, threads ?? 1);
      if (plan.parallelism === 'threaded-build') throw new Error('uses BatchNormalization: several threads would run on the threaded build, which this bench does not start');
      if (backend === 'wasm' && plan.replicas > 1) parallel = await startDataParallel(tf, model, { model: source, loss: spec.loss, metrics: [] }, plan.replicas);
      data = templateData(tf, spec, (options.poolBatches ?? 16) * spec.batchSize);
      const fit = bareFit(tf, model, data.x, data.y, spec.batchSize);
      const t0 = performance.now();
      await fit(1);
      const firstMs = performance.now() - t0;
      const budget = options.maxFirstBatchMs ?? 8000;
      if (firstMs > budget) {
        report.skipped.push({ backend, template: template.id, reason: `too slow to measure here: the first batch took ${(firstMs / 1000).toFixed(1)} s (budget ${(budget / 1000).toFixed(0)} s)` });
        continue;
      }
      // Training times its first steps whole and split to choose; measured after that choice.
      if (parallel) await fit(PROBE_STEPS);
      const measured: TemplateThroughput = { template: template.id, backend, ...(threads ? { threads } : {}), ...(parallel?.splitting != null ? { split: parallel.splitting } : {}), batchSize: spec.batchSize, ...await measureThroughputDetailed(fit, spec.batchSize, options.measure) };
      if (options.compareStockGradients) {
        useStockGradients(tf, true);
        try {
          // A fresh model: the optimizer's state and tfjs's traced gradient functions start over.
          const stockModel = buildTfModel(template.graph, tf);
          try {
            stockModel.compile({ optimizer: tf.train.adam(), loss: spec.loss });
            measured.stockGradients = await measureThroughputDetailed(bareFit(tf, stockModel, data.x, data.y, spec.batchSize), spec.batchSize, options.measure);
          } finally {
            stockModel.dispose();
          }
        } finally {
          useStockGradients(tf, false);
        }
      }
      // Fast, stock, fast again, the two fast figures averaged: a small model trains faster the longer its
      // process has run (tabular-classifier, per CPU-second, one process, measured in turn: fast 15,437 →
      // stock 21,235 → fast 27,699 → stock 33,199 → fast 32,345), so fast-then-stock alone made the small
      // MLPs look slower with the fast gradients, though they use none of the replaced kernels. Replicas get
      // a third window too (the first and third averaged), so that every core and one thread are measured
      // alike; their figures still move ±25% between processes for the small MLPs (docs/engine.md).
      if (options.compareStockGradients || parallel) {
        // Replicas: a window in place of the stock one, so that the second window comes as late as one thread's.
        if (!options.compareStockGradients) await measureThroughputDetailed(fit, spec.batchSize, options.measure);
        const again = await measureThroughputDetailed(fit, spec.batchSize, options.measure);
        measured.samplesPerSec = (measured.samplesPerSec + again.samplesPerSec) / 2;
        measured.samplesPerCpuSec = (measured.samplesPerCpuSec + again.samplesPerCpuSec) / 2;
      }
      // WebGPU does not throw for a kernel whose shader is invalid: its output is just wrong. Not a result then.
      if (backend === 'webgpu') throwOnWebgpuErrors();
      report.results.push(measured);
    } catch (err) {
      report.skipped.push({ backend, template: template.id, reason: (err as Error).message.split('\n')[0] });
    } finally {
      await parallel?.stop();
      model?.dispose();
      if (data) tf.dispose([data.x, data.y]);
    }
  }
  return report;
}
