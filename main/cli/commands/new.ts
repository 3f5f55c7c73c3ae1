// `modelwright new TEMPLATE -o FILE [--force] [--name NAME] [--data SOURCE] [--freeze-up-to LAYER] [--new-head] [--fit]`:
// writes a new project from a template, optionally bound to other data, frozen up to a layer, with a new head.
import { stat } from 'node:fs/promises';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { ProjectFileError } from '../../../app/project/errors.ts';
import { getTemplate, projectFromTemplate, templates } from '../../../app/templates/index.ts';
import { writeProjectFile } from '../../files/projectFiles.ts';
import { CliError, parseCommandArgs, UsageError, type CliCommand } from '../command.ts';
import { formatCount } from '../../../app/format.ts';
import { applyProjectEdits, projectEditOptions, projectEditUsage } from '../projectEdits.ts';

const usage = `Usage: modelwright new TEMPLATE -o FILE [--force] [--name NAME] [--data SOURCE [--target COL]] [--freeze-up-to LAYER] [--new-head] [--fit]

Creates a project file from a template (see "modelwright templates"), ready to train on its
built-in dataset (or on the data given with --data).

Options:
  -o, --output FILE   Where to write the project (conventionally *.mwproj).
  --force             Overwrite FILE if it exists (the old file stays intact if writing fails).
  --name NAME         Project name (default: the template's title).
${projectEditUsage}`;

export const newCommand: CliCommand = {
  name: 'new',
  summary: 'Create a project file from a template',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      name: { type: 'string' },
      ...projectEditOptions,
    });
    const ids = templates.map((t) => t.id).join(', ');
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? `needs a TEMPLATE (one of: ${ids})` : `takes one TEMPLATE, got ${positionals.length}`);
    }
    const template = getTemplate(positionals[0]);
    if (!template) throw new UsageError(`there is no template "${positionals[0]}"; choose one of: ${ids}`);
    const path = values.output;
    if (!path) throw new UsageError('needs -o FILE: where to write the project');

    const existing = await stat(path).catch(() => null);
    if (existing?.isDirectory()) throw new CliError(`${path} is a folder; give a file name such as ${path.replace(/\/+$/, '')}/${template.id}.mwproj`, 2);
    if (existing && !values.force) throw new CliError(`${path} already exists; add --force to overwrite it`, 2);

    let doc;
    try {
      const edited = await applyProjectEdits(projectFromTemplate(template, values.name === undefined ? {} : { name: values.name }), values);
      doc = edited.document;
      await writeProjectFile(path, doc);
      for (const line of edited.said) io.stderr(`${line}\n`);
    } catch (err) {
      if (err instanceof ProjectFileError) throw new CliError(err.message, 2);
      throw err;
    }
    const params = analyzeGraph(doc.graph).totalParams;
    io.stdout(
      `Created ${path} from "${template.id}" (${doc.graph.layers.length} layers, ${formatCount(params)} parameters, data: ${doc.dataset?.source ?? 'none'}).\n`,
    );
    return 0;
  },
};
