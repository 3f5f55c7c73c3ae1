// `modelwright note RUN_ID TEXT`: sets the free-text note of a run (searched by "runs --search").
import { UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { dbOption, dbUsage, openHistory, parseRunId, withHistory } from '../history.ts';

const usage = `Usage: modelwright note RUN_ID TEXT [options]

Sets the note of a run, replacing the previous one; an empty TEXT ("") clears it.

Options:
${dbUsage}`;

export const noteCommand: CliCommand = {
  name: 'note',
  summary: 'Set the note of a run',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...dbOption });
    if (positionals.length < 2) throw new UsageError('give a RUN_ID and the note TEXT (in quotes)');
    const id = parseRunId(positionals[0]);
    const text = positionals.slice(1).join(' ');
    return withHistory(openHistory(values.db), (store) => {
      store.setNote(id, text);
      io.stdout(text ? `Run ${id} note set.\n` : `Run ${id} note cleared.\n`);
      return 0;
    });
  },
};
