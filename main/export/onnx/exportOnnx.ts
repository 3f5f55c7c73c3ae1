// Exports a trained run as ONNX: model.onnx converted from the run's saved TF.js model, its
// preprocessing beside it, an ONNX Runtime example and a README; then proves the written file with
// ONNX Runtime on the run's test split (within 1e-4 of the studio model, else FAILED).
import { formatNumber } from '../../../app/format.ts';
import { readFile, rm as removePath, mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../files/atomicWrite.ts';
import { EXAMPLE_INPUT, PREPROCESS_MODULE, preprocessModuleText, rawExample } from '../examples.ts';
import { checkOutputDir, ExportError, maxAbs, maxAbsDiff, metricChange, openRunModel, plain, recordExport, type MetricChange, type RunModel, type RunModelOptions } from '../runModel.ts';
import { OnnxExportError, OPSET, type Dim } from './builder.ts';
import { convertToOnnx, type OnnxConversion } from './convert.ts';
import { ONNX_EXAMPLE, ONNX_INFO, ONNX_MODEL, onnxExampleText, onnxReadmeText } from './onnxExamples.ts';
import { openOnnxSession } from './onnxRuntime.ts';
import { weightsByLayer } from './weights.ts';
import packageJson from '../../../package.json' with { type: 'json' };

export const ONNX_VERIFICATION = 'verification.json';
const README = 'README.md';
/** The bar: ONNX Runtime's outputs within 1e-4 of the studio model's (× max(1, largest output)). */
export const onnxTolerance = 1e-4;

export interface OnnxExportOptions extends RunModelOptions {
  outputDir: string;
  tolerance?: number;
  /** Record the export as an artifact of the run (default true). */
  record?: boolean;
}

export interface OnnxVerification {
  passed: boolean;
  samples: number;
  source: 'test-split' | 'synthetic';
  /** Largest |output difference| of ONNX Runtime on the written file from the studio model. */
  maxAbsDiff: number | null;
  tolerance: number;
  metric: MetricChange | null;
  message: string;
  notes: string[];
}

export interface OnnxExportReport {
  runId: number;
  runName: string;
  dir: string;
  format: 'onnx';
  opset: number;
  files: { path: string; sizeBytes: number }[];
  verification: OnnxVerification;
  artifactId: number | null;
  warnings: string[];
}

/** preprocessing.json: what a program needs around model.onnx. */
export interface OnnxExportInfo {
  format: 'modelwright-onnx-export';
  version: 1;
  runId: number;
  runName: string;
  exportedAt: string;
  appVersion: string;
  input: { name: string; dtype: 'float32' | 'int32'; shape: Dim[] };
  output: { name: string; dtype: 'float32'; shape: Dim[] };
  /** The trainer's metadata block (task, feature shape, class names, fitted preprocessor), as in model.json. */
  modelwright: unknown;
}

/** An earlier ONNX export: its preprocessing.json says so. */
async function earlierOnnxExport(dir: string, entries: string[]): Promise<boolean> {
  if (!entries.includes(ONNX_INFO)) return false;
  const info = await readFile(join(dir, ONNX_INFO), 'utf8').then((t) => JSON.parse(t) as Partial<OnnxExportInfo>, () => null);
  return info?.format === 'modelwright-onnx-export';
}

function convert(rm: RunModel): OnnxConversion {
  try {
    return convertToOnnx({
      topology: rm.contents.modelJson.modelTopology,
      weights: weightsByLayer(rm.contents.weightSpecs, rm.contents.weightData),
      producerVersion: packageJson.version,
      docString: `Run ${rm.run.id} (${rm.run.name}) exported by Modelwright ${packageJson.version}`,
      metadata: { modelwright: JSON.stringify(rm.metadata) },
    });
  } catch (err) {
    if (err instanceof OnnxExportError) throw new OnnxExportError(`run ${rm.run.id}: ${err.message}`);
    throw err;
  }
}

function examples(rm: RunModel): unknown[] {
  if (rm.probe.source !== 'test-split') return [];
  const width = rm.metadata.featureShape.reduce((a, b) => a * b, 1);
  return Array.from({ length: Math.min(3, rm.probe.n) }, (_, i) => rawExample(rm.metadata, rm.probe.x.subarray(i * width, (i + 1) * width)));
}

/**
 * Exports run `runId` as ONNX into `outputDir` and verifies the written file with ONNX Runtime. Throws
 * ExportError when the export cannot be made and OnnxExportError for a model ONNX cannot express; a
 * written model that does not reproduce the studio's returns `verification.passed = false`.
 */
export async function exportOnnx(options: OnnxExportOptions): Promise<OnnxExportReport> {
  const dir = resolve(options.outputDir);
  await checkOutputDir(dir, earlierOnnxExport);
  const rm = await openRunModel(options);
  try {
    const conversion = convert(rm);
    const entries = await checkOutputDir(dir, earlierOnnxExport);
    if (entries === null) await mkdir(dir, { recursive: true }).catch((err) => { throw new ExportError(`cannot create ${dir}: ${plain(err)}`); });
    else await removePath(join(dir, ONNX_VERIFICATION), { force: true });
    const info: OnnxExportInfo = {
      format: 'modelwright-onnx-export',
      version: 1,
      runId: rm.run.id,
      runName: rm.run.name,
      exportedAt: new Date().toISOString(),
      appVersion: packageJson.version,
      input: { name: conversion.input.name, dtype: conversion.input.type, shape: conversion.input.shape },
      output: { name: conversion.output.name, dtype: 'float32', shape: conversion.output.shape },
      modelwright: rm.metadata,
    };
    const files: [string, string | Uint8Array][] = [
      [ONNX_MODEL, conversion.bytes],
      [ONNX_INFO, `${JSON.stringify(info, null, 2)}\n`],
      [PREPROCESS_MODULE, await preprocessModuleText()],
      [ONNX_EXAMPLE, onnxExampleText()],
      [EXAMPLE_INPUT, `${JSON.stringify(examples(rm), null, 2)}\n`],
      [README, onnxReadmeText({ ...info, task: rm.metadata.task, labels: rm.metadata.classNames, opset: OPSET })],
    ];
    const written: { path: string; sizeBytes: number }[] = [];
    for (const [name, data] of files) {
      await writeFileAtomic(join(dir, name), data).catch((err) => { throw new ExportError(`cannot write ${join(dir, name)}: ${plain(err)}`); });
      written.push({ path: name, sizeBytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength });
    }
    const verification = await verifyOnnxFile(rm, dir, info, options.tolerance ?? onnxTolerance);
    await writeFileAtomic(join(dir, ONNX_VERIFICATION), `${JSON.stringify(verification, null, 2)}\n`);
    written.push({ path: ONNX_VERIFICATION, sizeBytes: (await stat(join(dir, ONNX_VERIFICATION))).size });
    const warnings = [...rm.notes];
    const artifactId = options.record === false ? null : recordExport(options.store, rm.run.id, dir, verification.passed, written, warnings);
    return { runId: rm.run.id, runName: rm.run.name, dir, format: 'onnx', opset: OPSET, files: written, verification, artifactId, warnings };
  } finally {
    rm.studio.dispose();
  }
}

/** Reads model.onnx back from disk, runs it in ONNX Runtime on the probe and compares with the studio model. */
async function verifyOnnxFile(rm: RunModel, dir: string, info: OnnxExportInfo, toleranceOption: number): Promise<OnnxVerification> {
  const tolerance = toleranceOption * Math.max(1, maxAbs(rm.studioOutputs));
  const base = { samples: rm.probe.n, source: rm.probe.source, tolerance, notes: [...rm.notes] };
  let outputs: Float32Array;
  try {
    const bytes = new Uint8Array(await readFile(join(dir, ONNX_MODEL)));
    const session = await openOnnxSession(bytes, { input: info.input.name, output: info.output.name }, info.input.dtype);
    try {
      outputs = await session.run(rm.probe.x, rm.probe.n, rm.metadata.featureShape);
    } finally {
      await session.release();
    }
  } catch (err) {
    return { ...base, passed: false, maxAbsDiff: null, metric: null, message: `FAILED: ONNX Runtime cannot run the written ${ONNX_MODEL}: ${plain(err)}` };
  }
  const diff = maxAbsDiff(rm.studioOutputs, outputs);
  const metric = metricChange(rm.metadata, rm.probe, rm.studioOutputs, outputs);
  const what = `${rm.probe.n} ${rm.probe.source === 'test-split' ? 'test rows' : 'random inputs'}`;
  if (!(diff <= tolerance)) {
    return { ...base, passed: false, maxAbsDiff: diff, metric, message: `FAILED: ONNX Runtime's predictions differ from the trained model's by up to ${formatNumber(diff, 3)} on ${what}, more than the ${formatNumber(tolerance, 3)} allowed` };
  }
  return { ...base, passed: true, maxAbsDiff: diff, metric, message: `PASSED: ONNX Runtime reproduces the trained model on ${what} (largest difference ${formatNumber(diff, 3)}, allowed ${formatNumber(tolerance, 3)})` };
}

/** Verifies an existing ONNX export folder against its run again (e.g. after copying it): the same check as right after exporting. */
export async function verifyOnnxExport(options: RunModelOptions & { dir: string; tolerance?: number }): Promise<OnnxVerification> {
  const dir = resolve(options.dir);
  const rm = await openRunModel(options);
  try {
    const info = await readFile(join(dir, ONNX_INFO), 'utf8').then((t) => JSON.parse(t) as OnnxExportInfo, () => null);
    if (info?.format !== 'modelwright-onnx-export') {
      return { passed: false, samples: rm.probe.n, source: rm.probe.source, maxAbsDiff: null, tolerance: options.tolerance ?? onnxTolerance, metric: null, message: `FAILED: ${dir} holds no ${ONNX_INFO} written by a Modelwright ONNX export`, notes: rm.notes };
    }
    return await verifyOnnxFile(rm, dir, info, options.tolerance ?? onnxTolerance);
  } finally {
    rm.studio.dispose();
  }
}
