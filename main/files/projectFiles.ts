// Project and model files on disk: size-checked reads, atomic saves, and opening whatever model file a
// user points at (a .mwproj project or a Keras / TF.js model JSON) as a project document.
import { formatBytes } from '../../app/format.ts';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseProject, ProjectFileError, serializeProject, type ProjectDocument } from '../../app/project/document.ts';
import { loadModelText, type LoadedModel } from '../../app/project/load.ts';
import { DEFAULT_MAX_BYTES } from '../../app/project/safeJson.ts';
import { describeFsError, writeFileAtomic } from './atomicWrite.ts';

export interface ReadOptions {
  /** Largest accepted file in bytes; default 64 MB. */
  maxBytes?: number;
}

/** Reads a file's bytes after checking it exists, is a file, and is not larger than `maxBytes`. */
export async function readFileLimited(path: string, maxBytes: number = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
  const info = await stat(path).catch((err: unknown) => {
    throw fileError(path, err);
  });
  if (info.isDirectory()) throw new ProjectFileError('unreadable', `Cannot open "${path}": it is a folder, not a file.`);
  if (!info.isFile()) throw new ProjectFileError('unreadable', `Cannot open "${path}": it is not a regular file.`);
  if (info.size > maxBytes) {
    throw new ProjectFileError(
      'too-large',
      `Cannot open "${path}": the file is too large (${formatBytes(info.size)}; the limit is ${formatBytes(maxBytes)}).`,
    );
  }
  return readFile(path).catch((err: unknown) => {
    throw fileError(path, err);
  });
}

/** Opens a `.mwproj` file. Every failure is a ProjectFileError whose message names the file. */
export async function readProjectFile(path: string, options: ReadOptions = {}): Promise<ProjectDocument> {
  const bytes = await readFileLimited(path, options.maxBytes);
  try {
    return parseProject(bytes, { maxBytes: options.maxBytes });
  } catch (err) {
    throw inFile(path, err);
  }
}

/**
 * Saves a project atomically: validated and serialized first (an invalid document writes nothing),
 * then temp file + fsync + rename, so the previous file survives any failure intact.
 */
export async function writeProjectFile(path: string, doc: ProjectDocument): Promise<void> {
  const text = serializeProject(doc);
  try {
    await writeFileAtomic(path, text);
  } catch (err) {
    throw new ProjectFileError(
      'write-failed',
      `Could not save "${path}": ${describeFsError(err)}. The previous file, if any, is unchanged.`,
    );
  }
}

/** Opens a project file or a Keras / TF.js model JSON (detected from the content, not the extension). */
export async function loadModelFile(path: string, options: ReadOptions = {}): Promise<LoadedModel> {
  const bytes = await readFileLimited(path, options.maxBytes);
  try {
    return loadModelText(bytes, { name: basename(path, extname(path)) || 'Imported model', maxBytes: options.maxBytes });
  } catch (err) {
    throw inFile(path, err);
  }
}

function fileError(path: string, err: unknown): ProjectFileError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new ProjectFileError('not-found', `Cannot open "${path}": there is no such file.`);
  return new ProjectFileError('unreadable', `Cannot open "${path}": ${describeFsError(err)}.`);
}

/** Prefixes a ProjectFileError's message with the file it came from. */
function inFile(path: string, err: unknown): unknown {
  if (!(err instanceof ProjectFileError)) return err;
  const message = `Cannot open "${path}": ${err.message.charAt(0).toLowerCase()}${err.message.slice(1)}`;
  return new ProjectFileError(err.code, message, { path: err.path, line: err.line, column: err.column });
}

