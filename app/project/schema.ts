// The `.mwproj` project file, version 1, as a zod schema: what a file must contain to be opened, and
// the limits that refuse absurd or hostile content before anything else looks at it.
import { z } from 'zod';
import { graphLimits, graphSchema, keySafe, nameSchema } from '../graph/schema.ts';
import { datasetBindingSchema } from '../data/binding.ts';
import { trainingConfigSchema } from '../training/config.ts';
import { importedWeightsSchema } from './importedWeights.ts';

export const PROJECT_FORMAT = 'modelwright-project';
/** The version this build writes. Files with a lower version are migrated (migrate.ts); higher ones are refused. */
export const PROJECT_VERSION = 1;
export const PROJECT_EXTENSION = '.mwproj';

/** The graph's limits, and the project's own: notes and canvas coordinates. */
export const projectLimits = {
  ...graphLimits,
  maxNotesLength: 100_000,
  maxCoordinate: 10_000_000,
} as const;

const coordinate = z.number().min(-projectLimits.maxCoordinate).max(projectLimits.maxCoordinate);

export const positionSchema = z.strictObject({ x: coordinate, y: coordinate });

export const viewportSchema = z.strictObject({
  x: coordinate,
  y: coordinate,
  zoom: z.number().gt(0).max(100),
});

export const layoutSchema = z.strictObject({
  positions: z.record(keySafe(projectLimits.maxIdLength), positionSchema).default({}),
  viewport: viewportSchema.optional(),
});

export const projectSchema = z.strictObject({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(PROJECT_VERSION),
  name: nameSchema,
  graph: graphSchema,
  layout: layoutSchema.default({ positions: {} }),
  dataset: datasetBindingSchema.nullable().default(null),
  training: trainingConfigSchema.nullable().default(null),
  /** Weights imported with the model, in a folder beside the file (./importedWeights.ts). */
  weights: importedWeightsSchema.optional(),
  createdAt: z.iso.datetime(),
  modifiedAt: z.iso.datetime(),
  notes: z.string().max(projectLimits.maxNotesLength).optional(),
});

export type ProjectDocument = z.output<typeof projectSchema>;
/** What a file may contain: defaults (params, layout, dataset, training, toSlot) may be left out. */
export type ProjectDocumentInput = z.input<typeof projectSchema>;
export type ProjectLayout = ProjectDocument['layout'];
export type Position = z.output<typeof positionSchema>;
