// Reads a TF.js layers model folder (model.json + weight files) as untrusted input: the JSON is parsed
// with limits and a schema, weight paths must stay inside the folder, byte counts must match the manifest.
import { lstat, open, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { z } from 'zod';
import type * as tfTypes from '@tensorflow/tfjs';
import { parseJsonSafely, SafeJsonError } from '../../app/project/safeJson.ts';
import { MAX_MODEL_PARAMETERS, topologyProblem } from './topologyCheck.ts';

type Tf = import('../engine/backends.ts').Tf;
type ModelArtifacts = tfTypes.io.ModelArtifacts;

export const MODEL_JSON_NAME = 'model.json';

export interface ModelFolderLimits {
  /** Largest model.json accepted, in bytes (default 64 MB). */
  maxModelJsonBytes?: number;
  /** Largest total of all weight files, in bytes (default 2 GB). */
  maxWeightBytes?: number;
  /** Most weight files one manifest may list (default 10,000). */
  maxWeightFiles?: number;
  /** Most parameters the layers in model.json may describe, counted from their configs (default 268,435,456). */
  maxParameters?: number;
}

export const defaultModelFolderLimits: Required<ModelFolderLimits> = {
  maxModelJsonBytes: 64 * 1024 * 1024,
  maxWeightBytes: 2 * 1024 * 1024 * 1024,
  maxWeightFiles: 10_000,
  maxParameters: MAX_MODEL_PARAMETERS,
};

/** A model folder that cannot be loaded safely; the message says what is wrong and what to do. */
export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

/** Bytes per stored value, by dtype (stored dtype: the quantization dtype when there is one). */
export const storedDtypeBytes: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

// The largest single dimension accepted; TF.js itself cannot index more than 2^31 - 1 elements.
const maxDimension = 2 ** 31 - 1;

const quantizationSchema = z.discriminatedUnion('dtype', [
  z.object({ dtype: z.literal('float16') }).loose(),
  z.object({ dtype: z.literal('uint8'), min: z.number(), scale: z.number() }).loose(),
  z.object({ dtype: z.literal('uint16'), min: z.number(), scale: z.number() }).loose(),
]);

const weightSpecSchema = z.object({
  name: z.string().min(1).max(4096),
  shape: z.array(z.number().int().min(0).max(maxDimension)).max(32),
  dtype: z.enum(['float32', 'int32', 'bool']),
  group: z.enum(['model', 'optimizer']).optional(),
  quantization: quantizationSchema.optional(),
}).loose();

const modelJsonSchema = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  format: z.string().max(200).optional(),
  generatedBy: z.string().max(1000).optional(),
  convertedBy: z.string().max(1000).nullable().optional(),
  weightsManifest: z.array(z.object({
    paths: z.array(z.string().min(1).max(4096)),
    weights: z.array(weightSpecSchema),
  }).loose()),
  trainingConfig: z.record(z.string(), z.unknown()).optional(),
  userDefinedMetadata: z.record(z.string(), z.unknown()).optional(),
}).loose();

export type WeightSpec = z.infer<typeof weightSpecSchema>;
export type CheckedModelJson = z.infer<typeof modelJsonSchema>;

/** What a checked folder holds: the model.json, the weights in manifest order and the files they came from. */
export interface ModelFolderContents {
  modelJson: CheckedModelJson;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  /** Weight files as listed in the manifest (relative to the folder). */
  weightFiles: string[];
  /** model.json size plus every weight file's size. */
  totalBytes: number;
}

function limitsOf(limits: ModelFolderLimits): Required<ModelFolderLimits> {
  return { ...defaultModelFolderLimits, ...limits };
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

function describeSpec(spec: WeightSpec): string {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  return `${stored} [${spec.shape.join(', ')}]`;
}

/** Bytes a weight occupies in the weight files: stored dtype size × product of its shape. */
export function weightByteLength(spec: Pick<WeightSpec, 'shape' | 'dtype' | 'quantization'>): number {
  const perValue = storedDtypeBytes[spec.quantization?.dtype ?? spec.dtype];
  let count = 1;
  for (const d of spec.shape) count *= d;
  return count * perValue;
}

/**
 * Reads and checks model.json only (no weights): size, JSON limits, schema, manifest arithmetic, then its
 * layers against the catalog, the parameter budget and the manifest (./topologyCheck.ts), all before TF.js builds anything.
 */
export async function readModelJson(dir: string, limits: ModelFolderLimits = {}): Promise<CheckedModelJson> {
  const { maxModelJsonBytes, maxWeightBytes, maxWeightFiles, maxParameters } = limitsOf(limits);
  const jsonPath = join(dir, MODEL_JSON_NAME);
  let info;
  try {
    info = await stat(jsonPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFolderError(code === 'ENOENT'
      ? `${dir} has no ${MODEL_JSON_NAME}: is this a saved model folder? (choose the folder that contains model.json)`
      : `cannot read ${jsonPath}: ${(err as Error).message}`);
  }
  if (!info.isFile()) throw new ModelFolderError(`${jsonPath} is not a file`);
  if (info.size > maxModelJsonBytes) {
    throw new ModelFolderError(`${jsonPath} is ${formatBytes(info.size)}, more than the ${formatBytes(maxModelJsonBytes)} accepted for a model description; it is not a model.json this program wrote`);
  }
  let raw: unknown;
  try {
    raw = parseJsonSafely(new Uint8Array(await readFile(jsonPath)), { maxBytes: maxModelJsonBytes });
  } catch (err) {
    if (err instanceof SafeJsonError) {
      throw new ModelFolderError(`${jsonPath} is not a valid model description: ${err.message}${err.line ? ` (line ${err.line}, column ${err.column})` : ''}`);
    }
    throw err;
  }
  if (raw !== null && typeof raw === 'object' && (raw as { format?: unknown }).format === 'graph-model') {
    throw new ModelFolderError(`${jsonPath} is a TF.js graph model (converted from a TensorFlow SavedModel); only layers models can be loaded`);
  }
  const parsed = modelJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFolderError(`${jsonPath} is not a TF.js layers model: at ${issue.path.join('.') || 'the top level'}: ${issue.message}`);
  }
  const json = parsed.data;
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  if (paths.length > maxWeightFiles) throw new ModelFolderError(`${jsonPath} lists ${paths.length} weight files; at most ${maxWeightFiles} are accepted`);
  const seen = new Set<string>();
  for (const p of paths) {
    const key = normalize(p);
    if (seen.has(key)) throw new ModelFolderError(`${jsonPath} lists the weight file "${p}" twice`);
    seen.add(key);
  }
  const names = new Set<string>();
  let total = 0;
  for (const group of json.weightsManifest) {
    for (const spec of group.weights) {
      if (names.has(spec.name)) throw new ModelFolderError(`${jsonPath} lists the weight "${spec.name}" twice`);
      names.add(spec.name);
      if (spec.quantization && spec.dtype !== 'float32' && !(spec.dtype === 'int32' && spec.quantization.dtype !== 'float16')) {
        throw new ModelFolderError(`weight "${spec.name}" is ${spec.dtype} stored as ${spec.quantization.dtype}, which TF.js cannot read back; only float32 weights may be quantized (int32 only to uint8/uint16)`);
      }
      if (spec.quantization && 'scale' in spec.quantization && (!Number.isFinite(spec.quantization.scale) || !Number.isFinite(spec.quantization.min))) {
        throw new ModelFolderError(`weight "${spec.name}" has a quantization min/scale that is not a finite number`);
      }
      const bytes = weightByteLength(spec);
      if (!Number.isSafeInteger(bytes) || bytes > maxWeightBytes) {
        throw new ModelFolderError(`weight "${spec.name}" (${describeSpec(spec)}) would need ${Number.isFinite(bytes) ? formatBytes(bytes) : 'an impossible number of bytes'}, more than the ${formatBytes(maxWeightBytes)} accepted for a whole model`);
      }
      total += bytes;
      if (total > maxWeightBytes) throw new ModelFolderError(`the weights in ${jsonPath} add up to more than the ${formatBytes(maxWeightBytes)} accepted for a model`);
    }
    if (group.weights.length > 0 && group.paths.length === 0) {
      throw new ModelFolderError(`${jsonPath} lists weights (${group.weights[0].name}, ...) without any file to read them from`);
    }
  }
  const problem = topologyProblem(json, json.weightsManifest.flatMap((g) => g.weights), maxParameters);
  if (problem) throw new ModelFolderError(`${jsonPath} does not describe a loadable model: ${problem}`);
  return json;
}

/**
 * Resolves a manifest path inside `dir`, refusing absolute paths, URLs, `..` and symbolic links that
 * lead out of the folder. Returns the real path of a regular file.
 */
async function weightFilePath(dir: string, realDir: string, p: string): Promise<string> {
  if (p.includes('\0')) throw new ModelFolderError(`the weight path "${p.replace(/\0/g, '\\0')}" contains a NUL character`);
  if (isAbsolute(p) || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\') || p.startsWith('/')) {
    throw new ModelFolderError(`the weight path "${p}" is absolute; weight files must be named relative to the model folder (e.g. "./group1-shard1of1.bin")`);
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p)) throw new ModelFolderError(`the weight path "${p}" is a URL; weight files must be files inside the model folder`);
  const parts = p.split(/[\\/]+/);
  if (parts.includes('..')) throw new ModelFolderError(`the weight path "${p}" leads out of the model folder ("..") ; weight files must be inside it`);
  const full = join(dir, ...parts.filter((x) => x !== '' && x !== '.'));
  let real: string;
  try {
    await lstat(full);
    real = await realpath(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFolderError(code === 'ENOENT'
      ? `the weight file "${p}" named in ${MODEL_JSON_NAME} is missing from ${dir}; copy the whole model folder, not only model.json`
      : `cannot read the weight file "${p}": ${(err as Error).message}`);
  }
  const rel = relative(realDir, real);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new ModelFolderError(`the weight file "${p}" is a link to ${real}, outside the model folder; weight files must be inside it`);
  }
  const info = await stat(real);
  if (!info.isFile()) throw new ModelFolderError(`the weight path "${p}" is not a regular file`);
  return real;
}

/** Reads a file of at most `max` bytes, re-checking the size read so a file that grows meanwhile is refused. */
async function readBounded(path: string, size: number, label: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const out = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(out, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    const extra = await handle.read(new Uint8Array(1), 0, 1, size);
    if (done !== size || extra.bytesRead !== 0) throw new ModelFolderError(`the weight file "${label}" changed while it was being read; try again`);
    return out;
  } finally {
    await handle.close();
  }
}

/**
 * Reads a whole model folder with every check: see readModelJson for model.json; then each weight
 * group's files must hold exactly the bytes its weights need (dtype size × shape product).
 */
export async function readModelFolder(dir: string, limits: ModelFolderLimits = {}): Promise<ModelFolderContents> {
  const { maxWeightBytes } = limitsOf(limits);
  const modelJson = await readModelJson(dir, limits);
  const realDir = await realpath(dir);
  const jsonSize = (await stat(join(dir, MODEL_JSON_NAME))).size;
  const chunks: Uint8Array[] = [];
  const weightSpecs: WeightSpec[] = [];
  let fileTotal = 0;
  for (const group of modelJson.weightsManifest) {
    const files = [];
    let groupBytes = 0;
    for (const p of group.paths) {
      const real = await weightFilePath(dir, realDir, p);
      const size = (await stat(real)).size;
      fileTotal += size;
      if (fileTotal > maxWeightBytes) throw new ModelFolderError(`the weight files in ${dir} are larger than the ${formatBytes(maxWeightBytes)} accepted for a model`);
      files.push({ p, real, size });
      groupBytes += size;
    }
    checkGroupLength(group.weights, groupBytes, group.paths);
    for (const f of files) chunks.push(await readBounded(f.real, f.size, f.p));
    weightSpecs.push(...group.weights);
  }
  const weightData = new Uint8Array(fileTotal);
  let offset = 0;
  for (const c of chunks) {
    weightData.set(c, offset);
    offset += c.length;
  }
  return {
    modelJson,
    weightSpecs,
    weightData: weightData.buffer,
    weightFiles: modelJson.weightsManifest.flatMap((g) => g.paths),
    totalBytes: jsonSize + fileTotal,
  };
}

/** The group's files must hold exactly its weights: names the weight that is cut short, or the surplus. */
function checkGroupLength(weights: WeightSpec[], available: number, paths: string[]): void {
  const files = paths.map((p) => `"${p}"`).join(', ');
  let offset = 0;
  for (const spec of weights) {
    const need = weightByteLength(spec);
    if (offset + need > available) {
      throw new ModelFolderError(`the weight files ${files} are too short: they hold ${available} bytes, but weight "${spec.name}" (${describeSpec(spec)}, ${need} bytes) needs bytes ${offset}–${offset + need}; the files are truncated or do not belong to this model.json`);
    }
    offset += need;
  }
  if (offset < available) {
    const last = weights.at(-1);
    throw new ModelFolderError(`the weight files ${files} are too long: they hold ${available} bytes, but the manifest's weights${last ? ` (ending with "${last.name}")` : ''} need only ${offset}; the files do not belong to this model.json`);
  }
}

/** Model artifacts for tf.loadLayersModel from a checked folder. */
export function artifactsOf(contents: ModelFolderContents): ModelArtifacts {
  const json = contents.modelJson;
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? null,
    trainingConfig: json.trainingConfig as ModelArtifacts['trainingConfig'],
    userDefinedMetadata: json.userDefinedMetadata as ModelArtifacts['userDefinedMetadata'],
    weightSpecs: contents.weightSpecs as tfTypes.io.WeightsManifestEntry[],
    weightData: contents.weightData,
  };
}

/** An IOHandler whose load() reads `dir` with every check of readModelFolder. Use it for every model folder. */
export function checkedFolderLoadHandler(_tf: Tf, dir: string, limits: ModelFolderLimits = {}): tfTypes.io.IOHandler {
  return {
    async load() {
      return artifactsOf(await readModelFolder(dir, limits));
    },
  };
}

/** model.json's userDefinedMetadata (preprocessing, labels), checked like the rest of model.json, without reading weights. */
export async function readCheckedMetadata(dir: string, limits: ModelFolderLimits = {}): Promise<Record<string, unknown>> {
  return (await readModelJson(dir, limits)).userDefinedMetadata ?? {};
}
