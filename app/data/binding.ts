// Dataset binding: which data a project trains on and how it is turned into tensors. Stored in the
// project file; the preprocessing fitted from it travels with every trained model.
import { z } from 'zod';

export const builtinDatasetIds = ['iris', 'mnist', 'two-moons', 'intents', 'sentiment', 'housing', 'sensors'] as const;
export type BuiltinDatasetId = (typeof builtinDatasetIds)[number];

export const columnRoleSchema = z.enum(['feature', 'target', 'ignore']);
export const columnTypeSchema = z.enum(['numeric', 'categorical', 'text']);

export const columnSpecSchema = z.object({
  name: z.string(),
  role: columnRoleSchema,
  /** Overrides the inferred type. */
  type: columnTypeSchema.optional(),
});

export const datasetBindingSchema = z.object({
  /** `builtin:<id>` or a path to a CSV/TSV file or an image folder (one subfolder per class). */
  source: z.string().min(1),
  kind: z.enum(['table', 'images', 'text']).default('table'),
  /** `auto` decides from the target column: few distinct values or text → classification. */
  task: z.enum(['auto', 'classification', 'regression', 'reconstruction']).default('auto'),
  /** Target column (table and text data). Image folders take the class from the subfolder. */
  target: z.string().optional(),
  /** Per-column roles and type overrides; columns not listed are features of their inferred type. */
  columns: z.array(columnSpecSchema).default([]),
  scaling: z.enum(['standard', 'minmax', 'none']).default('standard'),
  missing: z.enum(['drop-row', 'mean', 'zero']).default('drop-row'),
  text: z
    .object({
      /** The column of sentences; absent: the column with the longest values that is not the target. */
      column: z.string().optional(),
      vocabSize: z.number().int().min(2).max(1_000_000).default(2000),
      sequenceLength: z.number().int().min(1).max(100_000).default(32),
      lowercase: z.boolean().default(true),
    })
    .optional(),
  image: z
    .object({
      width: z.number().int().min(1).max(4096),
      height: z.number().int().min(1).max(4096),
      channels: z.union([z.literal(1), z.literal(3)]),
    })
    .optional(),
  /** Rows kept when a large file should be sampled; absent means all rows. */
  limitRows: z.number().int().min(1).optional(),
  /**
   * Training reads a table file from disk in batches instead of loading it: true always, false never,
   * absent when the file is over 64 MB (see docs/data.md). Tables only; memory stays flat at any size.
   */
  stream: z.boolean().optional(),
});

export type DatasetBinding = z.infer<typeof datasetBindingSchema>;
