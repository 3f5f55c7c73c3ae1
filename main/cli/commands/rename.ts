// `modelwright rename RUN_ID NAME`: gives a run a new display name.
import { UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { dbOption, dbUsage, openHistory, parseRunId, withHistory } from '../history.ts';

const usage = `Usage: modelwright rename RUN_ID NAME [options]

Options:
${dbUsage}`;

export const renameCommand: CliCommand = {
  name: 'rename',
  summary: 'Rename a run',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...dbOption });
    if (positionals.length < 2) throw new UsageError('give a RUN_ID and the new NAME');
    const id = parseRunId(positionals[0]);
    const name = positionals.slice(1).join(' ');
    return withHistory(openHistory(values.db), (store) => {
      store.renameRun(id, name);
      io.stdout(`Run ${id} is now "${name.trim()}".\n`);
      return 0;
    });
  },
};
