// `modelwright db check|reset`: is the history database sound, and, when it is damaged, keep it as a
// backup and start a new one (the action the damaged-database message offers).
import { CliError, UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { dbOption, dbUsage, toCliError } from '../history.ts';
import { resolveDbPath } from '../../store/location.ts';
import { backupAndReset, checkDatabase } from '../../store/reset.ts';

const usage = `Usage: modelwright db check [--db PATH]
       modelwright db reset [--db PATH] [--force]

check  opens the history database and runs SQLite's integrity check; exit 0 when it is sound,
       1 when it is damaged.
reset  moves a damaged database (and its -wal/-shm files) aside as PATH.corrupt-<time>, keeping it
       as a backup, and starts a new, empty history at PATH. A sound database is left alone unless
       --force is given. Nothing is deleted.

Options:
${dbUsage}
  --force          reset even a database that is not damaged (it is still kept as a backup)`;

export const dbCommand: CliCommand = {
  name: 'db',
  summary: 'Check the history database, or keep a damaged one as a backup and start a new one',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...dbOption, force: { type: 'boolean' } });
    const [action, ...extra] = positionals;
    if (action !== 'check' && action !== 'reset') {
      throw new UsageError(action === undefined ? 'give an action: check or reset' : `unknown action "${action}"; use check or reset`);
    }
    if (extra.length > 0) throw new UsageError(`db ${action} takes no further arguments, got "${extra[0]}"`);
    const path = resolveDbPath(values.db);
    try {
      if (action === 'check') {
        if (values.force) throw new UsageError('--force only applies to db reset');
        const health = checkDatabase(path);
        if (health.state === 'missing') throw new CliError(health.message, 2);
        if (health.state === 'damaged') {
          io.stderr(`${health.message.split('\n')[0]}\n`);
          return 1;
        }
        io.stdout(`ok: ${path} passes SQLite's integrity check (${health.runs} run${health.runs === 1 ? '' : 's'})\n`);
        return 0;
      }
      const result = backupAndReset(path, { force: values.force });
      io.stdout(`kept the old history as ${result.backupPath}\n`);
      for (const [from, to] of result.moved.slice(1)) io.stdout(`  and moved ${from} to ${to}\n`);
      io.stdout(`started a new, empty history at ${path}\n`);
      return 0;
    } catch (err) {
      throw toCliError(err);
    }
  },
};
