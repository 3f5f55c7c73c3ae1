// `modelwright templates [--json]`: lists the built-in project templates, what each is for and the data it trains on.
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { templates } from '../../../app/templates/index.ts';
import { parseCommandArgs, UsageError, type CliCommand } from '../command.ts';
import { formatCount } from '../../../app/format.ts';
import { formatTable } from '../table.ts';

const usage = `Usage: modelwright templates [--json]

Lists the templates that "modelwright new TEMPLATE -o FILE" can start a project from.

Options:
  --json   Print a JSON list of {"id", "title", "description", "dataset", "task", "layers", "totalParams"}.`;

export const templatesCommand: CliCommand = {
  name: 'templates',
  summary: 'List the project templates',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`takes no arguments, got "${positionals[0]}"`);
    const list = templates.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      dataset: t.dataset.source,
      task: t.dataset.task,
      layers: t.graph.layers.length,
      totalParams: analyzeGraph(t.graph).totalParams,
    }));
    if (values.json) {
      io.stdout(`${JSON.stringify(list)}\n`);
      return 0;
    }
    let out = formatTable(
      [{ header: 'Template' }, { header: 'Title' }, { header: 'Data' }, { header: 'Layers', align: 'right' }, { header: 'Params', align: 'right' }],
      list.map((t) => [t.id, t.title, t.dataset, String(t.layers), formatCount(t.totalParams)]),
    );
    out += '\n';
    for (const t of list) out += `${t.id}\n  ${t.description}\n`;
    out += '\nStart one with: modelwright new TEMPLATE -o FILE.mwproj\n';
    io.stdout(out);
    return 0;
  },
};
