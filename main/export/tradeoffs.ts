// The trade-off view of one trained run (issue 15, docs/compression.md): the original model, its float16
// and uint8 quantizations (as the export writes them), its pruned children and the ensembles it is a
// member of, each measured on the same test rows (the run's test split, recreated as the export's
// verification does): the headline test metric, the size of model.json + weights raw and gzipped, and
// the median time to predict one sample.
import type * as tfTypes from '@tensorflow/tfjs';
import { median, type TradeoffReport, type TradeoffRow } from '../../app/training/tradeoffs.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { childRuns, ensemblesContaining } from '../store/lineage.ts';
import type { Tf } from '../engine/backends.ts';
import { modelFolderSize, sizeOfFiles } from '../model/modelSize.ts';
import { artifactsOf, readModelFolder } from '../model/modelFolder.ts';
import { headlineMetric, loadFromArtifacts, openRunModel, plain, predict, type Probe, type RunModelOptions } from './runModel.ts';
import { quantizeWeights, type Quantization } from './quantize.ts';

type LayersModel = tfTypes.LayersModel;

export interface TradeoffOptions extends RunModelOptions {
  /** Repetitions of the latency measurement (median taken); default 5. */
  repetitions?: number;
  /** Single-sample predictions per repetition; default 16. */
  latencySamples?: number;
}

/**
 * Milliseconds to predict one sample (a batch of 1, read back) with each model: the median over
 * `repetitions` of the mean over `count` test rows. The models take turns within every repetition, after
 * one repetition's worth of warm-up each (the first calls build kernels), so a machine that gets busier or
 * quieter while measuring moves every model alike instead of favouring the last one measured.
 */
export async function latenciesPerSample(tf: Tf, models: readonly LayersModel[], probe: Probe, featureShape: number[], repetitions: number, count: number): Promise<(number | null)[]> {
  if (probe.n === 0 || repetitions === 0 || count === 0) return models.map(() => null);
  const width = featureShape.reduce((a, b) => a * b, 1);
  const once = async (model: LayersModel, i: number) => {
    const row = i % probe.n;
    const out = tf.tidy(() => model.predict(tf.tensor(probe.x.subarray(row * width, (row + 1) * width), [1, ...featureShape])) as tfTypes.Tensor);
    try {
      await out.data();
    } finally {
      out.dispose();
    }
  };
  for (const model of models) for (let i = 0; i < count; i++) await once(model, i);
  const times = models.map((): number[] => []);
  for (let r = 0; r < repetitions; r++) {
    // Each repetition starts with another model, so no model is always the first (or last) of its round.
    for (let k = 0; k < models.length; k++) {
      const m = (r + k) % models.length;
      const model = models[m];
      const start = performance.now();
      for (let i = 0; i < count; i++) await once(model, r * count + i);
      times[m].push((performance.now() - start) / count);
    }
  }
  return times.map(median);
}

const percent = (f: number) => `${Number((f * 100).toFixed(1))}%`;

/** The model.json of a quantized export (its manifest naming the quantized weights), as bytes. */
function quantizedModelJson(json: unknown, specs: unknown[]): Uint8Array {
  const text = JSON.stringify({ ...(json as object), weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs }] });
  return new TextEncoder().encode(text);
}

/** Computes the trade-off report of run `runId` and its variants; a variant that cannot be measured keeps its row with a note. */
export async function computeTradeoffs(options: TradeoffOptions): Promise<TradeoffReport> {
  const repetitions = options.repetitions ?? 5;
  const count = options.latencySamples ?? 16;
  const rm = await openRunModel(options);
  const { tf, probe, metadata, run, contents } = rm;
  const featureShape = metadata.featureShape;
  const notes = [...rm.notes];
  const rows: TradeoffRow[] = [];
  // Models kept until every row's latency is measured (rows without one: null).
  const models: (LayersModel | null)[] = [];
  const metricOf = (outputs: Float32Array) => headlineMetric(metadata, probe, outputs)?.value ?? null;
  try {
    const size = await modelFolderSize(rm.modelDir);
    rows.push({
      runId: run.id, runName: run.name, variant: 'original', label: 'original (float32)', quantization: 'none', sparsity: null,
      metric: metricOf(rm.studioOutputs), sizeRaw: size.raw, sizeGzip: size.gzip, latencyMs: null, note: null,
    });
    models.push(rm.studio);
    for (const q of ['float16', 'uint8'] as const satisfies readonly Quantization[]) {
      const written = quantizeWeights({ specs: contents.weightSpecs, data: contents.weightData }, q);
      const model = await loadFromArtifacts(tf, { ...artifactsOf(contents), weightSpecs: written.specs as tfTypes.io.WeightsManifestEntry[], weightData: written.data });
      models.push(model);
      const s = sizeOfFiles([quantizedModelJson(contents.modelJson, written.specs), new Uint8Array(written.data)]);
      rows.push({
        runId: run.id, runName: run.name, variant: 'quantized', label: q, quantization: q, sparsity: null,
        metric: metricOf(await predict(tf, model, probe, featureShape)), sizeRaw: s.raw, sizeGzip: s.gzip, latencyMs: null, note: null,
      });
    }
    const derived = [
      ...childRuns(options.store, run.id, 'prune').map((c) => ({ id: c.runId, variant: 'pruned' as const, sparsity: typeof (c.derivation?.prune as { sparsity?: unknown } | undefined)?.sparsity === 'number' ? (c.derivation!.prune as { sparsity: number }).sparsity : null })),
      ...ensemblesContaining(options.store, run.id).map((id) => ({ id, variant: 'ensemble' as const, sparsity: null })),
    ];
    for (const d of derived) {
      const { row, model } = await variantRow(options.store, tf, d, probe, featureShape, metricOf);
      rows.push(row);
      models.push(model);
    }
    const measured = models.flatMap((m, i) => (m ? [{ m, i }] : []));
    const latencies = await latenciesPerSample(tf, measured.map((x) => x.m), probe, featureShape, repetitions, count);
    measured.forEach(({ i }, k) => { rows[i].latencyMs = latencies[k]; });
  } finally {
    for (const m of models) m?.dispose();
  }
  // The names headlineMetric gives (runModel.ts), known even when the rows are synthetic and no metric is measured.
  const metricName = metadata.task === 'classification' ? 'accuracy' : metadata.task === 'regression' ? 'mae' : 'mse';
  if (rows.some((r) => r.variant === 'pruned')) {
    notes.push('TF.js computes a pruned kernel\'s zeros like any other weight: pruning shrinks the gzipped size, and no latency gain is to be expected from it (differences between these latencies are within what a busy machine varies by).');
  }
  return {
    runId: run.id, runName: run.name,
    metric: { name: metricName, higherIsBetter: metricName === 'accuracy' },
    samples: probe.n, source: probe.source,
    latency: { samples: count, repetitions, backend: rm.backend },
    rows, notes,
  };
}

/** A pruned child's or an ensemble's row and its loaded model (kept for the latency): its own saved model on the parent's test rows, or its recorded test metric when that model cannot be run here. */
async function variantRow(
  store: ExperimentStore, tf: Tf, d: { id: number; variant: 'pruned' | 'ensemble'; sparsity: number | null }, probe: Probe, featureShape: number[],
  metricOf: (outputs: Float32Array) => number | null,
): Promise<{ row: TradeoffRow; model: LayersModel | null }> {
  const child = store.getRun(d.id);
  const label = d.variant === 'pruned' ? `pruned ${d.sparsity !== null ? percent(d.sparsity) : ''}`.trim() : `ensemble #${d.id}`;
  const base = { runId: d.id, runName: child.name, variant: d.variant, label, quantization: 'none' as const, sparsity: d.sparsity, latencyMs: null };
  const folder = [...child.artifacts].reverse().find((a) => a.kind === 'model');
  if (!folder) return { row: { ...base, metric: null, sizeRaw: 0, sizeGzip: 0, note: `run ${d.id} has no saved model (it is ${child.status})` }, model: null };
  let model: LayersModel | null = null;
  try {
    const contents = await readModelFolder(folder.path);
    const size = await modelFolderSize(folder.path);
    model = await loadFromArtifacts(tf, artifactsOf(contents));
    return { row: { ...base, metric: metricOf(await predict(tf, model, probe, featureShape)), sizeRaw: size.raw, sizeGzip: size.gzip, note: null }, model };
  } catch (err) {
    model?.dispose();
    const recorded = child.test.accuracy ?? child.test.mae ?? null;
    const size = await modelFolderSize(folder.path).catch(() => ({ raw: 0, gzip: 0 }));
    return { row: { ...base, metric: recorded, sizeRaw: size.raw, sizeGzip: size.gzip, note: `its model could not be run on these test rows (${plain(err)}); the metric is the one recorded with run ${d.id}` }, model: null };
  }
}
