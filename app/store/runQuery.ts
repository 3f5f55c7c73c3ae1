// Which runs of the history to list, and in what order: the zod schema the API checks a query against,
// and the RunQuery type it gives (the store, the CLI and the Runs panel all use this one declaration).
import { z } from 'zod';

/** Every status a run can have. */
export const runStatuses = ['queued', 'running', 'completed', 'stopped', 'diverged', 'failed', 'interrupted'] as const;

/** Run fields a list can be sorted by (besides a metric). */
export const runFields = ['id', 'name', 'startedAt', 'durationMs', 'status'] as const;
export const metricScopes = ['best', 'final', 'test'] as const;

const direction = z.enum(['asc', 'desc']);
const status = z.enum(runStatuses);

export const runSortSchema = z.union([
  z.strictObject({ by: z.enum(runFields), direction: direction.optional() }),
  z.strictObject({ by: z.literal('metric'), metric: z.string().min(1), scope: z.enum(metricScopes).optional(), direction: direction.optional() }),
]);

export const runQuerySchema = z.strictObject({
  project: z.string().optional(),
  /** Matches the dataset's source, name or path exactly. */
  dataset: z.string().optional(),
  status: z.union([status, z.array(status)]).optional(),
  tag: z.string().optional(),
  /** Case-insensitive substring of the run's name or note. */
  search: z.string().max(1000).optional(),
  /** false: only completed runs that did not learn; true: only runs judged to have learned. */
  learned: z.boolean().optional(),
  /** Only the trials of this sweep. */
  sweep: z.number().int().positive().optional(),
  /** true: only runs in a lineage (made from another run, or another run was made from them: pruned, warm-started). */
  lineage: z.boolean().optional(),
  sort: runSortSchema.optional(),
  limit: z.number().int().min(0).max(100_000).optional(),
  offset: z.number().int().min(0).optional(),
});

export type RunField = (typeof runFields)[number];
export type MetricScope = (typeof metricScopes)[number];
export type SortDirection = z.output<typeof direction>;
export type RunSort = z.output<typeof runSortSchema>;
export type RunQuery = z.output<typeof runQuerySchema>;
