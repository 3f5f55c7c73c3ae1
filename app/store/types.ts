// Experiment history as the UI, the CLI and the trainer see it: plain JSON-safe result types shared by
// main/store (which reads and writes SQLite) and renderer/ (which only ever receives these objects).
import type { Graph } from '../graph/types.ts';
import type { TrainingConfig } from '../training/config.ts';
import type { DatasetBinding } from '../data/binding.ts';
import type { Evaluation } from '../training/evaluate.ts';
import type { CompareVerdict } from './verdict.ts';
import { metricScopes, runFields, runStatuses, type MetricScope, type RunField, type RunSort, type SortDirection } from './runQuery.ts';

export { runStatuses } from './runQuery.ts';
export type RunStatus = (typeof runStatuses)[number];

/** How a run was made (schema version 5, main/store/lineage.ts): trained (from scratch or warm-started), fused from others, or pruned. */
export const runKinds = ['train', 'ensemble', 'prune'] as const;
export type RunKind = (typeof runKinds)[number];

/** Statuses a writer may end a run with; `interrupted` is only ever set by the store, for runs whose writer died. */
export const finishStatuses = ['completed', 'stopped', 'diverged', 'failed'] as const;
export type FinishStatus = (typeof finishStatuses)[number];

export function isRunStatus(value: string): value is RunStatus {
  return (runStatuses as readonly string[]).includes(value);
}

/** One value of a metric: `step` is the epoch (epoch metrics) or the global batch index (batch metrics). */
export interface MetricPoint {
  step: number;
  /** null when the value was NaN (a diverged run) or missing. */
  value: number | null;
}

/** What is known about the data a run trained on; identical records are stored once. */
export interface DatasetInfo {
  /** `builtin:<id>` or the file/folder path the binding names. */
  source: string;
  /** Short display name (file name or built-in id). */
  name?: string;
  /** Absolute path of the file or folder, when the data is on disk. */
  path?: string;
  sizeBytes?: number;
  /** Hash of the file contents (hex), so "same path, different data" is visible. */
  contentHash?: string;
  rows?: number;
  columns?: string[];
  /** Column name → role (`feature`, `target`, `ignore`). */
  roles?: Record<string, string>;
}

export interface ArtifactInfo {
  id: number;
  /** e.g. `model` (a saved TF.js model folder), `export`. */
  kind: string;
  path: string;
  sizeBytes: number | null;
  /** True when the store created or was handed ownership of the folder: deleting the run deletes it. */
  owned: boolean;
  createdAt: string;
}

/**
 * Results of evaluating the trained model on the test split, exactly as the trainer computes them
 * (app/training/evaluate.ts): confusion matrix, ROC points, per-class scores, or regression pairs.
 */
export type EvaluationResult = Evaluation;

/** A run as listed: everything needed for a table row, sort and filter, without the curves. */
export interface RunSummary {
  id: number;
  name: string;
  project: string | null;
  status: RunStatus;
  error: string | null;
  note: string;
  tags: string[];
  /** ISO 8601 timestamps. */
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  backend: string;
  seed: number | null;
  appVersion: string;
  graphHash: string;
  dataset: DatasetInfo | null;
  config: TrainingConfig;
  /** Last recorded value per epoch metric. */
  final: Record<string, number | null>;
  /** Best value per epoch metric (highest for accuracy-like metrics, lowest for losses). */
  best: Record<string, number | null>;
  /** Epoch at which each best value was reached. */
  bestEpoch: Record<string, number>;
  /** Metrics on the held-out test split, recorded when the run finished. */
  test: Record<string, number | null>;
  /** Whether a completed run learned; null when it was not judged (older runs, runs that did not complete). */
  learned: boolean | null;
  /** The verdict behind `learned`: signs, likely cause and advice (null when not judged). */
  learning: import('../training/learning.ts').LearningCheck | null;
  /** The sweep this run is a trial of, and its 0-based trial number (docs/tuning.md); null for ordinary runs. */
  sweep: { id: number; trial: number } | null;
  /** How the run was made (schema version 5, main/store/lineage.ts): trained, pruned from a run, or an ensemble of runs. */
  kind: RunKind;
  /** The run it was derived from (a pruned or warm-started run's parent); null otherwise, or when that run was deleted. */
  parentRunId: number | null;
  /** The run started from a project's imported weights (`modelwright import`; docs/training.md#training-from-imported-weights). */
  fromImportedWeights?: boolean;
}

export interface RunDetail extends RunSummary {
  graph: Graph;
  datasetBinding: DatasetBinding | null;
  /** Epoch metrics by name, in epoch order. */
  epochMetrics: Record<string, MetricPoint[]>;
  /** Downsampled per-batch metrics by name, in step order. */
  batchMetrics: Record<string, MetricPoint[]>;
  evaluation: EvaluationResult | null;
  artifacts: ArtifactInfo[];
  writer: { pid: number | null; host: string | null };
  /** Present for an ensemble run: its method and members with their weights (docs/ensembles.md). */
  ensemble?: import('./ensemble.ts').EnsembleInfo;
}

/** One metric across compared runs: `values[i][j]` is run i's value at `epochs[j]` (null when that run has none). */
export interface AlignedSeries {
  metric: string;
  epochs: number[];
  values: (number | null)[][];
}

/** A configuration path whose value differs between runs: `values[i]` belongs to run i (undefined → null). */
export interface ValueDiff {
  path: string;
  values: unknown[];
}

export interface LayerDigest {
  name: string;
  type: string;
  params: Record<string, unknown>;
}

export interface LayerChange {
  name: string;
  /** Set when the layer kept its name but changed type. */
  type?: { before: string; after: string };
  params: { key: string; before: unknown; after: unknown }[];
  /** Set when the layer's inputs (by layer name, in slot order) changed. */
  inputs?: { before: string[]; after: string[] };
}

/** How one graph differs from a baseline graph, matched by layer name. */
export interface GraphDiff {
  identical: boolean;
  added: LayerDigest[];
  removed: LayerDigest[];
  changed: LayerChange[];
}

export interface RunComparison {
  runs: RunSummary[];
  series: AlignedSeries[];
  /** Training-configuration keys whose values differ, as dotted paths. */
  configDiff: ValueDiff[];
  /** Dataset differences (source, rows, content hash...). */
  datasetDiff: ValueDiff[];
  /** graphDiffs[i] compares run i's graph with run 0's (graphDiffs[0] is always identical). */
  graphDiffs: GraphDiff[];
  /** Test metrics side by side: `values[i]` belongs to run i. */
  testMetrics: { metric: string; values: (number | null)[] }[];
  /** Which run is better on the held-out metric, by how much, and whether that is beyond noise (app/store/verdict.ts). */
  verdict?: CompareVerdict | null;
}

export type { MetricScope, RunField, RunQuery, RunSort, SortDirection } from './runQuery.ts';

export interface RunPage {
  runs: RunSummary[];
  /** Runs matching the filters, across all pages. */
  total: number;
  limit: number;
  offset: number;
}

export interface LeaderboardEntry {
  rank: number;
  value: number;
  run: RunSummary;
}

const higherIsBetter = /(acc|auc|precision|recall|f1|r2|iou|dice|top_?\d*k?)/i;

/** Whether a larger value of a metric is better: accuracy-like metrics go up, losses and errors go down. */
export function metricDirection(name: string): 'max' | 'min' {
  const base = name.replace(/^(val_|test_|train_)/, '');
  if (/(loss|error|mse|mae|mape|rmse|crossentropy|huber)/i.test(base)) return 'min';
  return higherIsBetter.test(base) ? 'max' : 'min';
}


/**
 * Reads a sort specification as typed on the command line or in a URL:
 * `startedAt`, `name:asc`, `val_accuracy` (best, better first), `final:loss:asc`, `test:accuracy`.
 */
export function parseSortSpec(text: string): RunSort {
  const parts = text.trim().split(':').filter((p) => p.length > 0);
  let direction: SortDirection | undefined;
  if (parts.length > 1 && (parts.at(-1) === 'asc' || parts.at(-1) === 'desc')) direction = parts.pop() as SortDirection;
  let scope: MetricScope | undefined;
  if (parts.length > 1 && (metricScopes as readonly string[]).includes(parts[0])) scope = parts.shift() as MetricScope;
  const name = parts.join(':');
  if (!name) throw new Error(`"${text}" is not a sort order: give a metric such as val_accuracy or a field such as startedAt`);
  if (!scope && (runFields as readonly string[]).includes(name)) return { by: name as RunField, direction };
  return { by: 'metric', metric: name, scope: scope ?? 'best', direction };
}
