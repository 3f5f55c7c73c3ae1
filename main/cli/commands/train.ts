// `modelwright train`: trains a project (or Keras / TF.js model JSON) on a dataset in a trainer process,
// shows progress on stderr, records the run in the experiment history and saves the trained model.
import { dirname, resolve } from 'node:path';
import { CliError, UsageError, intFlag, numberFlag, parseCommandArgs, type CliCommand, type CliIO } from '../command.ts';
import { loadProjectFile, checkedTrainingConfig } from '../projectFile.ts';
import { dbUsage, formatDuration, formatMetric, parseRunId, toCliError } from '../history.ts';
import { formatRate } from '../../../app/format.ts';
import { builtinDatasetIds, datasetBindingSchema, type DatasetBinding } from '../../../app/data/binding.ts';
import { backendNames, optimizerNames, type AugmentSettings, type TrainingConfig } from '../../../app/training/config.ts';
import { parseAugmentFlag } from '../augmentFlag.ts';
import { threadsFlag } from '../threadsFlag.ts';
import { bindingForData } from '../projectEdits.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { machineCores } from '../../engine/cores.ts';
import type { ProgressEvent } from '../../../app/training/progress.ts';
import { lossTitle } from '../../../app/training/loss.ts';
import { positiveScores } from '../../../app/training/evaluate.ts';
import { PARALLELISM_WORDS, type TrainingResult, type WarmStartReport } from '../../../app/training/protocol.ts';
import { testSummary } from '../../trainer/recording.ts';
import { startRun, type RunRequest } from '../../trainer/startRun.ts';
import { planResume } from '../../trainer/resumePlan.ts';
import { planWarmStart } from '../../trainer/warmStartPlan.ts';
import { planImportedWeights } from '../../trainer/importedWeightsPlan.ts';
import { TrainingSupervisor } from '../../trainer/supervisor.ts';
import { openStore, type ExperimentStore } from '../../store/experimentStore.ts';
import { isDiskFullError } from '../../store/pendingHistory.ts';
import { resolveDbPath } from '../../store/location.ts';

const usage = `Usage: modelwright train FILE --data (PATH|builtin:NAME) [options]
       modelwright train FILE --warm-start RUN_ID [options]
       modelwright train --resume RUN_ID [--threads N] [--db PATH] [--json]

Trains the model in FILE (a .mwproj project, or a Keras / TF.js model JSON) on a dataset, evaluates it
on a held-out test split, saves it, and records the run in the history.

Options:
  --data SOURCE          a CSV/TSV file, an image folder (one subfolder per class), or builtin:NAME
                         (${builtinDatasetIds.join(', ')}); default: the project's dataset
  --target COL           the column to predict (tables and text)
  --task T               classification, regression or reconstruction (default: decided from the target)
  --epochs N             passes over the training rows
  --batch-size N         rows per weight update
  --learning-rate X      step size of the optimizer
  --optimizer NAME       ${optimizerNames.join(', ')}
  --validation-split F   fraction of the non-test rows held out to watch for overfitting
  --test-split F         fraction of all rows held out for the final evaluation
  --seed N               same seed, same data, same backend: same run
  --split-seed N         the seed of the train/validation/test split alone (default: --seed); runs with
                         different --seed but one --split-seed share their test rows (docs/ensembles.md)
  --backend B            ${backendNames.join(', ')} (default auto: the fastest that loads)
  --threads N            cores the run computes with, 1 to ${machineCores()} on this computer (default: the
                         project's setting, else all of them); results do not depend on it (docs/training.md#cores)
  --augment SPEC         image augmentation of the training batches, e.g.
                         "flip=horizontal,rotation=15,zoom=0.1,shift=0.1,brightness=0.2" (flip: none,
                         horizontal, vertical, both; rotation in degrees 0-180; zoom, shift 0-0.5;
                         brightness 0-1; seed=N, default --seed), on top of the project's; "none" turns
                         it off (see docs/training.md#augmentation)
  --out DIR              where to save the trained model (default: the history's artifacts folder)
  --name TEXT            the run's name (default: what differs from the project's previous run,
                         e.g. "lr 0.01 · batch 8")
${dbUsage}
  --json                 print one JSON object with the result at the end
  --strict               exit 1 when the run completed but the model did not learn
  --warm-start RUN_ID    start from run RUN_ID's saved model: every layer whose name and weight shapes
                         match takes its weights, the others start fresh; the new run records RUN_ID as
                         its parent (see docs/training.md#warm-start); a project from "modelwright import"
                         starts from its imported weights the same way unless --warm-start is given
  --resume RUN_ID        continue an interrupted or failed run (its trainer or host was killed) from its
                         last checkpoint for its remaining epochs, as the same run (see docs/training.md)

Settings not given on the command line come from the project, then from the defaults
(see docs/training.md). Ctrl-C stops after the current batch and keeps what was learned so far.

A run that completes but learns nothing (a loss that does not fall, one class for every row, accuracy
no better than always answering the most common class, AUC near 0.5, R² below 0) still completes; it
says "did not learn", why, and the one change to try (see docs/training.md#did-not-learn).

Exit codes: 0 the run completed (learned or not, unless --strict) or was stopped, 1 it failed or
diverged (or, with --strict, did not learn), 2 bad usage or unreadable input.`;

const options = {
  data: { type: 'string' },
  target: { type: 'string' },
  task: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  'learning-rate': { type: 'string' },
  optimizer: { type: 'string' },
  'validation-split': { type: 'string' },
  'test-split': { type: 'string' },
  seed: { type: 'string' },
  'split-seed': { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  augment: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
  resume: { type: 'string' },
  'warm-start': { type: 'string' },
} as const;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

type TrainValues = ReturnType<typeof parseCommandArgs<typeof options>>['values'];

function buildConfig(base: Partial<TrainingConfig> | null, v: TrainValues): TrainingConfig {
  const merged: Record<string, unknown> = structuredClone(base ?? {});
  const optimizer = { ...(merged.optimizer as object | undefined) } as Record<string, unknown>;
  const name = oneOf(v.optimizer, optimizerNames, '--optimizer');
  if (name) optimizer.name = name;
  const lr = numberFlag(v['learning-rate'], '--learning-rate', Number.MIN_VALUE, 1000);
  if (lr !== undefined) optimizer.learningRate = lr;
  merged.optimizer = optimizer;
  const set = (key: keyof TrainingConfig, value: unknown) => { if (value !== undefined) merged[key] = value; };
  set('epochs', intFlag(v.epochs, '--epochs', 0));
  set('batchSize', intFlag(v['batch-size'], '--batch-size', 1));
  set('validationSplit', numberFlag(v['validation-split'], '--validation-split', 0, 0.99));
  set('testSplit', numberFlag(v['test-split'], '--test-split', 0, 0.99));
  set('seed', intFlag(v.seed, '--seed', 0));
  set('splitSeed', intFlag(v['split-seed'], '--split-seed', 0));
  set('backend', oneOf(v.backend, backendNames, '--backend'));
  set('threads', threadsFlag(v.threads));
  if (v.augment !== undefined) {
    const augment = parseAugmentFlag(v.augment, merged.augment as AugmentSettings | undefined);
    if (augment) merged.augment = augment;
    else delete merged.augment;
  }
  return checkedTrainingConfig(merged);
}

/** The data binding of a run from the project's and the flags (--data, --target, --task); `sweep` uses it too. */
export function buildBinding(project: DatasetBinding | null, v: Pick<TrainValues, 'data' | 'target' | 'task'>, fileDir: string, graph: Graph): { binding: DatasetBinding; baseDir: string } {
  let raw: Record<string, unknown>;
  let baseDir = fileDir;
  if (v.data !== undefined) {
    // A new source replaces the project's dataset; column settings of another file would not apply. It is
    // read as `new --data` reads it: an image folder at the Input's size, a CSV as text for a text model.
    const fresh = bindingForData(v.data, undefined, graph);
    // Naming the project's own dataset again keeps its settings (task, columns, text and image options).
    raw = project && project.source === fresh.source ? { ...project } : { ...fresh };
    baseDir = process.cwd();
  } else if (project) {
    raw = { ...project };
  } else {
    throw new UsageError('give the data to train on with --data PATH or --data builtin:NAME (the file names no dataset)');
  }
  if (v.target !== undefined) raw.target = v.target;
  const task = oneOf(v.task, ['classification', 'regression', 'reconstruction'] as const, '--task');
  if (task) raw.task = task;
  const parsed = datasetBindingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`the dataset settings are invalid at ${issue.path.join('.') || 'top level'}: ${issue.message}`, 2);
  }
  return { binding: parsed.data, baseDir };
}

function logsText(logs: Record<string, number | null>): string {
  return Object.entries(logs).map(([k, v]) => `${k} ${formatMetric(v)}`).join('  ');
}

/** Progress on stderr: a redrawn bar on a terminal, one line per epoch otherwise (logs and CI). */
function progressPrinter(io: CliIO) {
  let barShown = false;
  let noted = false;
  const clearBar = () => { if (barShown) { io.stderr('\r\x1b[2K'); barShown = false; } };
  return {
    event(e: ProgressEvent) {
      const head = `epoch ${e.epoch + 1}/${e.epochs}`;
      if (e.type === 'batch') {
        if (!io.isTTY) return;
        const done = (e.batch + 1) / Math.max(1, e.batchesPerEpoch);
        const width = 24;
        const filled = Math.round(done * width);
        const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
        io.stderr(`\r\x1b[2K${head} ${bar} loss ${formatMetric(e.logs.loss)}  ${formatRate(e.samplesPerSec, '-')}  ETA ${formatDuration(e.etaMs)}`);
        barShown = true;
        return;
      }
      clearBar();
      io.stderr(`${head}  ${logsText(e.logs)}  ${formatRate(e.samplesPerSec, '-')}  ${formatDuration(e.durationMs)}\n`);
      // Said once, when it first shows: the verdict at the end repeats it with the advice.
      if (e.note && !noted) {
        noted = true;
        io.stderr(`note: ${e.note}\n`);
      }
    },
    clear: clearBar,
  };
}

export function summaryText(result: TrainingResult, runId: number | null, name: string): string {
  const lines = [`${result.status}: ${result.message}`];
  if (result.advice) lines.push(`what to do: ${result.advice}`);
  const didNotLearn = result.learning?.learned === false;
  if (didNotLearn) {
    lines[0] = `${result.status} — did not learn: ${result.message}`;
    if (result.learning?.cause) lines.push(`likely cause: ${result.learning.cause}`);
  }
  const more = result.learning?.learned ? result.learning.stillImproving : null;
  if (more) lines.push(`still improving when it stopped: ${more.sign}; try: ${more.advice} (--epochs ${more.change.value})`);
  if (result.status !== 'failed' || result.epochsCompleted > 0) {
    lines.push(`backend ${result.backend ?? '-'}, ${result.epochsCompleted}/${result.epochs} epochs, ${formatRate(result.samplesPerSec, '-')}, ${formatDuration(result.durationMs)}`);
    if (result.parallelChoice) lines.push(`threads: ${result.parallelChoice}`);
  }
  const test = testSummary(result);
  if (test) {
    const e = result.test!.evaluation;
    if (e.task === 'classification') {
      const auc = e.classes.length > 2 ? 'AUC (macro, one-vs-rest)' : 'AUC';
      lines.push(`test (${e.count} rows): accuracy ${formatMetric(e.accuracy)}, F1 (macro average) ${formatMetric(e.macro.f1)}, ${auc} ${formatMetric(e.auc)}, loss ${formatMetric(test.loss)}`);
      const positive = positiveScores(e);
      if (positive) lines.push(`positive class "${positive.label}": precision ${formatMetric(positive.precision)}, recall ${formatMetric(positive.recall)}, F1 ${formatMetric(positive.f1)}`);
    } else {
      lines.push(`test (${e.count} rows): MSE ${formatMetric(e.mse)}, MAE ${formatMetric(e.mae)}, R² ${formatMetric(e.r2)}`);
    }
  } else if (result.testNote) {
    lines.push(`test: ${result.testNote}`);
  }
  // The did-not-learn verdict is already said above, in parts.
  for (const w of result.warnings) if (!(didNotLearn && w.startsWith('did not learn'))) lines.push(`note: ${w}`);
  if (result.modelDir) lines.push(`model saved to ${result.modelDir}`);
  if (runId !== null) lines.push(`recorded as run ${runId} "${name}" (see "modelwright show ${runId}")`);
  return `${lines.join('\n')}\n`;
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a model on a dataset, evaluate it on a test split, save it and record the run',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options);
    if (values.resume !== undefined) return resumeTraining(values, positionals, io);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the model FILE to train' : `give one FILE, got ${positionals.length}`);
    const file = resolve(positionals[0]);

    const loaded = await loadProjectFile(file);
    const doc = loaded.document;
    const config = buildConfig(doc.training, values);
    const { binding, baseDir } = buildBinding(doc.dataset, values, dirname(file), doc.graph);
    for (const w of loaded.warnings) io.stderr(`note: ${w}\n`);

    let store: ExperimentStore;
    try {
      store = openStore(resolveDbPath(values.db));
    } catch (err) {
      throw toCliError(err);
    }
    let derived: RunRequest['derived'];
    if (values['warm-start'] !== undefined) {
      try {
        derived = planWarmStart(store, parseRunId(values['warm-start']), doc.graph);
      } catch (err) {
        closeStore(store);
        throw toCliError(err);
      }
    } else if (doc.weights) {
      // A project from `modelwright import`: its layers start from the weights beside it (matching by name and shape).
      try {
        derived = planImportedWeights(dirname(file), doc.weights);
      } catch (err) {
        closeStore(store);
        throw toCliError(err);
      }
    }
    return trainAndReport(store, {
      origin: 'cli',
      derived,
      graph: doc.graph,
      config,
      binding,
      data: { binding, baseDir },
      project: doc.name,
      name: values.name,
      outputDir: values.out ? resolve(values.out) : undefined,
    }, values, io);
  },
};

/** `--resume RUN_ID`: the run's own graph, settings, data and folder from the history; nothing else may be given. */
async function resumeTraining(values: TrainValues, positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length > 0) throw new UsageError('--resume RUN_ID takes no FILE: the run\'s own model, settings and data are used');
  // The cores change the speed only, so a resumed run may take another count.
  const threads = threadsFlag(values.threads);
  const given = Object.keys(values).filter((k) => !['resume', 'db', 'json', 'strict', 'threads'].includes(k));
  if (given.length > 0) throw new UsageError(`--resume continues a run with its own settings; --${given[0]} cannot be changed`);
  const runId = parseRunId(values.resume);
  let store: ExperimentStore;
  try {
    store = openStore(resolveDbPath(values.db), { mustExist: true });
  } catch (err) {
    throw toCliError(err);
  }
  let plan;
  try {
    plan = await planResume(store, runId);
  } catch (err) {
    closeStore(store);
    throw toCliError(err);
  }
  io.stderr(`resuming run ${runId} "${plan.name}" after epoch ${plan.resume.epoch + 1} of ${plan.config.epochs} (weights from ${plan.resume.from}; the optimizer's state starts afresh)\n`);
  return trainAndReport(store, { origin: 'cli', ...plan, ...(threads !== undefined ? { config: { ...plan.config, threads } } : {}) }, values, io);
}

/** What a command that trains prints at the end instead of train's own result (`prune` does). */
export type PresentResult = (ended: { runId: number; name: string; result: TrainingResult }) => Promise<void>;

/** Starts the run, shows its progress, prints the result (or `present`s it); closes the history. */
export async function trainAndReport(store: ExperimentStore, request: RunRequest, values: Pick<TrainValues, 'json' | 'strict'>, io: CliIO, present?: PresentResult): Promise<number> {
    try {
      const printer = progressPrinter(io);
      let warmStart: WarmStartReport | undefined;
      // The same starter and recording as the studio's: the run exists from `started`, and one that fails
      // before it (bad data, a shape mismatch) is still kept as failed with its reason. Without --out, the
      // model lives in the history's artifacts folder, so deleting the run deletes it.
      const { session, name, recorded } = startRun(store, new TrainingSupervisor(), request, {
        onStarted: (_runId, info) => {
          const tried = info.tried.map((t) => `${t.backend}: ${t.error}`).join('; ');
          io.stderr(`training on ${info.backend}${info.threads !== undefined ? ` with ${info.threads} thread${info.threads === 1 ? '' : 's'}${info.parallelism ? ` (${PARALLELISM_WORDS[info.parallelism]})` : ''}` : ''}${tried ? ` (${tried})` : ''}${info.backendChoice ? ` [auto: ${info.backendChoice}]` : ''}: ${info.trainSamples} training, ${info.validationSamples} validation, ${info.testSamples} test rows; loss: ${lossTitle(info.loss).toLowerCase()}\n`);
          warmStart = info.warmStart;
          if (info.warmStart) io.stderr(`${warmStartText(request.derived, info.warmStart)}\n`);
        },
        onStoreError: (err) => { printer.clear(); io.stderr(`note: could not record progress in the history: ${(err as Error)?.message ?? err}\n`); },
      });
      session.onProgress((e) => printer.event(e));

      // First Ctrl-C: stop after the current batch and keep the model; a second one ends the trainer.
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts === 1) { printer.clear(); io.stderr('stopping after the current batch (Ctrl-C again to abort)...\n'); session.stop(); } else session.kill();
      };
      process.on('SIGINT', onSigint);
      const { runId, result, historyPending } = await recorded.done.finally(() => process.off('SIGINT', onSigint));
      printer.clear();
      if (historyPending) {
        // The model is safe; the history could not take the run's end. Said plainly, exit 2, nothing dropped.
        const saved = result.modelDir ? `model saved at ${result.modelDir}` : `training ${result.status} (${result.message})`;
        const kept = historyPending.file
          ? `run ${runId}'s metrics and result are kept in ${historyPending.file} and added to the history the next time modelwright opens it with room to write`
          : `run ${runId} stays "interrupted" in the history`;
        throw new CliError(`${saved}; history not updated: ${historyPending.reason} (${store.path}); ${kept}`, 2);
      }

      if (present) {
        await present({ runId, name, result });
      } else if (values.json) {
        io.stdout(`${JSON.stringify({
          runId,
          name,
          status: result.status,
          // true or false for a completed run; null when not judged (stopped, diverged, failed, 0 epochs).
          learned: result.learning?.learned ?? null,
          message: result.message,
          ...(result.advice ? { advice: result.advice } : {}),
          backend: result.backend,
          ...(result.backendChoice ? { backendChoice: result.backendChoice } : {}),
          // Threads the backend computed with (wasm: replicas or the threaded build's pool, see parallelism; cpu 1); null for tensorflow and webgpu.
          threads: result.threads ?? null,
          parallelism: result.parallelism ?? null,
          ...(result.parallelChoice ? { parallelChoice: result.parallelChoice } : {}),
          epochs: result.epochsCompleted,
          epochsPlanned: result.epochs,
          loss: result.loss,
          history: result.history,
          test: testSummary(result),
          evaluation: result.test?.evaluation ?? null,
          durationMs: Math.round(result.durationMs),
          samplesPerSec: result.samplesPerSec,
          modelDir: result.modelDir,
          warnings: result.warnings,
          // The run this one started from and what it took from it (null for a run from scratch).
          parentRunId: request.derived?.lineage.parentRunId ?? null,
          warmStart: warmStart && request.derived?.lineage.parentRunId != null ? { fromRunId: request.derived.lineage.parentRunId, ...warmStart } : null,
          // A project from `modelwright import`: the weights folder and the layers that took its weights.
          importedWeights: warmStart && request.derived?.lineage.parentRunId === null ? { folder: request.derived.weightsFrom, ...warmStart } : null,
        })}\n`);
      } else {
        io.stdout(summaryText(result, runId, name));
      }
      if (values.strict && result.learning?.learned === false) return 1;
      return result.status === 'completed' || result.status === 'stopped' ? 0 : 1;
    } catch (err) {
      throw toCliError(err);
    } finally {
      closeStore(store);
    }
}

/**
 * A warm start in one line: the layers initialized from the parent's model (or from the project's imported
 * weights), then each skipped one with why.
 */
function warmStartText(derived: RunRequest['derived'], report: WarmStartReport): string {
  const skipped = report.skipped.map((s) => `; ${s.name} starts fresh: ${s.reason}`).join('');
  const parentRunId = derived?.lineage.parentRunId;
  if (derived && parentRunId === null) {
    const total = report.layers.length + report.skipped.length;
    return `started from imported weights (${derived.weightsFrom}): ${report.layers.length} of ${total} layers initialized from them (${report.layers.join(', ')})${skipped}`;
  }
  return `warm start from run ${parentRunId ?? '?'}: ${report.layers.join(', ')} initialized from its weights${skipped}`;
}

/** Closes the history; batch points that still cannot be written to a full disk are let go (the run's end is kept beside its model). */
export function closeStore(store: ExperimentStore): void {
  try {
    store.close();
  } catch (err) {
    if (!isDiskFullError(err)) throw err;
  }
}
