// `modelwright validate FILE [--data SOURCE] [--json]`: opens a project or a Keras/TF.js model JSON, infers
// every layer's output shape and parameter count, reports what is wrong, and whether the model is ready to
// train (the studio's readiness check, against data when given). Exit 0 valid, 1 invalid, untrainable or not ready, 2 unreadable.
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { formatShape } from '../../../app/graph/catalog.ts';
import { formatBytes, formatCount } from '../../../app/format.ts';
import type { GraphAnalysis, LayerNode } from '../../../app/graph/types.ts';
import { checkReadiness, type Readiness } from '../../../app/training/readiness.ts';
import { bindingForData, describeBinding } from '../projectEdits.ts';
import { parseCommandArgs, UsageError, type CliCommand } from '../command.ts';
import { loadProjectFile } from '../projectFile.ts';
import { formatTable } from '../table.ts';

export interface ValidateJson {
  valid: boolean;
  totalParams: number;
  /** `frozen` only on a frozen layer (trainable: false): training leaves its weights as they are. */
  layers: { name: string; type: string; outputShape: (number | null)[] | null; params: number; frozen?: true }[];
  errors: { layer: string | null; message: string; fix?: string }[];
  /** Ready to train: the readiness check found no error (against the data with --data, else the graph alone). */
  ready: boolean;
  /** The readiness check's problems (graph errors included, with advice that fits the data), each with its one-click fixes. */
  readiness: { layer: string | null; message: string; fix?: string; fixes: string[] }[];
}

const usage = `Usage: modelwright validate FILE [--data SOURCE [--target COL]] [--json]

Checks a model: FILE is a Modelwright project (.mwproj) or a Keras / TF.js model JSON
(model.toJSON(), a TF.js model.json with modelTopology, or Keras model.to_json()).
Prints each layer's name, type, output shape and parameter count, the total, every problem, and
whether the model is ready to train (the studio's readiness check: one output, a trainable graph, and
with --data an Input and output that fit the data).

Options:
  --data SOURCE   also check the model against this data: a CSV/TSV file, an image folder or builtin:NAME
  --target COL    the column to predict (tables and text)
  --json          Print {"valid", "totalParams", "layers": [{"name", "type", "outputShape", "params"}],
                  "errors": [{"layer", "message", "fix"?}], "ready", "readiness": [{"layer", "message",
                  "fix"?, "fixes"}]} instead of a table.

Exit status: 0 the model is valid (and, with --data, ready to train on it), 1 it has problems or
cannot be trained here whatever the data (more than 1 GB of weights, a dilated convolution), 2 the file
or the data cannot be read, or bad usage.`;

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'Check a project or Keras/TF.js model: shapes, parameters, problems',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' }, data: { type: 'string' }, target: { type: 'string' } });
    if (values.target !== undefined && values.data === undefined) throw new UsageError('--target goes with --data');
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'needs a FILE to check' : `takes one FILE, got ${positionals.length}`);
    }
    const path = positionals[0];
    const loaded = await loadProjectFile(path);
    const { graph } = loaded.document;
    const data = values.data !== undefined ? await describeBinding(bindingForData(values.data, values.target, graph)) : null;
    const analysis = analyzeGraph(graph);
    const readiness = checkReadiness(graph, data, { loss: loaded.document.training?.loss });
    const report = toJson(graph.layers, analysis, readiness);
    // A model the trainer refuses whatever the data (too large, a dilated convolution) is not "valid" for training.
    const blocker = readiness.problems.find((p) => p.code === 'not-trainable');
    if (values.json) {
      io.stdout(`${JSON.stringify(report)}\n`);
    } else {
      io.stdout(renderText(report, analysis, loaded.warnings, data ? values.data! : null, blocker !== undefined));
    }
    if (!analysis.valid) {
      const n = report.errors.length;
      io.stderr(`modelwright validate: ${path} is not a valid model (${n} problem${n === 1 ? '' : 's'}${values.json ? '' : ', listed above'}).\n`);
      return 1;
    }
    if (blocker) {
      io.stderr(`modelwright validate: ${path} cannot be trained: ${blocker.message}${blocker.advice ? `; ${blocker.advice}` : ''}.\n`);
      return 1;
    }
    if (data && !readiness.ready) {
      io.stderr(`modelwright validate: ${path} is not ready to train on ${values.data}${values.json ? '' : ' (see above)'}.\n`);
      return 1;
    }
    return 0;
  },
};

/** Layers in data-flow order when the graph has one (no cycle), otherwise in file order. */
function orderedLayers(layers: LayerNode[], analysis: GraphAnalysis): LayerNode[] {
  if (analysis.order.length !== layers.length) return layers;
  const byId = new Map(layers.map((l) => [l.id, l]));
  return analysis.order.map((id) => byId.get(id)!).filter(Boolean);
}

export function toJson(layers: LayerNode[], analysis: GraphAnalysis, readiness: Readiness): ValidateJson {
  return {
    valid: analysis.valid,
    totalParams: analysis.totalParams,
    layers: orderedLayers(layers, analysis).map((layer) => {
      const info = analysis.layers[layer.id];
      return { name: layer.name, type: layer.type, outputShape: info?.outputShape ?? null, params: info?.params ?? 0, ...(layer.trainable === false ? { frozen: true as const } : {}) };
    }),
    errors: analysis.errors.map((e) => {
      const error: ValidateJson['errors'][number] = { layer: e.layerName ?? null, message: e.message };
      if (e.fix) error.fix = e.fix;
      return error;
    }),
    ready: readiness.ready,
    readiness: readiness.problems.filter((p) => p.severity === 'error').map((p) => ({
      layer: p.layerName ?? null, message: p.message, ...(p.advice ? { fix: p.advice } : {}), fixes: p.fixes.map((f) => f.label),
    })),
  };
}

function renderText(report: ValidateJson, analysis: GraphAnalysis, warnings: string[], dataSource: string | null, untrainable: boolean): string {
  const rows = report.layers.map((l) => [
    l.name,
    l.frozen ? `${l.type} (frozen)` : l.type,
    l.outputShape ? formatShape(l.outputShape) : '?',
    formatCount(l.params),
  ]);
  let out = formatTable(
    [{ header: 'Layer' }, { header: 'Type' }, { header: 'Output shape' }, { header: 'Params', align: 'right' }],
    rows,
  );
  out += `\nTotal params: ${formatCount(report.totalParams)} (${formatBytes(analysis.weightBytes)} of float32 weights)`;
  if (analysis.trainableParams !== report.totalParams) out += `, trainable: ${formatCount(analysis.trainableParams)}`;
  out += '\n';
  for (const w of warnings) out += `Import note: ${w}\n`;
  const list = (problems: { layer: string | null; message: string; fix?: string }[]) => problems.map((e) => {
    const fix = e.fix ? ` Fix: ${sentence(e.fix)}` : '';
    return `  ${e.layer ? `${e.layer}: ` : ''}${sentence(e.message)}${fix}\n`;
  }).join('');
  if (report.errors.length > 0) {
    // With data, the readiness check words graph problems for that data (a Conv2D on a table...).
    const problems = dataSource ? report.readiness : report.errors;
    out += `\n${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${list(problems)}`;
  } else if (!report.ready && untrainable) {
    out += `The model is valid, but it cannot be trained here:\n${list(report.readiness)}`;
  } else if (!report.ready) {
    out += `The model is valid, but not ready to train${dataSource ? ` on ${dataSource}` : ''}:\n${list(report.readiness)}`;
  } else if (dataSource) {
    out += `The model is valid and ready to train on ${dataSource}.\n`;
  } else {
    out += 'The model is valid. (With --data SOURCE, validate also checks that it fits the data it will train on.)\n';
  }
  return out;
}

/** Ends a message with a full stop so that "Fix:" reads as a new sentence. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
