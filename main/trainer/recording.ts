// Records a training session in the experiment store from the moment it starts: the run (with the
// backend really used), epoch and batch metrics, the final status, the test evaluation and the saved
// model. One module for every front end (through the run starter, ./startRun.ts).
import type { DatasetBinding } from '../../app/data/binding.ts';
import { dataSourceName } from '../../app/data/sourceName.ts';
import type { Graph } from '../../app/graph/types.ts';
import type { TrainingConfig } from '../../app/training/config.ts';
import { positiveScores } from '../../app/training/evaluate.ts';
import type { StartedInfo, TrainingResult } from '../../app/training/protocol.ts';
import { existsSync } from 'node:fs';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { setLineage, type LineageInput } from '../store/lineage.ts';
import { isDiskFullError, writePendingHistory } from '../store/pendingHistory.ts';
import type { EpochMetricRow } from '../store/recording.ts';
import type { TrainingSession } from './supervisor.ts';

export interface RunRecordInput {
  name: string;
  project?: string;
  graph: Graph;
  config: TrainingConfig;
  binding?: DatasetBinding;
  tags?: string[];
  /** True when the model folder belongs to the history (deleting the run deletes it). */
  modelOwned: boolean;
  /** The sweep this run is a trial of, and which trial. */
  sweep?: { id: number; trial: number };
  /**
   * The folder the trainer saves the model in, recorded (as the run's `output`) when the run starts: a run
   * whose end cannot be written to a full history keeps it there (main/store/pendingHistory.ts).
   */
  modelDir?: string;
  /** A resumed run (already reopened in the store, main/store/reopenRun.ts): recorded under this id, not a new one. */
  existingRunId?: number;
  /** How the run was made when not trained from scratch (a pruned child of its parent), main/store/lineage.ts. */
  lineage?: LineageInput;
}

/** The run ended, but the history could not record its end: it waits in `file` for the next open of the history. */
export interface HistoryPending {
  reason: string;
  file: string | null;
}

export interface RecordHooks {
  /** The run is recorded and the trainer has started (backend loaded, data read). */
  onStarted?(runId: number, info: StartedInfo): void;
  /** Writing to the history failed; the training goes on. */
  onStoreError?(err: unknown): void;
}

export interface RecordedSession {
  /** The store's id for the run, once recorded (at `started`, or at the end for a run that never started). */
  readonly runId: Promise<number>;
  /** The result, after it has been written to the store. */
  readonly done: Promise<{ runId: number; result: TrainingResult; historyPending?: HistoryPending }>;
}

/** The `test` metrics worth a column: the compiled metrics plus the evaluation's headline numbers. */
export function testSummary(result: TrainingResult): Record<string, number | null> | null {
  if (!result.test) return null;
  const out: Record<string, number | null> = { ...result.test.logs };
  const e = result.test.evaluation;
  if (e.task === 'classification') {
    Object.assign(out, { accuracy: e.accuracy, macroPrecision: e.macro.precision, macroRecall: e.macro.recall, macroF1: e.macro.f1, auc: e.auc });
    // Two classes: the positive class's own scores beside the macro ones (its name is in the evaluation).
    const positive = positiveScores(e);
    if (positive) Object.assign(out, { precision: positive.precision, recall: positive.recall, f1: positive.f1 });
  } else {
    Object.assign(out, { mse: e.mse, mae: e.mae, r2: e.r2 });
  }
  return out;
}

/**
 * Wires a session to the store. Store failures while recording metrics never stop the training (the
 * run still ends with a result); they are reported through `onStoreError`.
 */
export function recordSession(
  store: ExperimentStore,
  session: TrainingSession,
  input: RunRecordInput,
  hooks: RecordHooks = {},
): RecordedSession {
  let runId: number | null = null;
  let resolveRunId!: (id: number) => void;
  let rejectRunId!: (err: unknown) => void;
  const runIdPromise = new Promise<number>((resolve, reject) => { resolveRunId = resolve; rejectRunId = reject; });
  runIdPromise.catch(() => {});
  const report = (err: unknown) => { try { hooks.onStoreError?.(err); } catch { /* a logger must not break recording */ } };

  const create = (backend: string, started: boolean): number => {
    if (input.existingRunId !== undefined) {
      runId = input.existingRunId;
      resolveRunId(runId);
      return runId;
    }
    const id = store.createRun({
      name: input.name,
      project: input.project,
      graph: input.graph,
      config: input.config,
      datasetBinding: input.binding,
      dataset: input.binding ? { source: input.binding.source, name: dataSourceName(input.binding.source) } : undefined,
      backend,
      tags: input.tags,
      sweep: input.sweep,
    });
    if (input.lineage) setLineage(store, id, input.lineage);
    // Only a run that trains has a model folder to find later (a run that never started has nothing there).
    if (input.modelDir && started) store.addArtifact(id, { kind: 'output', path: input.modelDir, owned: input.modelOwned });
    runId = id;
    resolveRunId(id);
    return id;
  };

  session.onStarted((info) => {
    try {
      const id = create(info.backend, true);
      // A warm start's derivation gets the layers the trainer initialized and those it skipped, with why.
      const { lineage } = input;
      // So does a run from a project's imported weights (the same matching; main/trainer/importedWeightsPlan.ts).
      const key = lineage?.derivation?.warmStart ? 'warmStart' : lineage?.derivation?.importedWeights ? 'importedWeights' : null;
      const recorded = key ? lineage!.derivation![key] : null;
      if (lineage && info.warmStart && key && recorded && typeof recorded === 'object') {
        setLineage(store, id, { ...lineage, derivation: { ...lineage.derivation, [key]: { ...recorded, ...info.warmStart } } });
      }
      hooks.onStarted?.(id, info);
    } catch (err) {
      report(err);
      rejectRunId(err);
      // Without a record the run would be invisible in the history; end it rather than train unrecorded.
      session.kill();
    }
  });

  // Epoch metrics that could not be written (a full disk) wait here, retried with every later epoch and at the end.
  const unwritten: EpochMetricRow[] = [];
  const retryUnwritten = () => {
    if (runId === null || unwritten.length === 0) return;
    store.appendEpochMetricRows(runId, unwritten);
    unwritten.length = 0;
  };

  session.onProgress((event) => {
    if (runId === null) return;
    try {
      if (event.type === 'epoch') {
        const rows = Object.entries({ ...event.logs, lr: event.learningRate }).map(([name, value]) => ({ epoch: event.epoch, name, value: value ?? null }));
        unwritten.push(...rows);
        retryUnwritten();
      } else {
        const values = Object.fromEntries(Object.entries(event.logs).filter((kv): kv is [string, number] => kv[1] !== null));
        store.appendBatchMetrics(runId, [{ step: event.epoch * event.batchesPerEpoch + event.batch, values }]);
      }
    } catch (err) {
      report(err);
    }
  });

  const done = session.done.then((result) => {
    // A run that failed before it started (bad data, no backend) is still kept, as failed.
    const id = runId ?? create(result.backend ?? 'none', false);
    const finish = {
      error: result.status === 'failed' || result.status === 'diverged' ? [result.message, result.advice].filter(Boolean).join('; ') : undefined,
      durationMs: result.durationMs,
      evaluation: result.test?.evaluation,
      testMetrics: testSummary(result) ?? undefined,
      artifacts: result.modelDir ? [{ kind: 'model', path: result.modelDir, owned: input.modelOwned }] : undefined,
      learning: result.learning,
    };
    try {
      retryUnwritten();
      // What pruning did to each kernel joins the derivation (e.g. `prune.layers`), so the history says which layers were pruned.
      const { lineage } = input;
      if (lineage && result.pruned && lineage.derivation?.prune && typeof lineage.derivation.prune === 'object') {
        setLineage(store, id, { ...lineage, derivation: { ...lineage.derivation, prune: { ...lineage.derivation.prune, layers: result.pruned } } });
      }
      store.finishRun(id, result.status, finish);
    } catch (err) {
      if (!isDiskFullError(err)) throw err;
      report(err);
      // Kept beside the model, written into the history by its next open (once there is room).
      const folder = input.modelDir ?? result.modelDir;
      let file: string | null = null;
      try {
        if (folder && existsSync(folder)) {
          file = writePendingHistory(folder, { database: store.path, runId: id, epochs: [...unwritten], finish: { status: result.status, result: finish } });
        }
      } catch (writeErr) {
        report(writeErr);
      }
      return { runId: id, result, historyPending: { reason: 'disk full', file } };
    }
    return { runId: id, result };
  });
  done.catch((err) => { report(err); rejectRunId(err); });
  return { runId: runIdPromise, done };
}
