// Opens whatever model file a user hands over — a Modelwright project or a Keras / TF.js model JSON —
// as a project document, deciding by content (not extension) and naming what it found when it can't.
import { importKerasModel, KerasImportError } from '../keras/import.ts';
import { looksLikeProject, newProject, parseJsonOrThrow, projectFromJson, type ProjectDocument } from './document.ts';
import { ProjectFileError } from './errors.ts';
import { projectLimits } from './schema.ts';

export type ModelFileKind =
  /** A `.mwproj` Modelwright project. */
  | 'project'
  /** A TF.js `model.json`: `{ modelTopology, weightsManifest, format: "layers-model", ... }`. */
  | 'tfjs-model-json'
  /** `{ class_name, config }`: TF.js `model.toJSON()` or Keras `model.to_json()` (also wrapped in `model_config`). */
  | 'keras-topology';

export interface LoadedModel {
  kind: ModelFileKind;
  document: ProjectDocument;
  /** Things the import could not carry over exactly (empty for projects). */
  warnings: string[];
}

export interface LoadOptions {
  /** Project name when the model itself has none (typically the file name without extension). */
  name: string;
  maxBytes?: number;
  /** Creation time of an imported project; default: now. */
  now?: string;
}

/** Decides what a parsed JSON value is, or explains why it is no model Modelwright can open. */
export function detectModelJson(value: unknown): ModelFileKind {
  if (looksLikeProject(value)) return 'project';
  if (isObject(value)) {
    if ('modelTopology' in value) {
      const topology = value.modelTopology;
      if (value.format === 'graph-model' || (isObject(topology) && 'node' in topology)) {
        throw new ProjectFileError(
          'unknown-format',
          'This is a TF.js graph model (converted from a SavedModel), which has no layers to edit; only layers models (saved with model.save() in TF.js or converted from Keras) can be opened.',
        );
      }
      return 'tfjs-model-json';
    }
    if (('class_name' in value && 'config' in value) || 'model_config' in value) return 'keras-topology';
  }
  const what = Array.isArray(value) ? 'a JSON list' : isObject(value) ? 'JSON' : `a single JSON ${value === null ? 'null' : typeof value}`;
  throw new ProjectFileError(
    'unknown-format',
    `This is ${what}, but neither a Modelwright project (no "format": "modelwright-project") nor a Keras or TF.js model (no "modelTopology", no "class_name" and "config").`,
  );
}

/** Opens the text or bytes of a project or model file. Throws ProjectFileError with a one-line message. */
export function loadModelText(input: string | Uint8Array, options: LoadOptions): LoadedModel {
  refuseKnownBinaryFormats(input);
  let value = parseJsonOrThrow(input, { maxBytes: options.maxBytes });
  // `model.toJSON()` returns a string: saved as-is with JSON.stringify, the file holds JSON inside a JSON string.
  if (typeof value === 'string' && /^\s*\{/.test(value)) value = parseJsonOrThrow(value, { maxBytes: options.maxBytes });
  const kind = detectModelJson(value);
  if (kind === 'project') return { kind, document: projectFromJson(value, { now: options.now }), warnings: [] };

  let imported: ReturnType<typeof importKerasModel>;
  try {
    imported = importKerasModel(value);
  } catch (err) {
    if (err instanceof ProjectFileError) throw err;
    // The importer's messages already say what is wrong and what to do.
    if (err instanceof KerasImportError) throw new ProjectFileError('invalid', err.message.split('\n')[0]);
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ProjectFileError('invalid', `The ${kind === 'tfjs-model-json' ? 'TF.js model.json' : 'Keras model'} cannot be imported: ${message}`);
  }
  const name = modelName(value) ?? options.name;
  let document: ProjectDocument;
  try {
    document = newProject(name.slice(0, projectLimits.maxNameLength), {
      graph: imported.graph,
      layout: { positions: imported.layout },
      now: options.now,
    });
  } catch (err) {
    // The import worked but the model breaks a project limit (e.g. 0 units, a 2^40 dimension).
    if (!(err instanceof ProjectFileError)) throw err;
    const detail = err.message.replace(/^Cannot create the project: /, '');
    throw new ProjectFileError('invalid', `The model has a value Modelwright cannot accept: ${detail}`, { path: err.path });
  }
  return { kind, document, warnings: imported.warnings };
}

const signatures: { bytes: number[]; message: string }[] = [
  {
    bytes: [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a],
    message: 'This is a Keras HDF5 (.h5) file, not JSON; in Python save the architecture with model.to_json(), or convert the file with tensorflowjs_converter.',
  },
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    message: 'This is a zip archive (a Keras 3 ".keras" file?), not JSON; unzip it and open the config.json inside, or save with model.to_json().',
  },
];

function refuseKnownBinaryFormats(input: string | Uint8Array): void {
  for (const { bytes, message } of signatures) {
    const matches = bytes.every((b, i) => (typeof input === 'string' ? input.charCodeAt(i) === b : input[i] === b));
    if (matches) throw new ProjectFileError('binary', message);
  }
}

function modelName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const topology = isObject(value.modelTopology) ? value.modelTopology : value;
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  const name = isObject(model.config) ? model.config.name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? name : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
