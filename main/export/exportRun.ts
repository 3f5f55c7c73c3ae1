// Exports a trained run from the history as a TF.js layers model (optionally quantized) with its
// preprocessing, a Keras topology and inference examples, then proves the files reproduce the model.
import { mkdir, readdir, readFile, rm as removePath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { Preprocessor, type Prediction } from '../../app/data/preprocess.ts';
import { mulberry32 } from '../../app/data/split.ts';
import { canonicalJson } from '../../app/store/diff.ts';
import type { RunDetail } from '../../app/store/types.ts';
import type { ModelExportResult } from '../../app/api/types.ts';
import { evaluateClassification, evaluateRegression } from '../../app/training/evaluate.ts';
import type { BackendName } from '../../app/training/config.ts';
import { registerCustomLayers } from '../../app/graph/buildModel.ts';
import { loadDataset } from '../data/load.ts';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { loadTf, type Tf } from '../trainer/runtime.ts';
import type { SavedModelMetadata } from '../trainer/train.ts';
import {
  BROWSER_EXAMPLE, EXAMPLE_INPUT, NODE_EXAMPLE, PREPROCESS_MODULE,
  browserExampleText, nodeExampleText, preprocessModuleText, rawExample, readmeText,
} from './examples.ts';
import { artifactsOf, MODEL_JSON_NAME, ModelFolderError, readModelFolder, readModelJson, type ModelFolderContents, type ModelFolderLimits } from './modelFolder.ts';
import { quantizeWeights, type Quantization } from './quantize.ts';
import packageJson from '../../package.json' with { type: 'json' };

type LayersModel = tfTypes.LayersModel;

export const KERAS_JSON = 'model.keras.json';
export const VERIFICATION_JSON = 'verification.json';
export const README = 'README.md';
const shardPattern = /^group\d+-shard\d+of\d+\.bin$/;

/** Largest prediction difference accepted from the studio model, per quantization (× max(1, largest output)). */
export const defaultTolerances: Readonly<Record<Quantization, number>> = { none: 1e-5, float16: 2e-2, uint8: 1e-1 };
/** The reloaded files against the in-memory model they were written from: these must agree almost exactly. */
const reloadTolerance = 1e-5;

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

export interface ExportRunOptions {
  store: ExperimentStore;
  runId: number;
  outputDir: string;
  quantize?: Quantization;
  /** TF.js backend for the comparison (default `auto`; the result does not depend on it beyond rounding). */
  backend?: BackendName;
  /** Overrides the default tolerance of the chosen quantization. */
  tolerance?: number;
  /** Where built-in datasets live (a packaged app passes its resources path). */
  resourcesDir?: string;
  /** Relative data sources of the run are resolved against this folder (default: the working directory). */
  baseDir?: string;
  /** Bytes per weight file (default 4 MB, as TF.js's converter). */
  shardBytes?: number;
  limits?: ModelFolderLimits;
  /** Record the export (and its verification) as an artifact of the run (default true). */
  record?: boolean;
  /** Called with the quantization's effect, measured before any file is written. */
  onPreview?(preview: ExportPreview): void;
}

export interface MetricChange {
  /** `accuracy` (classification), `mae` in the target's units (regression), `mse` (reconstruction). */
  name: string;
  before: number | null;
  after: number | null;
  change: number | null;
}

export interface ExportPreview {
  quantization: Quantization;
  samples: number;
  source: 'test-split' | 'synthetic';
  /** Largest |output difference| of the quantized model from the studio model, in memory. */
  maxAbsDiff: number;
  metric: MetricChange | null;
}

export interface VerificationResult {
  passed: boolean;
  samples: number;
  /** `synthetic` when the run's data could not be loaded: random inputs, no metric. */
  source: 'test-split' | 'synthetic';
  /** Largest |prediction difference| of the reloaded export from the studio model. */
  maxAbsDiff: number | null;
  /** Largest |difference| of the reloaded export from the in-memory model it was written from. */
  maxAbsDiffFromWritten: number | null;
  tolerance: number;
  metric: MetricChange | null;
  message: string;
  notes: string[];
}

export interface ExportReport {
  runId: number;
  runName: string;
  dir: string;
  format: 'tfjs-layers';
  quantization: Quantization;
  backend: string;
  files: { path: string; sizeBytes: number }[];
  preview: ExportPreview;
  verification: VerificationResult;
  /** Id of the `export` / `export-failed` artifact recorded in the history, or null. */
  artifactId: number | null;
  warnings: string[];
}

/** The metadata block an export adds next to the trainer's `modelwright` block in userDefinedMetadata. */
export interface ExportMetadata {
  format: 'modelwright-export';
  version: 1;
  runId: number;
  runName: string;
  quantization: Quantization;
  exportedAt: string;
  appVersion: string;
}

interface Probe {
  x: Float32Array;
  /** Class indices or scaled targets (null for synthetic inputs). */
  y: Float32Array | null;
  n: number;
  source: 'test-split' | 'synthetic';
}

interface RunModel {
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

function plain(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The run, its saved model (through the checked loader), and the inputs to compare on. */
async function openRunModel(options: Pick<ExportRunOptions, 'store' | 'runId' | 'backend' | 'resourcesDir' | 'baseDir' | 'limits'>): Promise<RunModel> {
  const run = options.store.getRun(options.runId);
  const artifact = [...run.artifacts].reverse().find((a) => a.kind === 'model');
  if (!artifact) {
    const why = run.status === 'running' || run.status === 'queued' ? 'it is still training' : `it ended as ${run.status} without a saved model`;
    throw new ExportError(`run ${run.id} has no trained model to export: ${why}`);
  }
  let contents: ModelFolderContents;
  try {
    contents = await readModelFolder(artifact.path, options.limits);
  } catch (err) {
    if (err instanceof ModelFolderError) throw new ExportError(`the saved model of run ${run.id} cannot be read: ${err.message}`);
    throw err;
  }
  const metadata = (contents.modelJson.userDefinedMetadata?.modelwright ?? null) as SavedModelMetadata | null;
  if (!metadata || metadata.format !== 'modelwright-model') {
    throw new ExportError(`the saved model of run ${run.id} (${artifact.path}) carries no Modelwright metadata, so its preprocessing is unknown; train it again with this version`);
  }
  const { tf, backend } = await loadTf(options.backend ?? 'auto');
  registerCustomLayers(tf as unknown as typeof tfTypes);
  const studio = await loadFromArtifacts(tf, artifactsOf(contents));
  const notes: string[] = [];
  const probe = await probeInputs(run, metadata, studio, options, notes);
  const studioOutputs = await predict(tf, studio, probe, metadata.featureShape);
  return { tf, backend, run, modelDir: artifact.path, contents, metadata, studio, probe, studioOutputs, notes };
}

function loadFromArtifacts(tf: Tf, artifacts: tfTypes.io.ModelArtifacts): Promise<LayersModel> {
  return tf.loadLayersModel({ load: async () => artifacts });
}

/** The run's test split, recreated as in training (binding + seed + splits); random inputs when that is impossible. */
async function probeInputs(run: RunDetail, meta: SavedModelMetadata, model: LayersModel, options: Pick<ExportRunOptions, 'resourcesDir' | 'baseDir'>, notes: string[]): Promise<Probe> {
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
        seed: run.config.seed,
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

async function predict(tf: Tf, model: LayersModel, probe: Probe, featureShape: number[]): Promise<Float32Array> {
  const out = tf.tidy(() => model.predict(tf.tensor(probe.x, [probe.n, ...featureShape]), { batchSize: 256 }) as tfTypes.Tensor);
  try {
    return new Float32Array(await out.data());
  } finally {
    out.dispose();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

function maxAbs(a: Float32Array): number {
  let max = 0;
  for (const v of a) if (Math.abs(v) > max) max = Math.abs(v);
  return max;
}

/** The headline metric of the outputs on the probe: what the trainer reports for this task. */
function headlineMetric(meta: SavedModelMetadata, probe: Probe, outputs: Float32Array): { name: string; value: number | null } | null {
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

function metricChange(meta: SavedModelMetadata, probe: Probe, before: Float32Array, after: Float32Array): MetricChange | null {
  const a = headlineMetric(meta, probe, before);
  const b = headlineMetric(meta, probe, after);
  if (!a || !b) return null;
  return { name: a.name, before: a.value, after: b.value, change: a.value !== null && b.value !== null ? b.value - a.value : null };
}

/** The weights as they will be written (quantized or not), loaded back in memory exactly as a reader would. */
async function writtenModel(rm: RunModel, quantization: Quantization): Promise<{ specs: ModelFolderContents['weightSpecs']; data: ArrayBuffer; model: LayersModel }> {
  let q;
  try {
    q = quantizeWeights({ specs: rm.contents.weightSpecs, data: rm.contents.weightData }, quantization);
  } catch (err) {
    throw new ExportError(`cannot quantize the model of run ${rm.run.id}: ${plain(err)}`);
  }
  const model = await loadFromArtifacts(rm.tf, { ...artifactsOf(rm.contents), weightSpecs: q.specs as tfTypes.io.WeightsManifestEntry[], weightData: q.data });
  return { specs: q.specs, data: q.data, model };
}

/** The folder's files when it may be exported into: missing (null), empty, or an earlier export (replaced). */
async function checkOutputDir(dir: string): Promise<string[] | null> {
  const info = await stat(dir).catch(() => null);
  if (info && !info.isDirectory()) throw new ExportError(`${dir} is a file; give a folder to export into (-o DIR)`);
  if (!info) return null;
  const entries = await readdir(dir);
  if (entries.length === 0) return entries;
  let previous = false;
  if (entries.includes(MODEL_JSON_NAME)) {
    const json = await readModelJson(dir).catch(() => null);
    previous = !!json?.userDefinedMetadata && Object.hasOwn(json.userDefinedMetadata, 'modelwrightExport');
  }
  if (!previous) throw new ExportError(`${dir} is not empty and does not hold an earlier Modelwright export; choose a new or empty folder`);
  return entries;
}

async function prepareOutputDir(dir: string): Promise<void> {
  const entries = await checkOutputDir(dir);
  if (entries === null) {
    await mkdir(dir, { recursive: true }).catch((err) => { throw new ExportError(`cannot create ${dir}: ${plain(err)}`); });
    return;
  }
  // Old shards would otherwise linger beside the new ones when the shard count shrinks.
  for (const name of entries) if (shardPattern.test(name)) await removePath(join(dir, name), { force: true });
}

function shard(data: ArrayBuffer, shardBytes: number): Uint8Array[] {
  const bytes = new Uint8Array(data);
  const count = Math.max(1, Math.ceil(bytes.length / shardBytes));
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * shardBytes, Math.min(bytes.length, (i + 1) * shardBytes)));
}

function decodeForExample(meta: SavedModelMetadata, output: Float32Array): Prediction | null {
  if (!meta.preprocessor) return null;
  return Preprocessor.fromJSON(meta.preprocessor).decodeOutput(output);
}

/**
 * Exports run `runId` into `outputDir` and verifies the written files. Throws ExportError when the
 * export cannot be made; a made export that does not reproduce its model returns `verification.passed = false`.
 */
export async function exportRun(options: ExportRunOptions): Promise<ExportReport> {
  const quantization = options.quantize ?? 'none';
  const dir = resolve(options.outputDir);
  // Before the slow part: a wrong folder is the most common mistake.
  await checkOutputDir(dir);
  const rm = await openRunModel(options);
  const warnings = [...rm.notes];
  let written: Awaited<ReturnType<typeof writtenModel>> | null = null;
  try {
    written = await writtenModel(rm, quantization);
    const writtenOutputs = await predict(rm.tf, written.model, rm.probe, rm.metadata.featureShape);
    const preview: ExportPreview = {
      quantization,
      samples: rm.probe.n,
      source: rm.probe.source,
      maxAbsDiff: maxAbsDiff(rm.studioOutputs, writtenOutputs),
      metric: metricChange(rm.metadata, rm.probe, rm.studioOutputs, writtenOutputs),
    };
    options.onPreview?.(preview);

    await prepareOutputDir(dir);
    const files = await writeExport(rm, written, quantization, dir, options.shardBytes ?? 4 * 1024 * 1024);
    const verification = await verifyFolder(rm, writtenOutputs, dir, quantization, options);
    verification.notes.unshift(...rm.notes);
    await writeFileAtomic(join(dir, VERIFICATION_JSON), `${JSON.stringify({ ...verification, examples: exampleExpectations(rm) }, null, 2)}\n`);
    files.push({ path: VERIFICATION_JSON, sizeBytes: (await stat(join(dir, VERIFICATION_JSON))).size });

    let artifactId: number | null = null;
    if (options.record !== false) {
      try {
        artifactId = options.store.addArtifact(rm.run.id, {
          kind: verification.passed ? 'export' : 'export-failed',
          path: dir,
          sizeBytes: files.reduce((n, f) => n + f.sizeBytes, 0),
          owned: false,
        });
      } catch (err) {
        warnings.push(`the export was not recorded in the history: ${plain(err)}`);
      }
    }
    return {
      runId: rm.run.id,
      runName: rm.run.name,
      dir,
      format: 'tfjs-layers',
      quantization,
      backend: rm.backend,
      files,
      preview,
      verification,
      artifactId,
      warnings,
    };
  } finally {
    written?.model.dispose();
    rm.studio.dispose();
  }
}

/** The first test rows as raw inputs, with what the studio model predicts for each: the examples' expected output. */
function exampleInputs(rm: RunModel): { inputs: unknown[]; outputs: Float32Array[] } {
  const width = rm.metadata.featureShape.reduce((a, b) => a * b, 1);
  const k = rm.studioOutputs.length / rm.probe.n;
  const count = rm.probe.source === 'test-split' ? Math.min(3, rm.probe.n) : 0;
  const inputs: unknown[] = [];
  const outputs: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    inputs.push(rawExample(rm.metadata, rm.probe.x.subarray(i * width, (i + 1) * width)));
    outputs.push(rm.studioOutputs.subarray(i * k, (i + 1) * k));
  }
  return { inputs, outputs };
}

function exampleExpectations(rm: RunModel): { input: unknown; studioPrediction: Prediction | null }[] {
  const { inputs, outputs } = exampleInputs(rm);
  return inputs.map((input, i) => ({ input, studioPrediction: decodeForExample(rm.metadata, outputs[i]) }));
}

async function writeExport(
  rm: RunModel,
  written: { specs: ModelFolderContents['weightSpecs']; data: ArrayBuffer },
  quantization: Quantization,
  dir: string,
  shardBytes: number,
): Promise<{ path: string; sizeBytes: number }[]> {
  const shards = shard(written.data, shardBytes);
  const shardNames = shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`);
  const exportMeta: ExportMetadata = {
    format: 'modelwright-export',
    version: 1,
    runId: rm.run.id,
    runName: rm.run.name,
    quantization,
    exportedAt: new Date().toISOString(),
    appVersion: packageJson.version,
  };
  const source = rm.contents.modelJson;
  const modelJson = {
    modelTopology: source.modelTopology,
    format: 'layers-model',
    generatedBy: source.generatedBy,
    convertedBy: `Modelwright ${packageJson.version}`,
    weightsManifest: [{ paths: shardNames.map((n) => `./${n}`), weights: written.specs }],
    userDefinedMetadata: { ...source.userDefinedMetadata, modelwrightExport: exportMeta },
  };
  const { inputs } = exampleInputs(rm);
  const texts: [string, string | Uint8Array][] = [
    ...shards.map((s, i): [string, Uint8Array] => [shardNames[i], s]),
    // model.json last: it is never on disk pointing at shards that are not there yet.
    [MODEL_JSON_NAME, JSON.stringify(modelJson)],
    [KERAS_JSON, `${JSON.stringify(source.modelTopology, null, 2)}\n`],
    [PREPROCESS_MODULE, await preprocessModuleText()],
    [NODE_EXAMPLE, nodeExampleText()],
    [BROWSER_EXAMPLE, browserExampleText()],
    [EXAMPLE_INPUT, `${JSON.stringify(inputs.length > 0 ? inputs : [], null, 2)}\n`],
    [README, readmeText({ runId: rm.run.id, runName: rm.run.name, quantization, task: rm.metadata.task, labels: rm.metadata.classNames })],
  ];
  const files: { path: string; sizeBytes: number }[] = [];
  for (const [name, data] of texts) {
    try {
      await writeFileAtomic(join(dir, name), data);
    } catch (err) {
      throw new ExportError(`cannot write ${join(dir, name)}: ${plain(err)}`);
    }
    files.push({ path: name, sizeBytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength });
  }
  return files;
}

/** Reloads `dir` through the checked loader and compares it with the studio model and with what was written. */
async function verifyFolder(rm: RunModel, writtenOutputs: Float32Array, dir: string, quantization: Quantization, options: Pick<ExportRunOptions, 'tolerance' | 'limits'>): Promise<VerificationResult> {
  const tolerance = (options.tolerance ?? defaultTolerances[quantization]) * Math.max(1, maxAbs(rm.studioOutputs));
  const base = { samples: rm.probe.n, source: rm.probe.source, tolerance, notes: [] as string[] };
  let reloaded: LayersModel | null = null;
  try {
    let contents: ModelFolderContents;
    try {
      contents = await readModelFolder(dir, options.limits);
      reloaded = await loadFromArtifacts(rm.tf, artifactsOf(contents));
    } catch (err) {
      return { ...base, passed: false, maxAbsDiff: null, maxAbsDiffFromWritten: null, metric: null, message: `FAILED: the exported files cannot be loaded again: ${plain(err)}` };
    }
    const outputs = await predict(rm.tf, reloaded, rm.probe, rm.metadata.featureShape);
    const fromStudio = maxAbsDiff(rm.studioOutputs, outputs);
    const fromWritten = maxAbsDiff(writtenOutputs, outputs);
    const metric = metricChange(rm.metadata, rm.probe, rm.studioOutputs, outputs);
    const meta = contents.modelJson.userDefinedMetadata?.modelwright;
    if (canonicalJson(meta) !== canonicalJson(rm.contents.modelJson.userDefinedMetadata?.modelwright)) {
      return { ...base, passed: false, maxAbsDiff: fromStudio, maxAbsDiffFromWritten: fromWritten, metric, message: 'FAILED: the preprocessing metadata in the exported model.json differs from the trained model\'s' };
    }
    const keras = await readFile(join(dir, KERAS_JSON), 'utf8').then((t) => JSON.parse(t) as unknown, () => null);
    if (canonicalJson(keras) !== canonicalJson(rm.contents.modelJson.modelTopology)) {
      return { ...base, passed: false, maxAbsDiff: fromStudio, maxAbsDiffFromWritten: fromWritten, metric, message: `FAILED: ${KERAS_JSON} does not hold the model's topology` };
    }
    const what = `${rm.probe.n} ${rm.probe.source === 'test-split' ? 'test rows' : 'random inputs'}`;
    const reloadLimit = reloadTolerance * Math.max(1, maxAbs(writtenOutputs));
    if (!(fromWritten <= reloadLimit)) {
      return { ...base, passed: false, maxAbsDiff: fromStudio, maxAbsDiffFromWritten: fromWritten, metric, message: `FAILED: the exported files do not reproduce the weights that were written (largest difference ${fromWritten.toPrecision(3)} on ${what}); the files were changed or damaged` };
    }
    if (!(fromStudio <= tolerance)) {
      return { ...base, passed: false, maxAbsDiff: fromStudio, maxAbsDiffFromWritten: fromWritten, metric, message: `FAILED: the export's predictions differ from the trained model's by up to ${fromStudio.toPrecision(3)} on ${what}, more than the ${tolerance.toPrecision(3)} allowed${quantization === 'none' ? '' : ` for ${quantization} weights; export without --quantize, or with float16`}` };
    }
    return { ...base, passed: true, maxAbsDiff: fromStudio, maxAbsDiffFromWritten: fromWritten, metric, message: `PASSED: the exported files reproduce the trained model on ${what} (largest difference ${fromStudio.toPrecision(3)}, allowed ${tolerance.toPrecision(3)})` };
  } finally {
    reloaded?.dispose();
  }
}

/**
 * Verifies an existing export folder against its run again (e.g. after copying it): the same checks as
 * right after exporting, with the quantization read from the folder's own metadata.
 */
export async function verifyExport(options: Pick<ExportRunOptions, 'store' | 'runId' | 'backend' | 'resourcesDir' | 'baseDir' | 'limits' | 'tolerance'> & { dir: string }): Promise<VerificationResult> {
  const dir = resolve(options.dir);
  const rm = await openRunModel(options);
  let written: Awaited<ReturnType<typeof writtenModel>> | null = null;
  try {
    let quantization: Quantization = 'none';
    try {
      const meta = (await readModelJson(dir, options.limits)).userDefinedMetadata?.modelwrightExport as Partial<ExportMetadata> | undefined;
      if (meta?.quantization === 'float16' || meta?.quantization === 'uint8') quantization = meta.quantization;
    } catch (err) {
      return { passed: false, samples: rm.probe.n, source: rm.probe.source, maxAbsDiff: null, maxAbsDiffFromWritten: null, tolerance: options.tolerance ?? defaultTolerances.none, metric: null, message: `FAILED: the exported files cannot be loaded again: ${plain(err)}`, notes: rm.notes };
    }
    written = await writtenModel(rm, quantization);
    const writtenOutputs = await predict(rm.tf, written.model, rm.probe, rm.metadata.featureShape);
    const result = await verifyFolder(rm, writtenOutputs, dir, quantization, options);
    result.notes.unshift(...rm.notes);
    return result;
  } finally {
    written?.model.dispose();
    rm.studio.dispose();
  }
}


/**
 * The export service's `model(runId, options)` (app/api/contract.ts) over exportRun: TF.js layers with
 * verification, or only the Keras topology. Without `outputDir`, writes a new folder beside the run's model.
 */
export async function exportRunForApi(
  store: ExperimentStore,
  runId: number,
  options: { format?: 'tfjs-layers' | 'keras-json'; outputDir?: string; quantize?: Quantization } = {},
  context: Pick<ExportRunOptions, 'resourcesDir' | 'baseDir' | 'backend'> = {},
): Promise<ModelExportResult> {
  const run = store.getRun(runId);
  const model = [...run.artifacts].reverse().find((a) => a.kind === 'model');
  if (!model) throw new ExportError(`run ${runId} has no trained model to export`);
  let dir = options.outputDir;
  if (dir === undefined) {
    dir = `${model.path}-export`;
    // A new folder each time: an earlier export stays as it was.
    for (let i = 2; await stat(dir).then(() => true, () => false); i++) dir = `${model.path}-export-${i}`;
  }
  if (options.format === 'keras-json') {
    const json = await readModelJson(model.path).catch((err) => { throw new ExportError(`the saved model of run ${runId} cannot be read: ${plain(err)}`); });
    await checkOutputDir(dir);
    await mkdir(dir, { recursive: true });
    const text = `${JSON.stringify(json.modelTopology, null, 2)}\n`;
    await writeFileAtomic(join(dir, KERAS_JSON), text);
    return { dir, files: [{ path: KERAS_JSON, sizeBytes: Buffer.byteLength(text) }], format: 'keras-json', verification: null, warnings: [] };
  }
  const report = await exportRun({ store, runId, outputDir: dir, quantize: options.quantize, ...context });
  const v = report.verification;
  return {
    dir: report.dir,
    files: report.files,
    format: 'tfjs-layers',
    verification: { passed: v.passed, maxAbsDiff: v.maxAbsDiff, samples: v.samples, message: v.message, metric: v.metric },
    warnings: [...report.warnings, ...v.notes.filter((n) => !report.warnings.includes(n))],
  };
}
