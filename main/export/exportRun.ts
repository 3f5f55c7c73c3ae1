// Exports a trained run from the history as a TF.js layers model (optionally quantized) with its
// preprocessing, a Keras topology and inference examples, then proves the files reproduce the model.
import { formatNumber } from '../../app/format.ts';
import { mkdir, readFile, rm as removePath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { Preprocessor, type Prediction } from '../../app/data/preprocess.ts';
import { canonicalJson } from '../../app/store/diff.ts';
import type { ModelExportResult } from '../../app/api/types.ts';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import type { SavedModelMetadata } from '../model/metadata.ts';
import {
  BROWSER_EXAMPLE, EXAMPLE_INPUT, NODE_EXAMPLE, PREPROCESS_MODULE,
  browserExampleText, nodeExampleText, preprocessModuleText, rawExample, readmeText,
} from './examples.ts';
import { artifactsOf, MODEL_JSON_NAME, readModelFolder, readModelJson, type ModelFolderContents } from '../model/modelFolder.ts';
import {
  checkOutputDir, ExportError, loadFromArtifacts, maxAbs, maxAbsDiff, metricChange, openRunModel, plain, predict, recordExport,
  type MetricChange, type RunModel, type RunModelOptions,
} from './runModel.ts';
import { quantizeWeights, type Quantization } from './quantize.ts';
import type { OnnxExportReport } from './onnx/exportOnnx.ts';
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

export { ExportError, type MetricChange } from './runModel.ts';

export interface ExportRunOptions extends RunModelOptions {
  outputDir: string;
  quantize?: Quantization;
  /** Overrides the default tolerance of the chosen quantization. */
  tolerance?: number;
  /** Bytes per weight file (default 4 MB, as TF.js's converter). */
  shardBytes?: number;
  /** Record the export (and its verification) as an artifact of the run (default true). */
  record?: boolean;
  /** Called with the quantization's effect, measured before any file is written. */
  onPreview?(preview: ExportPreview): void;
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

/** An earlier TF.js export: its model.json carries `modelwrightExport`. */
async function earlierTfjsExport(dir: string, entries: string[]): Promise<boolean> {
  if (!entries.includes(MODEL_JSON_NAME)) return false;
  const json = await readModelJson(dir).catch(() => null);
  return !!json?.userDefinedMetadata && Object.hasOwn(json.userDefinedMetadata, 'modelwrightExport');
}

async function prepareOutputDir(dir: string): Promise<void> {
  const entries = await checkOutputDir(dir, earlierTfjsExport);
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
  await checkOutputDir(dir, earlierTfjsExport);
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

    const artifactId = options.record === false ? null : recordExport(options.store, rm.run.id, dir, verification.passed, files, warnings);
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
      return { ...base, passed: false, maxAbsDiff: fromStudio, maxAbsDiffFromWritten: fromWritten, metric, message: `FAILED: the exported files do not reproduce the weights that were written (largest difference ${formatNumber(fromWritten, 3)} on ${what}); the files were changed or damaged` };
    }
    if (!(fromStudio <= tolerance)) {
      return { ...base, passed: false, maxAbsDiff: fromStudio, maxAbsDiffFromWritten: fromWritten, metric, message: `FAILED: the export's predictions differ from the trained model's by up to ${formatNumber(fromStudio, 3)} on ${what}, more than the ${formatNumber(tolerance, 3)} allowed${quantization === 'none' ? '' : ` for ${quantization} weights; export without --quantize, or with float16`}` };
    }
    return { ...base, passed: true, maxAbsDiff: fromStudio, maxAbsDiffFromWritten: fromWritten, metric, message: `PASSED: the exported files reproduce the trained model on ${what} (largest difference ${formatNumber(fromStudio, 3)}, allowed ${formatNumber(tolerance, 3)})` };
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
  options: { format?: 'tfjs-layers' | 'keras-json' | 'onnx'; outputDir?: string; quantize?: Quantization } = {},
  context: Pick<ExportRunOptions, 'resourcesDir' | 'baseDir' | 'backend'> = {},
): Promise<ModelExportResult> {
  const run = store.getRun(runId);
  const model = [...run.artifacts].reverse().find((a) => a.kind === 'model');
  if (!model) throw new ExportError(`run ${runId} has no trained model to export`);
  let dir = options.outputDir;
  if (dir === undefined) {
    const suffix = options.format === 'onnx' ? 'onnx' : 'export';
    dir = `${model.path}-${suffix}`;
    // A new folder each time: an earlier export stays as it was.
    for (let i = 2; await stat(dir).then(() => true, () => false); i++) dir = `${model.path}-${suffix}-${i}`;
  }
  if (options.format === 'onnx') {
    if (options.quantize !== undefined && options.quantize !== 'none') throw new ExportError('an ONNX export keeps the trained float32 weights; quantization applies to the TF.js format');
    const { exportOnnx } = await import('./onnx/exportOnnx.ts');
    const onnx = await exportOnnx({ store, runId, outputDir: dir, ...context }).catch((err: unknown) => {
      throw (err as Error)?.name === 'OnnxExportError' ? new ExportError((err as Error).message) : err;
    });
    return apiResult(onnx);
  }
  if (options.format === 'keras-json') {
    const json = await readModelJson(model.path).catch((err) => { throw new ExportError(`the saved model of run ${runId} cannot be read: ${plain(err)}`); });
    await checkOutputDir(dir, earlierTfjsExport);
    await mkdir(dir, { recursive: true });
    const text = `${JSON.stringify(json.modelTopology, null, 2)}\n`;
    await writeFileAtomic(join(dir, KERAS_JSON), text);
    return { dir, files: [{ path: KERAS_JSON, sizeBytes: Buffer.byteLength(text) }], format: 'keras-json', verification: null, warnings: [] };
  }
  return apiResult(await exportRun({ store, runId, outputDir: dir, quantize: options.quantize, ...context }));
}

/** A verified export (TF.js or ONNX) as the API reports it. */
function apiResult(report: Pick<ExportReport | OnnxExportReport, 'dir' | 'files' | 'format' | 'verification' | 'warnings'>): ModelExportResult {
  const v = report.verification;
  return {
    dir: report.dir,
    files: report.files,
    format: report.format,
    verification: { passed: v.passed, maxAbsDiff: v.maxAbsDiff, samples: v.samples, message: v.message, metric: v.metric },
    warnings: [...report.warnings, ...v.notes.filter((n) => !report.warnings.includes(n))],
  };
}
