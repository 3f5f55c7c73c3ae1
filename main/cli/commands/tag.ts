// `modelwright tag RUN_ID TAG...`: adds tags to a run (or removes them with --remove).
import { UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { dbOption, dbUsage, openHistory, parseRunId, withHistory } from '../history.ts';

const usage = `Usage: modelwright tag RUN_ID TAG... [options]

Adds tags to a run; "modelwright runs --tag TAG" lists the runs with a tag.

Options:
${dbUsage}
  --remove         remove these tags instead`;

export const tagCommand: CliCommand = {
  name: 'tag',
  summary: 'Tag a run (or untag it with --remove)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...dbOption, remove: { type: 'boolean' } });
    const [idText, ...tags] = positionals;
    const id = parseRunId(idText);
    const clean = tags.map((t) => t.trim()).filter(Boolean);
    if (clean.length === 0) throw new UsageError('give at least one TAG after the RUN_ID');
    return withHistory(openHistory(values.db), (store) => {
      if (values.remove) store.untagRun(id, clean);
      else store.tagRun(id, clean);
      const now = store.getRun(id).tags;
      io.stdout(`Run ${id} tags: ${now.length ? now.join(', ') : '(none)'}\n`);
      return 0;
    });
  },
};
