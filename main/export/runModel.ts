// What every export of a trained run starts from: the run, its saved model read through the checked
// loader, the inputs to compare on (the run's test split recreated, else seeded random inputs) and the
// studio model's outputs on them; plus the comparisons and metric changes the verifications report.
import { readdir, stat } from 'node:fs/promises';
import type * as tfTypes from '@tensorflow/tfjs';
import { mulberry32 } from '../../app/data/split.ts';
import { canonicalJson } from '../../app/store/diff.ts';
import type { RunDetail } from '../../app/store/types.ts';
import { evaluateClassification, evaluateRegression } from '../../app/training/evaluate.ts';
import { splitSeedOf, type BackendName } from '../../app/training/config.ts';
import { registerCustomLayers } from '../../app/graph/buildModel.ts';
import { loadDataset } from '../data/load.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import type { Tf } from '../engine/backends.ts';
import { loadTf } from '../engine/loadTf.ts';
import { savedMetadataOf, type SavedModelMetadata } from '../model/metadata.ts';
import { artifactsOf, ModelFolderError, readModelFolder, type ModelFolderContents, type ModelFolderLimits } from '../model/modelFolder.ts';

type LayersModel = tfTypes.LayersModel;

/** A failure before verification could run (no such run, no model, unwritable folder); the message is for the user. */
export class ExportError extends Error {
  /** `input`: the request cannot be served (exit 2 in the CLI). */
  kind: 'input';
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
    this.kind = 'input';
  }
}

export interface MetricChange {
  /** `accuracy` (classification), `mae` in the target's units (regression), `mse` (reconstruction). */
  name: string;
  before: number | null;
  after: number | null;
  change: number | null;
}

export interface RunModelOptions {
  store: ExperimentStore;
  runId: number;
  /** TF.js backend for the comparison (default `auto`; the result does not depend on it beyond rounding). */
  backend?: BackendName;
  /** Where built-in datasets live (a packaged app passes its resources path). */
  resourcesDir?: string;
  /** Relative data sources of the run are resolved against this folder (default: the working directory). */
  baseDir?: string;
  limits?: ModelFolderLimits;
}

export interface Probe {
  x: Float32Array;
  /** Class indices or scaled targets (null for synthetic inputs). */
  y: Float32Array | null;
  n: number;
  source: 'test-split' | 'synthetic';
}

export interface RunModel {
  tf: Tf;
  backend: string;
  run: RunDetail;
  modelDir: string;
  contents: ModelFolderContents;
  metadata: SavedModelMetadata;
  studio: LayersModel;
  probe: Probe;
  studioOutputs: Float32Array;
  notes: string[];
}

export function plain(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A run's saved model folder, read through the checked loader, with its Modelwright metadata (not yet loaded into TF.js). */
export interface SavedRunModel {
  run: RunDetail;
  modelDir: string;
  contents: ModelFolderContents;
  metadata: SavedModelMetadata;
}

/** The run and its saved model folder; an ExportError when it has none, or one that cannot be read or carries no metadata. */
export async function openSavedModel(store: ExperimentStore, runId: number, limits?: ModelFolderLimits): Promise<SavedRunModel> {
  const run = store.getRun(runId);
  const artifact = [...run.artifacts].reverse().find((a) => a.kind === 'model');
  if (!artifact) {
    const why = run.status === 'running' || run.status === 'queued' ? 'it is still training' : `it ended as ${run.status} without a saved model`;
    throw new ExportError(`run ${run.id} has no trained model to export: ${why}`);
  }
  let contents: ModelFolderContents;
  try {
    contents = await readModelFolder(artifact.path, limits);
  } catch (err) {
    if (err instanceof ModelFolderError) throw new ExportError(`the saved model of run ${run.id} cannot be read: ${err.message}`);
    throw err;
  }
  const metadata = savedMetadataOf(contents.modelJson.userDefinedMetadata);
  if (!metadata || metadata.format !== 'modelwright-model') {
    throw new ExportError(`the saved model of run ${run.id} (${artifact.path}) carries no Modelwright metadata, so its preprocessing is unknown; train it again with this version`);
  }
  return { run, modelDir: artifact.path, contents, metadata };
}

/** The run, its saved model (through the checked loader), and the inputs to compare on. */
export async function openRunModel(options: RunModelOptions): Promise<RunModel> {
  const { run, modelDir, contents, metadata } = await openSavedModel(options.store, options.runId, options.limits);
  const { tf, backend } = await loadTf(options.backend ?? 'auto');
  registerCustomLayers(tf);
  const studio = await loadFromArtifacts(tf, artifactsOf(contents));
  const notes: string[] = [];
  const probe = await probeInputs(run, metadata, studio, options, notes);
  const studioOutputs = await predict(tf, studio, probe, metadata.featureShape);
  return { tf, backend, run, modelDir, contents, metadata, studio, probe, studioOutputs, notes };
}

export function loadFromArtifacts(tf: Tf, artifacts: tfTypes.io.ModelArtifacts): Promise<LayersModel> {
  return tf.loadLayersModel({ load: async () => artifacts });
}

/** The run's test split, recreated as in training (binding + seed + splits); random inputs when that is impossible. */
async function probeInputs(run: RunDetail, meta: SavedModelMetadata, model: LayersModel, options: Pick<RunModelOptions, 'resourcesDir' | 'baseDir'>, notes: string[]): Promise<Probe> {
  const width = meta.featureShape.reduce((a, b) => a * b, 1);
  let why: string;
  if (!run.datasetBinding) {
    why = 'the run records no dataset';
  } else {
    try {
      const data = await loadDataset(run.datasetBinding, {
        baseDir: options.baseDir,
        resourcesDir: options.resourcesDir,
        validationSplit: run.config.validationSplit,
        testSplit: run.config.testSplit,
        seed: splitSeedOf(run.config),
      });
      if (canonicalJson(data.preprocessor.toJSON()) !== canonicalJson(meta.preprocessor)) {
        notes.push('the data differs from what the model was trained on (its preprocessing no longer fits the same way); the comparison still uses identical inputs for both models');
      }
      const xWidth = data.inputShape.reduce((a, b) => a * b, 1);
      if (xWidth !== width) {
        why = `the data now gives ${xWidth} inputs per row but the model takes ${width}`;
      } else if (data.test.count === 0) {
        why = 'the run has no test split (its test split is 0)';
      } else {
        return { x: data.test.x, y: data.test.y, n: data.test.count, source: 'test-split' };
      }
    } catch (err) {
      why = `its data could not be loaded (${plain(err)})`;
    }
  }
  notes.push(`compared on 256 random inputs instead of the test split: ${why}; the ${meta.task === 'classification' ? 'accuracy' : 'error'} change is not measured`);
  const n = 256;
  const random = mulberry32(run.config.seed ^ 0xe4b0);
  const x = new Float32Array(n * width);
  const p = meta.preprocessor as { kind?: string; text?: { tokenizer: { vocabulary: string[] } } } | null;
  const vocab = p?.kind === 'text' ? p.text?.tokenizer.vocabulary.length ?? 2 : 0;
  const inputDtype = model.inputs[0].dtype;
  for (let i = 0; i < x.length; i++) {
    if (vocab > 0 || inputDtype === 'int32') x[i] = Math.floor(random() * Math.max(vocab, 2));
    else if (p?.kind === 'image') x[i] = random();
    else x[i] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  }
  return { x, y: null, n, source: 'synthetic' };
}

export async function predict(tf: Tf, model: LayersModel, probe: Probe, featureShape: number[]): Promise<Float32Array> {
  const out = tf.tidy(() => model.predict(tf.tensor(probe.x, [probe.n, ...featureShape]), { batchSize: 256 }) as tfTypes.Tensor);
  try {
    return new Float32Array(await out.data());
  } finally {
    out.dispose();
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

export function maxAbs(a: Float32Array): number {
  let max = 0;
  for (const v of a) if (Math.abs(v) > max) max = Math.abs(v);
  return max;
}

/** The headline metric of the outputs on the probe: what the trainer reports for this task. */
export function headlineMetric(meta: SavedModelMetadata, probe: Probe, outputs: Float32Array): { name: string; value: number | null } | null {
  if (!probe.y) return null;
  const n = probe.n;
  if (meta.task === 'classification') {
    const classNames = meta.classNames ?? undefined;
    return { name: 'accuracy', value: evaluateClassification({ probabilities: outputs, width: outputs.length / n, labels: probe.y, classNames, maxPoints: 2 }).accuracy };
  }
  if (meta.task === 'regression') {
    const target = (meta.preprocessor as { target?: { kind: string; center: number; scale: number } } | null)?.target;
    const unscale = target?.kind === 'regression' ? (v: number) => v * target.scale + target.center : (v: number) => v;
    return { name: 'mae', value: evaluateRegression({ predictions: outputs.map(unscale), actual: probe.y.map(unscale), maxPoints: 2 }).mae };
  }
  return { name: 'mse', value: evaluateRegression({ predictions: outputs, actual: probe.x, maxPoints: 2 }).mse };
}

export function metricChange(meta: SavedModelMetadata, probe: Probe, before: Float32Array, after: Float32Array): MetricChange | null {
  const a = headlineMetric(meta, probe, before);
  const b = headlineMetric(meta, probe, after);
  if (!a || !b) return null;
  return { name: a.name, before: a.value, after: b.value, change: a.value !== null && b.value !== null ? b.value - a.value : null };
}

/** The folder's files when it may be exported into: missing (null), empty, or an earlier export (replaced). */
export async function checkOutputDir(dir: string, earlierExport: (dir: string, entries: string[]) => Promise<boolean>): Promise<string[] | null> {
  const info = await stat(dir).catch(() => null);
  if (info && !info.isDirectory()) throw new ExportError(`${dir} is a file; give a folder to export into (-o DIR)`);
  if (!info) return null;
  const entries = await readdir(dir);
  if (entries.length === 0) return entries;
  if (!(await earlierExport(dir, entries))) throw new ExportError(`${dir} is not empty and does not hold an earlier Modelwright export; choose a new or empty folder`);
  return entries;
}

/** Records a written export with its run (kind `export`, or `export-failed`); a failure to record becomes a warning. */
export function recordExport(store: ExperimentStore, runId: number, dir: string, passed: boolean, files: readonly { sizeBytes: number }[], warnings: string[]): number | null {
  try {
    return store.addArtifact(runId, { kind: passed ? 'export' : 'export-failed', path: dir, sizeBytes: files.reduce((n, f) => n + f.sizeBytes, 0), owned: false });
  } catch (err) {
    warnings.push(`the export was not recorded in the history: ${plain(err)}`);
    return null;
  }
}
