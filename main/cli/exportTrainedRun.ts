// The `export --run RUN_ID` branch of the export command: a trained model from the history written as a
// TF.js layers model (optionally quantized) or as ONNX, with examples, then verified; prints the verification.
import { resolve } from 'node:path';
import { CliError, UsageError, numberFlag, type CliIO } from './command.ts';
import { formatBytes, formatNumber } from '../../app/format.ts';
import { formatMetric, openHistory, parseRunId, withHistory } from './history.ts';
import { backendNames, type BackendName } from '../../app/training/config.ts';
import { exportRun, ExportError, type ExportPreview, type ExportReport, type MetricChange } from '../export/exportRun.ts';
import { ModelFolderError } from '../model/modelFolder.ts';
import type { OnnxExportReport } from '../export/onnx/exportOnnx.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { quantizations, type Quantization } from '../export/quantize.ts';

export interface TrainedRunRequest {
  runId: string;
  format?: string;
  quantize?: string;
  output?: string;
  db?: string;
  json?: boolean;
  backend?: string;
  tolerance?: string;
  positionals: string[];
}

export const trainedRunUsage = `       modelwright export --run RUN_ID --format tfjs [--quantize float16|uint8] -o DIR [--db PATH] [--json]
       modelwright export --run RUN_ID --format onnx -o DIR [--db PATH] [--json]`;

export const trainedRunHelp = `Trained model (--run): writes the run's model as TF.js layers files (model.json + weight shards, with
its preprocessing in userDefinedMetadata), model.keras.json, an inference example for Node and for the
browser, then reloads the files, runs them on the run's test split and compares with the trained model.
With --format onnx: DIR/model.onnx (input: the preprocessed features; output: what the TF.js model gives),
preprocessing.json beside it, an ONNX Runtime example and a README; then ONNX Runtime runs the written
file on the test split and must agree with the trained model within 1e-4, else FAILED.
  --quantize Q    tfjs: float16 (half the size) or uint8 (a quarter); the accuracy change on the test
                  split is shown before anything is written
  --tolerance X   largest accepted prediction difference (default 1e-5, float16 0.02, uint8 0.1, onnx 1e-4)
  --backend B     ${backendNames.join(', ')} (default auto)
  --db PATH       history database (default: $MODELWRIGHT_DB or ~/.modelwright/modelwright.db)
  --json          print the export report as one JSON object
Exit status: 0 written and verified, 1 written but it does not reproduce the model (FAILED) or a layer
ONNX cannot express, 2 bad usage, unknown run, or a model that cannot be read or written.`;

function changeText(m: MetricChange): string {
  const sign = m.change === null ? '' : m.change > 0 ? '+' : m.change < 0 ? '−' : '±';
  const label = m.name === 'mae' ? 'mean absolute error' : m.name === 'mse' ? 'mean squared error' : m.name;
  return `${label} ${formatMetric(m.before)} → ${formatMetric(m.after)} (${sign}${m.change === null ? '-' : formatMetric(Math.abs(m.change))})`;
}

function previewText(p: ExportPreview): string {
  const on = `${p.samples} ${p.source === 'test-split' ? 'test rows' : 'random inputs'}`;
  if (p.quantization === 'none') return '';
  return `${p.quantization} weights, measured before writing on ${on}: ${p.metric ? `${changeText(p.metric)}, ` : ''}largest prediction change ${p.maxAbsDiff.toPrecision(3)}\n`;
}

type AnyReport = ExportReport | OnnxExportReport;

function reportText(r: AnyReport): string {
  const v = r.verification;
  const what = r.format === 'onnx' ? `ONNX opset ${r.opset}, ` : '';
  const lines = [
    `Wrote ${r.dir} (${what}${r.files.length} files, ${formatBytes(r.files.reduce((n, f) => n + f.sizeBytes, 0))}):`,
    ...r.files.map((f) => `  ${f.path.padEnd(28)} ${formatBytes(f.sizeBytes)}`),
    `Verification ${v.passed ? 'PASSED' : 'FAILED'}: ${v.message.replace(/^(PASSED|FAILED): /, '')}`,
  ];
  if (v.maxAbsDiff !== null) lines.push(`  largest prediction difference from the trained model: ${formatNumber(v.maxAbsDiff, 3)} (allowed ${formatNumber(v.tolerance, 3)})`);
  if (v.metric) lines.push(`  ${changeText(v.metric)} on ${v.samples} test rows`);
  for (const note of [...v.notes, ...r.warnings.filter((w) => !v.notes.includes(w))]) lines.push(`note: ${note}`);
  if (r.artifactId !== null) lines.push(`recorded with run ${r.runId} (see "modelwright show ${r.runId}")`);
  return `${lines.join('\n')}\n`;
}

/** Runs one export against the history with the CLI's error mapping, prints its report; returns the exit code. */
async function runExport(request: TrainedRunRequest, io: CliIO, exportIt: (store: ExperimentStore, options: { backend?: BackendName; tolerance?: number; outputDir: string }) => Promise<AnyReport>): Promise<number> {
  if (request.output === undefined || request.output.trim() === '') throw new UsageError('--run needs -o DIR, the folder to write the model into');
  const backend = request.backend as BackendName | undefined;
  if (backend !== undefined && !(backendNames as readonly string[]).includes(backend)) throw new UsageError(`--backend must be one of ${backendNames.join(', ')}, not "${backend}"`);
  const tolerance = numberFlag(request.tolerance, '--tolerance', 0, 1e6);
  const store = openHistory(request.db);
  const report = await withHistory(store, async (s) => {
    try {
      return await exportIt(s, { backend, tolerance, outputDir: resolve(request.output!) });
    } catch (err) {
      // A layer ONNX cannot express is a "no" (exit 1); the rest cannot be served (exit 2).
      if ((err as Error)?.name === 'OnnxExportError') throw new CliError((err as Error).message, 1);
      if (err instanceof ExportError || err instanceof ModelFolderError) throw new CliError(err.message, 2);
      if ((err as Error)?.name === 'BackendUnavailableError') throw new CliError((err as Error).message, 2);
      throw err;
    }
  });
  if (request.json) io.stdout(`${JSON.stringify(report)}\n`);
  else io.stdout(reportText(report));
  return report.verification.passed ? 0 : 1;
}

/** Runs the trained-model export; returns the exit code. */
export async function exportTrainedRunCli(request: TrainedRunRequest, io: CliIO): Promise<number> {
  if (request.positionals.length > 0) throw new UsageError(`--run exports a run from the history and takes no FILE (got "${request.positionals[0]}")`);
  const runId = parseRunId(request.runId);
  if (request.format === undefined) throw new UsageError('--run needs --format tfjs (TF.js layers model files) or --format onnx');
  if (request.format === 'onnx') return exportOnnxCli(request, runId, io);
  if (request.format !== 'tfjs' && request.format !== 'tfjs-layers') throw new UsageError(`--run exports --format tfjs or onnx, not "${request.format}" (for code, export the project file instead)`);
  const quantize = (request.quantize ?? 'none') as Quantization;
  if (!(quantizations as readonly string[]).includes(quantize)) throw new UsageError(`--quantize must be float16 or uint8, not "${request.quantize}"`);
  return runExport(request, io, (store, options) => exportRun({
    store, runId, quantize, ...options, onPreview: (p) => { if (!request.json) io.stderr(previewText(p)); },
  }));
}

function exportOnnxCli(request: TrainedRunRequest, runId: number, io: CliIO): Promise<number> {
  if (request.quantize !== undefined) throw new UsageError('--quantize applies to --format tfjs only; an ONNX export keeps the float32 weights');
  // The ONNX modules (protobufjs, ONNX Runtime) load only for this format.
  return runExport(request, io, async (store, options) => (await import('../export/onnx/exportOnnx.ts')).exportOnnx({ store, runId, ...options }));
}
