// `modelwright delete RUN_ID...`: removes runs from the history with their metrics and results, and
// their saved-model folders when the store owns them.
import { UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { dbOption, dbUsage, openHistory, parseRunId, withHistory } from '../history.ts';

const usage = `Usage: modelwright delete RUN_ID... [options]

Deletes runs with their metrics, results and saved models. A saved-model folder is deleted only when
it lies inside the history's artifacts folder or was recorded as owned by the run; other folders are
left on disk and listed.

Options:
${dbUsage}
  --force          also delete a run that another process is still recording`;

export const deleteCommand: CliCommand = {
  name: 'delete',
  summary: 'Delete runs with their metrics and saved models',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...dbOption, force: { type: 'boolean' } });
    if (positionals.length === 0) throw new UsageError('give the RUN_ID to delete (see "modelwright runs" for the ids)');
    const ids = positionals.map((p) => parseRunId(p));
    return withHistory(openHistory(values.db), (store) => {
      // Check every id first, so a typo in the third id does not leave the first two deleted.
      for (const id of ids) store.getRun(id);
      for (const id of ids) {
        const name = store.getRun(id).name;
        const result = store.deleteRun(id, { force: Boolean(values.force) });
        io.stdout(`Deleted run ${id} (${name}).\n`);
        for (const path of result.deletedFiles) io.stdout(`  removed ${path}\n`);
        for (const path of result.keptFiles) io.stdout(`  kept ${path} (not owned by the history; delete it yourself if unwanted)\n`);
      }
      return 0;
    });
  },
};
