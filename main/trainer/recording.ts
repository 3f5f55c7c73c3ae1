// Records a training session in the experiment store from the moment it starts: the run (with the
// backend really used), epoch and batch metrics, the final status, the test evaluation and the saved
// model. One module for every front end (through the run starter, ./startRun.ts).
import type { DatasetBinding } from '../../app/data/binding.ts';
import { dataSourceName } from '../../app/data/sourceName.ts';
import type { Graph } from '../../app/graph/types.ts';
import type { TrainingConfig } from '../../app/training/config.ts';
import { positiveScores, type Evaluation } from '../../app/training/evaluate.ts';
import type { StartedInfo, TrainingResult } from '../../app/training/protocol.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
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
  readonly done: Promise<{ runId: number; result: TrainingResult }>;
}

/** The `test` metrics worth a column: the compiled metrics plus the evaluation's headline numbers. */
export function testSummary(result: TrainingResult): Record<string, number | null> | null {
  if (!result.test) return null;
  const out: Record<string, number | null> = { ...result.test.logs };
  const e = result.test.evaluation as unknown as Evaluation;
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

  const create = (backend: string): number => {
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
    runId = id;
    resolveRunId(id);
    return id;
  };

  session.onStarted((info) => {
    try {
      const id = create(info.backend);
      hooks.onStarted?.(id, info);
    } catch (err) {
      report(err);
      rejectRunId(err);
      // Without a record the run would be invisible in the history; end it rather than train unrecorded.
      session.kill();
    }
  });

  session.onProgress((event) => {
    if (runId === null) return;
    try {
      if (event.type === 'epoch') {
        store.appendEpochMetrics(runId, event.epoch, { ...event.logs, lr: event.learningRate });
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
    const id = runId ?? create(result.backend ?? 'none');
    store.finishRun(id, result.status, {
      error: result.status === 'failed' || result.status === 'diverged' ? [result.message, result.advice].filter(Boolean).join('; ') : undefined,
      durationMs: result.durationMs,
      evaluation: result.test ? (result.test.evaluation as never) : undefined,
      testMetrics: testSummary(result) ?? undefined,
      artifacts: result.modelDir ? [{ kind: 'model', path: result.modelDir, owned: input.modelOwned }] : undefined,
      learning: result.learning,
    });
    return { runId: id, result };
  });
  done.catch((err) => { report(err); rejectRunId(err); });
  return { runId: runIdPromise, done };
}
