// The `.mwproj` project file, version 1, as a zod schema: what a file must contain to be opened, and
// the limits that refuse absurd or hostile content before anything else looks at it.
import { z } from 'zod';
import type { ParamValue } from '../graph/types.ts';
import { datasetBindingSchema } from '../data/binding.ts';
import { trainingConfigSchema } from '../training/config.ts';
import { FORBIDDEN_KEYS } from './safeJson.ts';

export const PROJECT_FORMAT = 'modelwright-project';
/** The version this build writes. Files with a lower version are migrated (migrate.ts); higher ones are refused. */
export const PROJECT_VERSION = 1;
export const PROJECT_EXTENSION = '.mwproj';

/** Limits far above any real model but low enough that a hostile file cannot exhaust memory or time. */
export const projectLimits = {
  maxLayers: 100_000,
  maxConnections: 400_000,
  maxInputSlot: 1_023,
  maxNameLength: 200,
  maxIdLength: 200,
  maxTypeLength: 100,
  maxParamNameLength: 100,
  maxParamsPerLayer: 200,
  maxStringParamLength: 10_000,
  maxArrayParamLength: 1_024,
  maxWrapperDepth: 4,
  /** Largest size of one dimension (units, filters, a shape entry): TF.js indexes tensors with int32. */
  maxDimension: 2 ** 31 - 1,
  /** Largest number of values in one sample of an input or reshape target. */
  maxElementsPerSample: 2 ** 31 - 1,
  maxNotesLength: 100_000,
  maxCoordinate: 10_000_000,
} as const;

/**
 * Parameters that are sizes or counts: every number in them must be a whole number ≥ 1 (null stands
 * for "unknown until run time" in shapes). Catches `units: 0` or `shape: [-1]` at load time.
 */
export const dimensionParams: ReadonlySet<string> = new Set([
  'units', 'filters', 'inputDim', 'outputDim', 'kernelSize', 'poolSize', 'strides', 'dilationRate', 'size',
  'shape', 'batchInputShape', 'inputShape', 'targetShape', 'n', 'inputLength', 'depthMultiplier', 'dims',
  'numHeads', 'keyDim', 'valueDim', 'outputShape', 'attentionAxes', 'vocabularySize', 'sequenceLength', 'embeddingDim',
]);
/** Dimension parameters that describe a whole tensor, whose product must stay within maxElementsPerSample. */
const tensorShapeParams: ReadonlySet<string> = new Set(['shape', 'batchInputShape', 'inputShape', 'targetShape']);

/** Describes what is wrong with a parameter value, or returns null when it is acceptable. */
export function paramValueProblem(name: string, value: unknown, depth = 0): string | null {
  const L = projectLimits;
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `"${name}" must be a finite number`;
    if (dimensionParams.has(name) && !isDimension(value)) return dimensionMessage(name, value);
    return null;
  }
  if (typeof value === 'string') {
    return value.length > L.maxStringParamLength
      ? `"${name}" is ${value.length} characters long; the limit is ${L.maxStringParamLength}`
      : null;
  }
  if (Array.isArray(value)) {
    if (value.length > L.maxArrayParamLength) {
      return `"${name}" has ${value.length} entries; the limit is ${L.maxArrayParamLength}`;
    }
    const nested = value.some((v) => Array.isArray(v));
    for (const v of value) {
      if (nested) {
        // Pairs such as padding [[top, bottom], [left, right]].
        if (!Array.isArray(v) || v.length > L.maxArrayParamLength || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          return `"${name}" must be a list of numbers or a list of lists of numbers`;
        }
      } else if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        return `"${name}" must be a list of numbers (null for an unknown dimension)`;
      } else if (typeof v === 'number' && dimensionParams.has(name) && !isDimension(v) && !(name === 'targetShape' && v === -1)) {
        // Reshape's targetShape may hold one -1: "whatever size is left over".
        return dimensionMessage(name, v);
      }
    }
    if (tensorShapeParams.has(name) && !nested) {
      const product = value.reduce<number>((p, v) => (typeof v === 'number' && v > 0 ? p * v : p), 1);
      if (product > L.maxElementsPerSample) {
        return `"${name}" [${value.join(', ')}] describes ${product.toExponential(2)} values per sample; the limit is 2^31 − 1`;
      }
    }
    return null;
  }
  if (typeof value === 'object') {
    // A wrapped inner layer (Bidirectional, TimeDistributed).
    if (depth >= L.maxWrapperDepth) return `"${name}" wraps layers more than ${L.maxWrapperDepth} levels deep`;
    const inner = value as Record<string, unknown>;
    const keys = Object.keys(inner);
    if (typeof inner.type !== 'string' || inner.type.length === 0 || inner.type.length > L.maxTypeLength) {
      return `"${name}" must be a wrapped layer with a "type"`;
    }
    if (keys.some((k) => k !== 'type' && k !== 'params')) {
      return `"${name}" (a wrapped layer) may only have "type" and "params", not ${keys.filter((k) => k !== 'type' && k !== 'params').map((k) => `"${k}"`).join(', ')}`;
    }
    const params = inner.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return `"${name}.params" must be an object`;
    for (const [k, v] of Object.entries(params)) {
      const problem = paramValueProblem(k, v, depth + 1);
      if (problem) return `in the layer wrapped by "${name}": ${problem}`;
    }
    return null;
  }
  return `"${name}" has a value of an unsupported kind (${typeof value})`;
}

function isDimension(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= projectLimits.maxDimension;
}

function dimensionMessage(name: string, value: number): string {
  return `"${name}" must be a whole number from 1 to 2147483647, but is ${value}`;
}

/**
 * A string that becomes an object key in the file (layer ids key the positions): the words the safe
 * parser refuses as keys are refused here too, or a saved file could not be opened again.
 */
const keySafe = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !FORBIDDEN_KEYS.has(s), { error: (iss) => `"${String(iss.input)}" is a reserved word and cannot be used here` });

const paramValueSchema = z.custom<ParamValue>((v) => v !== undefined, { error: 'a parameter value is missing' });

export const paramsSchema = z
  .record(keySafe(projectLimits.maxParamNameLength), paramValueSchema)
  .superRefine((params, ctx) => {
    const keys = Object.keys(params);
    if (keys.length > projectLimits.maxParamsPerLayer) {
      ctx.addIssue({ code: 'custom', message: `a layer has ${keys.length} parameters; the limit is ${projectLimits.maxParamsPerLayer}` });
      return;
    }
    for (const key of keys) {
      const problem = paramValueProblem(key, params[key]);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
  });

const nameSchema = z
  .string()
  .max(projectLimits.maxNameLength)
  .refine((s) => s.trim().length > 0, { error: 'must not be empty' });

export const layerSchema = z.strictObject({
  id: keySafe(projectLimits.maxIdLength),
  type: z.string().min(1).max(projectLimits.maxTypeLength),
  name: nameSchema,
  params: paramsSchema.default({}),
});

export const connectionSchema = z.strictObject({
  from: z.string().min(1).max(projectLimits.maxIdLength),
  to: z.string().min(1).max(projectLimits.maxIdLength),
  toSlot: z.number().int().min(0).max(projectLimits.maxInputSlot).default(0),
});

export const graphSchema = z
  .strictObject({
    layers: z.array(layerSchema).max(projectLimits.maxLayers),
    connections: z.array(connectionSchema).max(projectLimits.maxConnections).default([]),
  })
  .superRefine((graph, ctx) => {
    // Connections and positions refer to ids, so two layers with one id make the file ambiguous;
    // everything else (missing targets, duplicate names, cycles) is left to analyzeGraph so the user can fix it.
    const seen = new Map<string, number>();
    graph.layers.forEach((layer, i) => {
      const first = seen.get(layer.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['layers', i, 'id'],
          message: `the id "${layer.id}" is already used by layer ${first + 1}; every layer needs its own id`,
        });
      } else {
        seen.set(layer.id, i);
      }
    });
  });

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
  createdAt: z.iso.datetime(),
  modifiedAt: z.iso.datetime(),
  notes: z.string().max(projectLimits.maxNotesLength).optional(),
});

export type ProjectDocument = z.output<typeof projectSchema>;
/** What a file may contain: defaults (params, layout, dataset, training, toSlot) may be left out. */
export type ProjectDocumentInput = z.input<typeof projectSchema>;
export type ProjectLayout = ProjectDocument['layout'];
export type Position = z.output<typeof positionSchema>;
