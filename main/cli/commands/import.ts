// `modelwright import MODEL_DIR -o FILE.mwproj [--force] [--json] [--data SOURCE] [--freeze-up-to LAYER] [--new-head] [--fit]`:
// a trained TF.js layers model folder becomes a project whose layers carry their weights, kept in FILE's
// weights folder beside it; optionally bound to data, frozen up to a layer, with a new head (fine-tuning).
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatCount } from '../../../app/format.ts';
import { weightsFolderName } from '../../../app/project/importedWeights.ts';
import { importModelFolder, ModelImportError, writeImportedProject } from '../../model/importFolder.ts';
import { CliError, parseCommandArgs, UsageError, type CliCommand } from '../command.ts';
import { applyProjectEdits, projectEditOptions, projectEditUsage } from '../projectEdits.ts';

const usage = `Usage: modelwright import MODEL_DIR -o FILE.mwproj [--force] [--json] [--data SOURCE [--target COL]] [--freeze-up-to LAYER] [--new-head] [--fit]

Imports a trained TF.js layers model folder (model.json + weight files: one exported by Modelwright with
"export --format tfjs", saved by TF.js, or converted from Keras with tensorflowjs_converter
--output_format=tfjs_layers_model) as a project whose layers carry their weights. The weights are kept in
a folder beside the project (FILE.mwproj → FILE.weights/); training the project starts from them (layers
changed since start fresh). See docs/project-format.md#imported-weights.

Options:
  -o, --output FILE   where to write the project (conventionally *.mwproj)
  --force             overwrite FILE and its weights folder if they exist
  --json              print one JSON object with what was imported
${projectEditUsage}

Exit codes: 0 imported, 2 bad usage or a folder that cannot be imported (the reason in one line).`;

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import a trained TF.js model folder (with its weights) as a project',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      ...projectEditOptions,
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the MODEL_DIR to import (the folder with model.json)' : `give one MODEL_DIR, got ${positionals.length}`);
    if (!values.output) throw new UsageError('needs -o FILE.mwproj: where to write the project');
    const dir = resolve(positionals[0]);
    const file = resolve(values.output);

    const info = await stat(dir).catch(() => null);
    if (!info) throw new CliError(`${positionals[0]} does not exist; give the model folder (the one with model.json and its .bin files)`, 2);
    if (!info.isDirectory()) throw new CliError(`${positionals[0]} is a file; give the folder that holds model.json and its .bin files`, 2);
    const existing = await stat(file).catch(() => null);
    if (existing?.isDirectory()) throw new CliError(`${values.output} is a folder; give a file name such as ${values.output.replace(/\/+$/, '')}/model.mwproj`, 2);
    const weightsDir = resolve(dirname(file), weightsFolderName(file));
    const existingWeights = await stat(weightsDir).catch(() => null);
    if (!values.force && existing) throw new CliError(`${values.output} already exists; add --force to overwrite it (and its weights folder)`, 2);
    if (!values.force && existingWeights) throw new CliError(`${weightsDir} already exists; add --force to replace it, or choose another -o name`, 2);
    if (weightsDir === dir) throw new CliError(`the weights folder of ${values.output} would be the model folder itself; choose another -o name`, 2);

    let imported;
    try {
      imported = await importModelFolder(dir);
    } catch (err) {
      if (err instanceof ModelImportError) throw new CliError(err.message, 2);
      throw err;
    }
    try {
      // Edits first: a bad flag or unreadable data leaves nothing written.
      const edited = await applyProjectEdits(imported.document, values);
      imported.document = edited.document;
      const written = await writeImportedProject(file, imported);
      const { total, imported: fromFolder } = imported.params;
      const graph = written.document.graph;
      if (values.json) {
        io.stdout(`${JSON.stringify({
          project: file, weights: written.weightsDir, name: written.document.name, layers: graph.layers.length,
          layersWithWeights: imported.layers, params: total, importedParams: fromFolder, from: written.document.weights?.from ?? null, warnings: imported.warnings,
        })}\n`);
      } else {
        for (const w of imported.warnings) io.stderr(`note: ${w}\n`);
        for (const line of edited.said) io.stderr(`${line}\n`);
        io.stdout(`Imported ${positionals[0]} as ${values.output}: ${graph.layers.length} layers, ${imported.layers.length} with weights `
          + `(${formatCount(fromFolder)} of ${formatCount(total)} parameters), weights in ${written.weightsDir}.\n`
          + (written.document.dataset ? `Train it with: modelwright train ${values.output}\n` : `Train it on your data with: modelwright train ${values.output} --data SOURCE\n`));
      }
      return 0;
    } catch (err) {
      if (err instanceof ModelImportError) throw new CliError(err.message, 2);
      throw err;
    } finally {
      imported.model.dispose();
    }
  },
};
