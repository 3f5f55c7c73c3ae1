// `modelwright export FILE --format js|ts|python|pytorch|keras-json [...]`: training code or a Keras topology
// from a project or model JSON. `export --run RUN_ID` (a trained model from the history) is its own
// branch, `exportTrainedRun`, so the two kinds of export stay apart.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CodegenError, generateCode, type CodeLanguageOption, type JsRuntime } from '../../../app/codegen/index.ts';
import { DataError } from '../../../app/data/errors.ts';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { GraphBuildError } from '../../../app/graph/buildModel.ts';
import { exportKerasModel, KerasExportError } from '../../../app/keras/export.ts';
import { planProjectData } from '../../codegen/projectData.ts';
import { describeFsError, writeFileAtomic } from '../../files/atomicWrite.ts';
import { CliError, parseCommandArgs, UsageError, type CliCommand, type CliIO } from '../command.ts';
import { loadProjectFile } from '../projectFile.ts';
import { exportTrainedRunCli, trainedRunHelp, trainedRunUsage, type TrainedRunRequest } from '../exportTrainedRun.ts';

const formats = ['js', 'ts', 'python', 'pytorch', 'keras-json'] as const;
type Format = (typeof formats)[number];
const runtimes = ['tfjs-node', 'tfjs'] as const;

const usage = `Usage: modelwright export FILE --format (js|ts|python|pytorch|keras-json) [--runtime tfjs-node|tfjs] [--distributed | --multi-worker] [-o PATH]
${trainedRunUsage}

Writes code or a model topology from a project (.mwproj) or a Keras / TF.js model JSON.

Formats:
  js           A TF.js training program for Node (ES module): reads the project's data, applies the
               same preprocessing and seeded split as the studio, builds, trains, evaluates and saves
               the model.
  ts           The same program in TypeScript.
  python       The same steps in Python with Keras (TensorFlow 2 / Keras 3), pandas and numpy.
  pytorch      The same steps in Python with PyTorch: an nn.Module built from the graph, the studio's
               optimizer, loss, metrics and early stopping; python3 train.py --check tests the model on
               random data; runs unchanged under torchrun (DistributedDataParallel). Prints one JSON
               line at the end: {"test": {...}, "epochs": N}.
  keras-json   The model's Keras functional topology (what TF.js model.toJSON() writes).

Options:
  --runtime R     js/ts: tfjs-node (default; native TensorFlow) or tfjs (pure JavaScript).
  --distributed   python: build and compile inside tf.distribute.MirroredStrategy (all GPUs of one machine).
  --multi-worker  python: train on several machines with tf.distribute.MultiWorkerMirroredStrategy (TF_CONFIG).
  -o, --output P  Write to P (a file, or an existing folder: P/train.mjs, P/train.ts, P/train.py,
                  P/model-topology.json). Without -o the result goes to stdout.

A project without a dataset gives a program that only builds and saves the model.
Exit status: 0 written, 1 the model cannot be exported (invalid graph, unsupported shape),
2 bad usage or unreadable input.

${trainedRunHelp}`;

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export training code (JS, TS, Python/Keras, PyTorch) or a Keras topology',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      format: { type: 'string' },
      runtime: { type: 'string' },
      distributed: { type: 'boolean' },
      'multi-worker': { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      run: { type: 'string' },
      quantize: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean' },
      backend: { type: 'string' },
      tolerance: { type: 'string' },
    });
    if (values.run !== undefined) {
      return exportTrainedRun({
        runId: values.run, format: values.format, quantize: values.quantize, output: values.output, positionals,
        db: values.db, json: values.json, backend: values.backend, tolerance: values.tolerance,
      }, io);
    }
    for (const flag of ['db', 'json', 'backend', 'tolerance'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to trained models only (export --run RUN_ID --format tfjs)`);
    }
    if (values.quantize !== undefined) throw new UsageError('--quantize applies to trained models only (export --run RUN_ID --format tfjs)');
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'needs a FILE (a .mwproj project or a Keras/TF.js model JSON)' : `takes one FILE, got ${positionals.length}`);
    }
    const format = values.format;
    if (format === 'onnx' || format === 'tfjs') throw new UsageError(`--format ${format} exports a trained model: give --run RUN_ID (see "modelwright runs") instead of a project file`);
    if (format === undefined) throw new UsageError(`needs --format, one of: ${formats.join(', ')}`);
    if (!(formats as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}, not "${format}"`);
    const runtime = values.runtime;
    if (runtime !== undefined && !(runtimes as readonly string[]).includes(runtime)) {
      throw new UsageError(`--runtime must be tfjs-node or tfjs, not "${runtime}"`);
    }
    if (runtime !== undefined && format !== 'js' && format !== 'ts') throw new UsageError('--runtime applies to --format js and ts only');
    if (values.distributed && format !== 'python') throw new UsageError('--distributed applies to --format python only (a pytorch script runs under torchrun as it is)');
    if (values['multi-worker'] && format !== 'python') throw new UsageError('--multi-worker applies to --format python only (a pytorch script runs under torchrun as it is)');
    if (values['multi-worker'] && values.distributed) throw new UsageError('give either --distributed (one machine) or --multi-worker (several machines), not both');
    return exportFromFile({
      file: positionals[0],
      format: format as Format,
      runtime: runtime as JsRuntime | undefined,
      distributed: values.distributed ?? false,
      multiWorker: values['multi-worker'] ?? false,
      output: values.output,
    }, io);
  },
};

interface FileExport {
  file: string;
  format: Format;
  runtime?: JsRuntime;
  distributed: boolean;
  multiWorker: boolean;
  output?: string;
}

async function exportFromFile(request: FileExport, io: CliIO): Promise<number> {
  const loaded = await loadProjectFile(request.file);
  for (const warning of loaded.warnings) io.stderr(`modelwright export: note: ${warning}\n`);
  const doc = loaded.document;
  const analysis = analyzeGraph(doc.graph);
  if (!analysis.valid) throw new CliError(new GraphBuildError(analysis.errors).message.replace("The model can't be built", "The model can't be exported"), 1);
  let text: string;
  let fileName: string;
  try {
    if (request.format === 'keras-json') {
      text = `${JSON.stringify(exportKerasModel(doc.graph, { name: doc.name }), null, 2)}\n`;
      fileName = 'model-topology.json';
    } else {
      const data = await planProjectData(doc.dataset, { baseDir: dirname(resolve(request.file)) });
      const generated = generateCode(
        { graph: doc.graph, data, training: doc.training },
        { language: request.format as CodeLanguageOption, runtime: request.runtime, distributed: request.distributed, multiWorker: request.multiWorker },
      );
      for (const warning of generated.warnings) io.stderr(`modelwright export: warning: ${warning}\n`);
      text = generated.code;
      fileName = generated.fileName;
    }
  } catch (err) {
    if (err instanceof DataError) throw new CliError(`cannot read the project's data: ${err.message}`, 2);
    if (err instanceof GraphBuildError || err instanceof KerasExportError || err instanceof CodegenError) throw new CliError(err.message, 1);
    throw err;
  }
  if (request.output === undefined) {
    io.stdout(text);
    return 0;
  }
  const isFolder = await stat(request.output).then((s) => s.isDirectory(), () => false);
  const target = isFolder ? join(request.output, fileName) : request.output;
  try {
    await writeFileAtomic(target, text);
  } catch (err) {
    throw new CliError(`could not write ${target}: ${describeFsError(err)}`, 2);
  }
  io.stderr(`Wrote ${target}\n`);
  return 0;
}

export type RunExport = TrainedRunRequest;

/** `export --run RUN_ID --format tfjs [--quantize float16|uint8] -o DIR`: a trained model from the run history, verified after writing. */
export async function exportTrainedRun(request: RunExport, io: CliIO): Promise<number> {
  return exportTrainedRunCli(request, io);
}
