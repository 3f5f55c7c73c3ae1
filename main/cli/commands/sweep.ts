// `modelwright sweep`: tunes a project's settings automatically — trains trials over a search space in
// parallel trainer processes, each recorded as a run grouped under the sweep, and reports the best.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError, UsageError, intFlag, parseCommandArgs, type CliCommand, type CliIO } from '../command.ts';
import { loadProjectFile, checkedTrainingConfig } from '../projectFile.ts';
import { dbUsage, formatMetric, toCliError } from '../history.ts';
import { buildBinding } from './train.ts';
import { builtinDatasetIds } from '../../../app/data/binding.ts';
import { backendNames, type TrainingConfig } from '../../../app/training/config.ts';
import { parseSpaceText, SpaceError, type SearchSpace } from '../../../app/tuning/space.ts';
import { strategyNames, type StrategyName } from '../../../app/tuning/strategies.ts';
import { defaultSweepMetric } from '../../../app/tuning/ranking.ts';
import type { SweepDetail, SweepTrial } from '../../../app/tuning/types.ts';
import { checkSweep, createSweep, defaultParallel, runSweep, sweepThreads, type NewSweep } from '../../services/sweepRunner.ts';
import { threadsFlag } from '../threadsFlag.ts';
import { cliDefaultThreads, machineCores } from '../../engine/cores.ts';
import { TrainingSupervisor } from '../../trainer/supervisor.ts';
import { openStore, type ExperimentStore } from '../../store/experimentStore.ts';
import { resolveDbPath } from '../../store/location.ts';
import { SweepStore } from '../../store/sweeps.ts';
import { planImportedWeights } from '../../trainer/importedWeightsPlan.ts';
import type { ProjectDocument } from '../../../app/project/document.ts';

const usage = `Usage: modelwright sweep FILE --data SOURCE --space SPACE.json --trials N [options]
       modelwright sweep --resume SWEEP_ID [--parallel P] [--threads N] [--db PATH] [--json]

Tunes the settings of the model in FILE (a .mwproj project, or a Keras / TF.js model JSON): trains N
trials over the search space in SPACE.json, several at once, ranks them on a validation metric and
reports the best. Every trial is a run in the history, grouped under the sweep (see docs/tuning.md).

SPACE.json names settings as the compare view does, each with its values:
  {"optimizer.learningRate": {"logUniform": [0.0001, 0.1]}, "batchSize": {"choice": [16, 32, 64]},
   "layers.hidden_1.units": {"int": [8, 64]}, "layers.drop.rate": {"uniform": [0, 0.5]}}

Options:
  --data SOURCE        a CSV/TSV file, an image folder, or builtin:NAME (${builtinDatasetIds.join(', ')});
                       default: the project's dataset
  --target COL         the column to predict (tables and text)
  --space FILE         the search space (JSON)
  --trials N           how many trials (grid: at most N of its combinations; default the whole grid)
  --strategy S         ${strategyNames.join(', ')} (default random); halving stops the worst trials early
  --parallel P         trainer processes at once (default ${defaultParallel()}: the cores but one)
  --epochs N           epochs per trial (default: the project's)
  --metric NAME        the epoch metric trials are ranked on (default ${defaultSweepMetric}; e.g. val_accuracy)
  --seed N             seeds the choice of trials (default 42); the trials train with the project's seed
  --backend B          ${backendNames.join(', ')} (default: the project's)
  --threads N          cores the whole sweep computes with, 1 to ${machineCores()} here (default: the project's
                       setting, else all of them), shared equally by the parallel trials: each gets
                       N ÷ P rounded down, at least 1, so P trainers never oversubscribe the cores
  --name TEXT          the sweep's name
  --resume SWEEP_ID    go on with a sweep that was stopped or killed: finished trials are kept
${dbUsage}
  --json               print one JSON object at the end:
                       {"sweepId", "status", "error", "best": {"runId", "settings", "test"}, "trials": [{"runId", "status", "settings", "test"}]}

Ctrl-C stops the running trials after their current batch; resume with --resume SWEEP_ID.

Exit codes: 0 the sweep ran (or was stopped), 1 no trial could be scored, 2 bad usage or unreadable input.`;

const options = {
  data: { type: 'string' },
  target: { type: 'string' },
  space: { type: 'string' },
  trials: { type: 'string' },
  strategy: { type: 'string' },
  parallel: { type: 'string' },
  epochs: { type: 'string' },
  metric: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  name: { type: 'string' },
  resume: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>['values'];

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

async function readSpace(path: string): Promise<SearchSpace> {
  let text: string;
  try {
    text = await readFile(resolve(path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`--space: cannot read "${path}"${code === 'ENOENT' ? ' (no such file)' : code === 'EISDIR' ? ' (it is a folder)' : ''}`, 2);
  }
  try {
    return parseSpaceText(text);
  } catch (err) {
    if (err instanceof SpaceError) throw new CliError(`--space ${path}: ${err.message}`, 2);
    throw err;
  }
}

function settingsText(settings: Record<string, unknown>): string {
  const show = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(4))) : typeof v === 'string' ? v : JSON.stringify(v));
  return Object.entries(settings).map(([k, v]) => `${k}=${show(v)}`).join(' ');
}

/** A plain-text report: trials best first, then the best trial's settings and test metrics. */
function summaryText(detail: SweepDetail): string {
  const lines = [`sweep ${detail.id} ${detail.status}: ${detail.trials.filter((t) => t.runId !== null).length}/${detail.trialCount} trials, ranked on ${detail.metric} (${detail.direction === 'max' ? 'higher' : 'lower'} is better)`];
  const ranked = [...detail.trials].sort((a, b) => (a.score === null ? 1 : 0) - (b.score === null ? 1 : 0)
    || (detail.direction === 'max' ? (b.score ?? 0) - (a.score ?? 0) : (a.score ?? 0) - (b.score ?? 0)));
  for (const t of ranked) {
    lines.push(`  #${String(t.trial + 1).padEnd(3)} ${t.status.padEnd(11)} ${detail.metric} ${formatMetric(t.score).padEnd(8)} ${String(t.epochs).padStart(4)} epochs  run ${t.runId ?? '-'}  ${settingsText(t.settings)}`);
  }
  if (detail.best) {
    const test = detail.best.test;
    lines.push(`best: trial ${detail.best.trial + 1} (run ${detail.best.runId}): ${settingsText(detail.best.settings)}`);
    if (test) lines.push(`best on the test rows: ${Object.entries(test).filter(([k]) => ['accuracy', 'loss', 'macroF1', 'mae', 'r2'].includes(k)).map(([k, v]) => `${k} ${formatMetric(v)}`).join(', ')}`);
  } else {
    lines.push(detail.status === 'failed' && detail.error ? `no trial could be scored: ${detail.error}` : 'no trial could be scored (see the runs for why)');
  }
  if (detail.status === 'stopped' || detail.status === 'interrupted') lines.push(`resume with: modelwright sweep --resume ${detail.id}`);
  return `${lines.join('\n')}\n`;
}

function trialJson(t: SweepTrial) {
  return { runId: t.runId, trial: t.trial + 1, status: t.status, settings: t.settings, score: t.score, epochs: t.epochs, test: t.test };
}

export function sweepJson(detail: SweepDetail) {
  return {
    sweepId: detail.id,
    status: detail.status,
    strategy: detail.strategy,
    metric: detail.metric,
    // Why a failed sweep ended (null otherwise).
    error: detail.error,
    best: detail.best ? { runId: detail.best.runId, settings: detail.best.settings, score: detail.best.score, test: detail.best.test } : null,
    trials: detail.trials.map(trialJson),
    epochsSpent: detail.trials.reduce((sum, t) => sum + t.epochs, 0),
  };
}

/** Everything a new sweep needs, read and checked before the history is opened (bad input creates no database). */
async function prepareSweep(positionals: string[], values: Values, io: CliIO): Promise<NewSweep> {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the model FILE to tune (or --resume SWEEP_ID)' : `give one FILE, got ${positionals.length}`);
  if (values.space === undefined) throw new UsageError('give the search space with --space SPACE.json');
  const strategy: StrategyName = oneOf(values.strategy, strategyNames, '--strategy') ?? 'random';
  const trials = intFlag(values.trials, '--trials', 1);
  if (trials === undefined && strategy !== 'grid') throw new UsageError('give the number of trials with --trials N');
  const epochs = intFlag(values.epochs, '--epochs', 1);
  const seed = intFlag(values.seed, '--seed', 0) ?? 42;
  intFlag(values.parallel, '--parallel', 1);
  const backend = oneOf(values.backend, backendNames, '--backend');
  const threads = threadsFlag(values.threads);
  const space = await readSpace(values.space);
  const file = resolve(positionals[0]);
  const loaded = await loadProjectFile(file);
  const doc = loaded.document;
  const config: TrainingConfig = checkedTrainingConfig({ ...(doc.training ?? {}), ...(backend ? { backend } : {}), ...(threads !== undefined ? { threads } : {}) });
  const { binding, baseDir } = buildBinding(doc.dataset, values, dirname(file), doc.graph);
  for (const w of loaded.warnings) io.stderr(`note: ${w}\n`);
  const sweep: NewSweep = {
    base: {
      project: doc.name ?? null, graph: doc.graph, config, binding, baseDir,
      // A project from `modelwright import`: every trial starts from its weights (refused at once when they are missing).
      ...(doc.weights ? { importedWeightsFolder: importedFolder(file, doc.weights) } : {}),
    },
    space, strategy, trials: trials ?? Number.MAX_SAFE_INTEGER, seed, metric: values.metric ?? defaultSweepMetric, epochs, name: values.name,
  };
  spaceCheck(values.space, () => checkSweep(sweep));
  return sweep;
}

/** The folder of the project's imported weights, or a one-line CliError when it is not beside the project. */
function importedFolder(file: string, weights: NonNullable<ProjectDocument['weights']>): string {
  try {
    return planImportedWeights(dirname(file), weights).weightsFrom;
  } catch (err) {
    throw toCliError(err);
  }
}

/** SpaceErrors (a path or value that does not fit the project, a bad metric) as one-line CLI errors. */
function spaceCheck<T>(spaceFile: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SpaceError) throw new CliError(`${err.path === null && /metric|validation/.test(err.message) ? '--metric' : `--space ${spaceFile}`}: ${err.message}`, 2);
    throw err;
  }
}

async function run(store: ExperimentStore, sweepId: number, values: Values, io: CliIO): Promise<number> {
  const parallel = intFlag(values.parallel, '--parallel', 1) ?? defaultParallel();
  const plan = new SweepStore(store).plan(sweepId);
  const total = plan.plan.length;
  const cores = { threads: threadsFlag(values.threads), defaultThreads: cliDefaultThreads() };
  const threads = sweepThreads(plan.base.config, parallel, cores);
  io.stderr(`sweep ${sweepId}: ${total} trials (${plan.info.strategy}), ${parallel} at a time on ${threads} core${threads === 1 ? '' : 's'} each, ranked on ${plan.info.metric}\n`);
  const sweep = runSweep(store, sweepId, {
    supervisor: new TrainingSupervisor(),
    parallel,
    ...cores,
    onTrialStarted: (e) => io.stderr(`trial ${e.trial + 1}/${total} started as run ${e.runId}: ${settingsText(e.settings)}\n`),
    onTrialFinished: (e) => {
      const r = e.result;
      const how = r.status === 'pruned' ? `pruned after epoch ${r.stoppedAt}` : `${r.status}, ${r.epochs} epochs`;
      io.stderr(`trial ${e.trial + 1}/${total} ${how}: ${plan.info.metric} ${formatMetric(r.score)}${r.status === 'failed' || r.status === 'diverged' ? ` (${r.message})` : ''}\n`);
    },
    log: (m) => io.stderr(`note: ${m}\n`),
  });
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) { io.stderr(`stopping the trials after their current batch (resume with --resume ${sweepId})...\n`); sweep.stop(); } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  const detail = await sweep.done.finally(() => process.off('SIGINT', onSigint));
  io.stdout(values.json ? `${JSON.stringify(sweepJson(detail))}\n` : summaryText(detail));
  return detail.best || detail.status === 'stopped' ? 0 : 1;
}

export const sweepCommand: CliCommand = {
  name: 'sweep',
  summary: 'Tune settings automatically: train trials over a search space in parallel and report the best',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options);
    const prepared = values.resume === undefined ? await prepareSweep(positionals, values, io) : null;
    let store: ExperimentStore;
    try {
      store = openStore(resolveDbPath(values.db));
    } catch (err) {
      throw toCliError(err);
    }
    try {
      if (values.resume !== undefined) {
        const id = Number(values.resume.replace(/^#/, ''));
        if (!Number.isSafeInteger(id) || id < 1) throw new UsageError(`--resume needs a sweep id like 3, got "${values.resume}"`);
        if (positionals.length > 0 || values.space !== undefined || values.data !== undefined) {
          io.stderr(`note: resuming sweep ${id} with its recorded project, data and space; FILE, --data and --space are not read again\n`);
        }
        const plan = new SweepStore(store).plan(id);
        if (plan.info.status === 'completed') {
          io.stderr(`note: sweep ${id} already completed; nothing to resume\n`);
          const detail = new SweepStore(store).get(id);
          io.stdout(values.json ? `${JSON.stringify(sweepJson(detail))}\n` : summaryText(detail));
          return 0;
        }
        return await run(store, id, values, io);
      }
      const created = spaceCheck(values.space, () => createSweep(store, prepared!));
      if (created.note) io.stderr(`note: ${created.note}\n`);
      return await run(store, created.sweepId, values, io);
    } catch (err) {
      throw toCliError(err);
    } finally {
      store.close();
    }
  },
};
