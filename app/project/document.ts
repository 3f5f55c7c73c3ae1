// Opening, saving and creating project documents: safe parsing, version checks, migration, schema
// validation with plain-language errors, and a canonical serialization that diffs cleanly.
import type { Block, InnerLayer, ParamValue } from '../graph/types.ts';
import type { DatasetBinding } from '../data/binding.ts';
import type { TrainingConfig } from '../training/config.ts';
import { ProjectFileError, summarizeIssues } from './errors.ts';
import { migrateProject } from './migrate.ts';
import { locate, parseJsonSafely, SafeJsonError, scanJson, type SafeJsonOptions } from './safeJson.ts';
import {
  PROJECT_FORMAT,
  PROJECT_VERSION,
  projectSchema,
  type ProjectDocument,
  type ProjectDocumentInput,
  type ProjectLayout,
} from './schema.ts';

export { ProjectFileError } from './errors.ts';
export type { ProjectDocument, ProjectDocumentInput, ProjectLayout } from './schema.ts';

export interface ParseProjectOptions {
  /** Largest accepted file, in bytes; default 64 MB. */
  maxBytes?: number;
  /** Timestamp for migrated files that lack one; default: the current time. */
  now?: string;
}

/** Opens the text (or raw UTF-8 bytes) of a `.mwproj` file. Throws ProjectFileError, never anything else. */
export function parseProject(text: string | Uint8Array, options: ParseProjectOptions = {}): ProjectDocument {
  return projectFromJson(parseJsonOrThrow(text, { maxBytes: options.maxBytes }), options);
}

/** Safe JSON parse with its errors turned into ProjectFileError. */
export function parseJsonOrThrow(text: string | Uint8Array, options: SafeJsonOptions = {}): unknown {
  try {
    return parseJsonSafely(text, options);
  } catch (err) {
    if (err instanceof SafeJsonError) {
      throw new ProjectFileError(err.code, err.message, { line: err.line, column: err.column });
    }
    throw err;
  }
}

/** True when a parsed JSON value claims to be a project (of any version). */
export function looksLikeProject(value: unknown): boolean {
  return isPlainObject(value) && value.format === PROJECT_FORMAT;
}

/** Validates (and migrates, if old) an already parsed JSON value as a project document. */
export function projectFromJson(value: unknown, options: ParseProjectOptions = {}): ProjectDocument {
  if (!isPlainObject(value)) {
    throw new ProjectFileError(
      'not-a-project',
      `This is not a Modelwright project: the file holds ${Array.isArray(value) ? 'a JSON list' : `a single JSON ${value === null ? 'null' : typeof value}`}, not an object.`,
    );
  }
  if (value.format !== PROJECT_FORMAT) {
    throw new ProjectFileError(
      'not-a-project',
      `This is not a Modelwright project: it has no "format": "${PROJECT_FORMAT}" field. To open a Keras or TF.js model, import it instead.`,
      { path: 'format' },
    );
  }
  const version = value.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new ProjectFileError(
      'invalid',
      `The project file has no valid format version (expected "version": ${PROJECT_VERSION}, found ${JSON.stringify(version) ?? 'nothing'}); the file may be damaged.`,
      { path: 'version' },
    );
  }
  if (version > PROJECT_VERSION) {
    throw new ProjectFileError(
      'future-version',
      `This project was saved by a newer Modelwright (format version ${version}); update Modelwright to open it.`,
      { path: 'version' },
    );
  }
  const current =
    version < PROJECT_VERSION ? migrateProject(value, version, { now: options.now ?? new Date().toISOString() }).value : value;
  const result = projectSchema.safeParse(current, { reportInput: true });
  if (!result.success) {
    const { path, text } = summarizeIssues(result.error.issues, current);
    throw new ProjectFileError('invalid', `The project file is not valid: ${text}. Correct that entry in the file, or re-create the project.`, {
      path,
    });
  }
  return result.data;
}

/**
 * The file text of a project: validated, keys in a fixed order (schema order; parameters and positions
 * sorted), 2-space indent, trailing newline. Same document, same bytes. Throws ProjectFileError if invalid.
 */
export function serializeProject(doc: ProjectDocument | ProjectDocumentInput): string {
  const result = projectSchema.safeParse(doc, { reportInput: true });
  if (!result.success) {
    const { path, text } = summarizeIssues(result.error.issues, doc);
    throw new ProjectFileError('invalid', `Cannot save the project: ${text}.`, { path });
  }
  const text = `${JSON.stringify(canonicalize(result.data), null, 2)}\n`;
  // Never write what parseProject would refuse (e.g. a class label "constructor" in classWeights).
  const forbidden = scanJson(text).forbiddenKeyAt;
  if (forbidden) {
    const { line } = locate(text, forbidden.offset);
    throw new ProjectFileError(
      'invalid',
      `Cannot save the project: "${forbidden.key}" is a reserved word and cannot be used as a name or label (line ${line} of the file); rename it.`,
    );
  }
  return text;
}

function canonicalize(doc: ProjectDocument): ProjectDocument {
  const layerOrder = new Map(doc.graph.layers.map((l, i) => [l.id, i]));
  const positionKeys = Object.keys(doc.layout.positions).sort((a, b) => {
    const ia = layerOrder.get(a) ?? Infinity;
    const ib = layerOrder.get(b) ?? Infinity;
    return ia !== ib ? ia - ib : a < b ? -1 : a > b ? 1 : 0;
  });
  const positions: ProjectLayout['positions'] = {};
  for (const id of positionKeys) positions[id] = doc.layout.positions[id];
  return {
    ...doc,
    graph: {
      layers: doc.graph.layers.map((l) => ({ ...canonicalLayer(l), ...(l.block ? { block: canonicalBlock(l.block) } : {}) })),
      connections: doc.graph.connections.map((c) => ({ from: c.from, to: c.to, toSlot: c.toSlot })),
    },
    layout: doc.layout.viewport ? { positions, viewport: doc.layout.viewport } : { positions },
  };
}

/** A layer's fields in file order; `trainable` only when the layer is frozen (true is the default). */
function canonicalLayer(l: InnerLayer): InnerLayer {
  return { id: l.id, type: l.type, name: l.name, params: sortParams(l.params), ...(l.trainable === false ? { trainable: false } : {}) };
}

function canonicalBlock(b: Block): Block {
  return {
    definition: b.definition,
    version: b.version,
    layers: b.layers.map(canonicalLayer),
    connections: b.connections.map((c) => ({ from: c.from, to: c.to, toSlot: c.toSlot })),
    inputs: b.inputs.map((port) => port.map((t) => ({ layer: t.layer, slot: t.slot }))),
    output: b.output,
  };
}

function sortParams(params: Record<string, ParamValue>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    out[key] = isPlainObject(v) ? { type: (v as { type: string }).type, params: sortParams((v as { params?: Record<string, ParamValue> }).params ?? {}) } : v;
  }
  return out;
}

export interface NewProjectInit {
  graph?: ProjectDocument['graph'];
  layout?: ProjectLayout;
  dataset?: DatasetBinding | null;
  training?: TrainingConfig | null;
  notes?: string;
  /** Creation time (ISO); default: now. */
  now?: string;
}

/** A new, valid project document; empty graph unless one is given. Throws ProjectFileError on a bad name. */
export function newProject(name: string, init: NewProjectInit = {}): ProjectDocument {
  const now = init.now ?? new Date().toISOString();
  const input: ProjectDocumentInput = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name,
    graph: init.graph ?? { layers: [], connections: [] },
    layout: init.layout ?? { positions: {} },
    dataset: init.dataset ?? null,
    training: init.training ?? null,
    createdAt: now,
    modifiedAt: now,
  };
  if (init.notes !== undefined) input.notes = init.notes;
  const result = projectSchema.safeParse(input, { reportInput: true });
  if (!result.success) {
    const { path, text } = summarizeIssues(result.error.issues, input);
    throw new ProjectFileError('invalid', `Cannot create the project: ${text}.`, { path });
  }
  return result.data;
}

/** The document with `modifiedAt` set to `now`, for saving after an edit. */
export function touchProject(doc: ProjectDocument, now: string = new Date().toISOString()): ProjectDocument {
  return { ...doc, modifiedAt: now };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
