// Magnitude pruning (issue 15): what a pruning job asks for and the gradual schedule it follows. The
// trainer (main/trainer/pruning.ts) zeroes the smallest weights of every Dense and convolution kernel
// to the scheduled sparsity after each optimizer step; this module is the pure part both sides share.
import { z } from 'zod';

/**
 * The polynomial schedule of Zhu & Gupta ("To prune, or not to prune", 2017), as TF Model Optimization's
 * `PolynomialDecay` uses it: sparsity rises from `initialSparsity` at step 0 to the target at
 * `endFraction` of the fine-tune's steps, fast at first and slower near the end (`power` 3), and stays
 * at the target for the remaining steps so the network recovers. Masks are recomputed every
 * `frequency` steps while it rises and applied after every step.
 */
export const pruneScheduleSchema = z.object({
  kind: z.literal('polynomial').default('polynomial'),
  initialSparsity: z.number().min(0).max(0.99).default(0),
  power: z.number().min(1).max(10).default(3),
  endFraction: z.number().min(0).max(1).default(0.7),
  frequency: z.number().int().min(1).default(10),
});

export const pruneSpecSchema = z.object({
  /** Fraction of each pruned kernel's weights that are exactly zero at the end, strictly between 0 and 1. */
  sparsity: z.number().gt(0).lt(1),
  schedule: pruneScheduleSchema.prefault({}),
});

export type PruneSchedule = z.output<typeof pruneScheduleSchema>;
export type PruneSpec = z.output<typeof pruneSpecSchema>;

/** Layer classes whose `kernel` is pruned (biases and every other weight stay as trained). */
export const prunableLayerClasses: readonly string[] = ['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose'];

/** What pruning did to one layer's kernel, counted in the saved weights. */
export const prunedLayerSchema = z.object({
  layer: z.string(),
  className: z.string(),
  weights: z.number().int().min(0),
  zeros: z.number().int().min(0),
});
export type PrunedLayer = z.output<typeof prunedLayerSchema>;

/** The one-line error for a sparsity that is not a number strictly between 0 and 1 (null: it is fine). */
export function sparsityProblem(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value >= 1) {
    return `the sparsity must be a number between 0 and 1 (exclusive), e.g. 0.8 for 80% zeros; got ${typeof value === 'number' ? value : JSON.stringify(value)}`;
  }
  return null;
}

/** The sparsity the schedule asks for after `step` optimizer steps (0-based) of `totalSteps`. */
export function scheduledSparsity(spec: PruneSpec, step: number, totalSteps: number): number {
  const { initialSparsity, power, endFraction } = spec.schedule;
  const start = Math.min(initialSparsity, spec.sparsity);
  const endStep = Math.floor(endFraction * totalSteps);
  if (totalSteps <= 0 || step >= endStep) return spec.sparsity;
  const progress = Math.max(0, Math.min(1, (step + 1) / endStep));
  return spec.sparsity + (start - spec.sparsity) * (1 - progress) ** power;
}

/** Whether the masks are recomputed after this step: every `frequency` steps while the sparsity rises, and once at the end of the ramp. */
export function isMaskUpdateStep(spec: PruneSpec, step: number, totalSteps: number): boolean {
  const endStep = Math.floor(spec.schedule.endFraction * totalSteps);
  if (step >= endStep) return step === endStep || step === 0;
  return (step + 1) % spec.schedule.frequency === 0 || step === 0;
}

/** How many of `size` weights a kernel pruned to `sparsity` has set to zero (rounded up, so a kernel is never below its target). */
export function prunedCount(size: number, sparsity: number): number {
  return Math.min(size, Math.ceil(sparsity * size - 1e-9));
}

/** What `export.prune` resolves with: the new child run, its parent, the sparsity and its test metrics (null if it has none). */
export interface PruneOutcome {
  runId: number;
  parentRunId: number;
  sparsity: number;
  test: Record<string, number | null> | null;
}
