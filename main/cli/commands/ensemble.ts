// `modelwright ensemble RUN_ID RUN_ID...`: fuses trained runs that share their data into one model,
// evaluated on the members' test split, recorded as a run and exported (verified); see docs/ensembles.md.
import { resolve } from 'node:path';
import { CliError, UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { dbOption, dbUsage, formatMetric, openHistory, parseRunId, withHistory } from '../history.ts';
import { ensembleMethods, type EnsembleMethod } from '../../../app/store/ensemble.ts';
import { ExportError } from '../../export/runModel.ts';
import { ModelFolderError } from '../../model/modelFolder.ts';
import { makeEnsemble, type EnsembleReport } from '../../export/ensemble.ts';

const usage = `Usage: modelwright ensemble RUN_ID RUN_ID... [options]

Fuses two or more trained runs into one model. The runs must share their data binding and split
(train them with the same --split-seed and different --seed for seeds of one model), their task and
their outputs. The ensemble is evaluated on the members' own test split, recorded in the history as a
run of its own (beside its members in "modelwright runs" and "compare"), and exported as ONE TF.js
layers model (model.json + weights), checked by reloading it and comparing its predictions.

Options:
  --method M       average (mean of the probabilities or values; default), weighted (weights fitted
                   on the validation split) or vote (majority of the predicted classes, ties by the
                   averaged probabilities)
  --out DIR        where to write the exported model (default: beside the ensemble's saved model)
  --name TEXT      the ensemble run's name (default: "<method> of runs 1, 2, 3")
${dbUsage}
  --json           print {"runId", "test", "members": [{"runId", "test"}], "modelDir"} (and more)

Exit codes: 0 fused and verified, 1 the export did not reproduce the ensemble, 2 the runs cannot be
fused (fewer than 2, no saved model, different data or split, mixed tasks, incompatible outputs).`;

const options = {
  ...dbOption,
  method: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function reportText(r: EnsembleReport): string {
  const lines = [`Recorded run ${r.runId} (${r.runName}): ${r.method} of ${r.members.length} runs, ${r.params} parameters.`];
  const metrics = Object.keys(r.test);
  const width = Math.max(...r.members.map((m) => `run ${m.runId}`.length), 'ensemble'.length);
  const row = (label: string, test: Record<string, number | null>, extra = '') => `  ${label.padEnd(width)}  ${metrics.map((k) => `${k} ${formatMetric(test[k])}`).join('  ')}${extra}`;
  lines.push('Test split:');
  for (const m of r.members) lines.push(row(`run ${m.runId}`, m.test, `${r.method === 'weighted' ? `  weight ${m.weight.toFixed(3)}` : ''}  (${m.name})`));
  lines.push(row('ensemble', r.test));
  for (const note of r.notes) lines.push(`Note: ${note}`);
  lines.push(`Exported to ${r.modelDir}`, r.export.verification.message);
  return `${lines.join('\n')}\n`;
}

export const ensembleCommand: CliCommand = {
  name: 'ensemble',
  summary: 'Fuse trained runs into one model (average, weighted or vote), recorded and exported',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options);
    const method = (values.method ?? 'average') as EnsembleMethod;
    if (!(ensembleMethods as readonly string[]).includes(method)) throw new UsageError(`--method must be one of ${ensembleMethods.join(', ')}, not "${values.method}"`);
    const runIds = positionals.map((p) => parseRunId(p));
    if (runIds.length < 2) throw new UsageError(`an ensemble needs at least 2 runs, got ${runIds.length} (see "modelwright runs" for the ids)`);
    if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a folder');
    const report = await withHistory(openHistory(values.db), async (store) => {
      try {
        return await makeEnsemble({ store, runIds, method, outputDir: values.out === undefined ? undefined : resolve(values.out), name: values.name });
      } catch (err) {
        if (err instanceof ExportError || err instanceof ModelFolderError) throw new CliError(err.message, 2);
        if ((err as Error)?.name === 'BackendUnavailableError') throw new CliError((err as Error).message, 2);
        throw err;
      }
    });
    if (values.json) {
      const { runId, runName, method: m, test, members, params, modelDir, notes } = report;
      io.stdout(`${JSON.stringify({ runId, name: runName, method: m, test, members, params, modelDir, verification: report.export.verification, notes })}\n`);
    } else {
      io.stdout(reportText(report));
    }
    return report.export.verification.passed ? 0 : 1;
  },
};
