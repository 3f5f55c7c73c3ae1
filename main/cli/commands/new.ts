// `modelwright new TEMPLATE -o FILE [--force] [--name NAME]`: writes a new project from a template.
import { stat } from 'node:fs/promises';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { ProjectFileError } from '../../../app/project/errors.ts';
import { getTemplate, projectFromTemplate, templates } from '../../../app/templates/index.ts';
import { writeProjectFile } from '../../files/projectFiles.ts';
import { CliError, parseCommandArgs, UsageError, type CliCommand } from '../command.ts';
import { formatCount } from '../../../app/format.ts';

const usage = `Usage: modelwright new TEMPLATE -o FILE [--force] [--name NAME]

Creates a project file from a template (see "modelwright templates"), ready to train on its
built-in dataset.

Options:
  -o, --output FILE   Where to write the project (conventionally *.mwproj).
  --force             Overwrite FILE if it exists (the old file stays intact if writing fails).
  --name NAME         Project name (default: the template's title).`;

export const newCommand: CliCommand = {
  name: 'new',
  summary: 'Create a project file from a template',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      name: { type: 'string' },
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

    try {
      const doc = projectFromTemplate(template, values.name === undefined ? {} : { name: values.name });
      await writeProjectFile(path, doc);
    } catch (err) {
      if (err instanceof ProjectFileError) throw new CliError(err.message, 2);
      throw err;
    }
    const params = analyzeGraph(template.graph).totalParams;
    io.stdout(
      `Created ${path} from "${template.id}" (${template.graph.layers.length} layers, ${formatCount(params)} parameters, data: ${template.dataset.source}).\n`,
    );
    return 0;
  },
};
