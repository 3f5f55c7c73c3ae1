// A sweep as the history keeps it and as the CLI, the services and the studio show it: plain JSON-safe
// shapes shared by main/store/sweeps.ts (which reads and writes them) and every front end.
import type { DatasetBinding } from '../data/binding.ts';
import type { Graph } from '../graph/types.ts';
import type { TrainingConfig } from '../training/config.ts';
import type { Direction } from './halving.ts';
import type { TrialSettings } from './space.ts';
import type { StrategyName } from './strategies.ts';

/** `interrupted`: the process running it died (the history notices on reading); `--resume` goes on. */
export const sweepStatuses = ['running', 'completed', 'stopped', 'failed', 'interrupted'] as const;
export type SweepStatus = (typeof sweepStatuses)[number];

/**
 * A trial's state: `pending` has no run yet; `pruned` was stopped early by successive halving; the
 * others are its run's status (`interrupted` and `stopped` trials run again when the sweep resumes).
 */
export type TrialStatus = 'pending' | 'running' | 'completed' | 'pruned' | 'stopped' | 'diverged' | 'failed' | 'interrupted';

/** What every trial starts from: the project's graph and settings, and its data. */
export interface SweepBase {
  project: string | null;
  graph: Graph;
  config: TrainingConfig;
  binding: DatasetBinding;
  /** Folder relative data paths are read from. */
  baseDir?: string;
  /** A project with imported weights: their folder; every trial starts its matching layers from it (docs/training.md). */
  importedWeightsFolder?: string;
}

export interface SweepInfo {
  id: number;
  name: string;
  project: string | null;
  status: SweepStatus;
  strategy: StrategyName;
  /** The epoch metric trials are ranked on (e.g. `val_loss`), and whether lower or higher is better. */
  metric: string;
  direction: Direction;
  seed: number;
  trialCount: number;
  /** The search space as given (app/tuning/space.ts reads it). */
  space: Record<string, unknown>;
  error: string | null;
  /** ISO 8601. */
  createdAt: string;
  endedAt: string | null;
}

export interface SweepTrial {
  /** 0-based position in the plan. */
  trial: number;
  /** The run of this trial in the history (the latest, when it ran again after a crash), or null before it started. */
  runId: number | null;
  status: TrialStatus;
  settings: TrialSettings;
  /** The sweep metric at the epoch whose weights the trial kept; null when not measured. */
  score: number | null;
  /** Epochs trained. */
  epochs: number;
  /** The epoch count at which successive halving stopped it, or null. */
  stoppedAt: number | null;
  /** Test metrics of its run (accuracy, loss, ...), null when not evaluated. */
  test: Record<string, number | null> | null;
}

export interface SweepDetail extends SweepInfo {
  trials: SweepTrial[];
  /** The best trial so far by the sweep metric, or null while none has a score. */
  best: SweepTrial | null;
}
