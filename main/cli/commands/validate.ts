// `modelwright validate FILE [--json]`: opens a project or a Keras/TF.js model JSON, infers every
// layer's output shape and parameter count, and reports what is wrong. Exit 0 valid, 1 invalid, 2 unreadable.
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { formatShape } from '../../../app/graph/catalog.ts';
import type { GraphAnalysis, LayerNode } from '../../../app/graph/types.ts';
import { ProjectFileError } from '../../../app/project/errors.ts';
import { loadModelFile } from '../../files/projectFiles.ts';
import { CliError, parseCommandArgs, UsageError, type CliCommand } from '../command.ts';
import { formatCount, formatSize, formatTable } from '../table.ts';

export interface ValidateJson {
  valid: boolean;
  totalParams: number;
  layers: { name: string; type: string; outputShape: (number | null)[] | null; params: number }[];
  errors: { layer: string | null; message: string; fix?: string }[];
}

const usage = `Usage: modelwright validate FILE [--json]

Checks a model: FILE is a Modelwright project (.mwproj) or a Keras / TF.js model JSON
(model.toJSON(), a TF.js model.json with modelTopology, or Keras model.to_json()).
Prints each layer's name, type, output shape and parameter count, the total, and every problem.

Options:
  --json   Print {"valid", "totalParams", "layers": [{"name", "type", "outputShape", "params"}],
           "errors": [{"layer", "message", "fix"?}]} instead of a table.

Exit status: 0 the model is valid, 1 it has problems, 2 the file cannot be read or bad usage.`;

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'Check a project or Keras/TF.js model: shapes, parameters, problems',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'needs a FILE to check' : `takes one FILE, got ${positionals.length}`);
    }
    const path = positionals[0];
    let loaded;
    try {
      loaded = await loadModelFile(path);
    } catch (err) {
      if (err instanceof ProjectFileError) throw new CliError(err.message, 2);
      throw err;
    }
    const { graph } = loaded.document;
    const analysis = analyzeGraph(graph);
    const report = toJson(graph.layers, analysis);
    if (values.json) {
      io.stdout(`${JSON.stringify(report)}\n`);
    } else {
      io.stdout(renderText(report, analysis, loaded.warnings));
    }
    if (!analysis.valid) {
      const n = report.errors.length;
      io.stderr(`modelwright validate: ${path} is not a valid model (${n} problem${n === 1 ? '' : 's'}${values.json ? '' : ', listed above'}).\n`);
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

export function toJson(layers: LayerNode[], analysis: GraphAnalysis): ValidateJson {
  return {
    valid: analysis.valid,
    totalParams: analysis.totalParams,
    layers: orderedLayers(layers, analysis).map((layer) => {
      const info = analysis.layers[layer.id];
      return { name: layer.name, type: layer.type, outputShape: info?.outputShape ?? null, params: info?.params ?? 0 };
    }),
    errors: analysis.errors.map((e) => {
      const error: ValidateJson['errors'][number] = { layer: e.layerName ?? null, message: e.message };
      if (e.fix) error.fix = e.fix;
      return error;
    }),
  };
}

function renderText(report: ValidateJson, analysis: GraphAnalysis, warnings: string[]): string {
  const rows = report.layers.map((l) => [
    l.name,
    l.type,
    l.outputShape ? formatShape(l.outputShape) : '?',
    formatCount(l.params),
  ]);
  let out = formatTable(
    [{ header: 'Layer' }, { header: 'Type' }, { header: 'Output shape' }, { header: 'Params', align: 'right' }],
    rows,
  );
  out += `\nTotal params: ${formatCount(report.totalParams)} (${formatSize(analysis.weightBytes)} of float32 weights)`;
  if (analysis.trainableParams !== report.totalParams) out += `, trainable: ${formatCount(analysis.trainableParams)}`;
  out += '\n';
  for (const w of warnings) out += `Import note: ${w}\n`;
  if (report.errors.length === 0) {
    out += 'The model is valid.\n';
  } else {
    out += `\n${report.errors.length} problem${report.errors.length === 1 ? '' : 's'}:\n`;
    for (const e of report.errors) {
      const fix = e.fix ? ` Fix: ${sentence(e.fix)}` : '';
      out += `  ${e.layer ? `${e.layer}: ` : ''}${sentence(e.message)}${fix}\n`;
    }
  }
  return out;
}

/** Ends a message with a full stop so that "Fix:" reads as a new sentence. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
