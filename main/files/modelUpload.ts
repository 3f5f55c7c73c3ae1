// An uploaded TF.js model folder (the page's "Import model folder…": model.json and its weight files, picked
// as a folder or as files) stored as a new folder of the workspace, where the model-folder reader checks it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exists } from './fileAccess.ts';
import { freeName, safeSegment, workspaceSegments, WorkspacePathError } from './workspacePaths.ts';

export interface UploadedModelFile {
  /** `model.json`, `group1-shard1of1.bin`, or the same below one picked folder (`my-model/model.json`). */
  path: string;
  data: Uint8Array;
}

/** Most files one model upload may hold (model.json and its shards). */
export const maxModelUploadFiles = 10_001;

/**
 * Writes the files flat into a new folder `name` (or `name (2)`…) of `parentDir` and returns it. The files must be
 * one folder's: a folder common to all is dropped; deeper paths, `..` and a missing model.json are refused.
 */
export async function storeModelUpload(parentDir: string, name: string, files: readonly UploadedModelFile[]): Promise<string> {
  if (files.length === 0) throw new WorkspacePathError('The upload holds no files; choose the model folder (model.json and its .bin files).');
  if (files.length > maxModelUploadFiles) throw new WorkspacePathError(`The upload holds ${files.length} files; a model folder of up to ${maxModelUploadFiles} files can be uploaded.`);
  const parts = files.map((f) => workspaceSegments(f.path));
  const top = parts[0][0];
  const flat = parts.every((p) => p.length === 2 && p[0] === top) ? parts.map((p) => p.slice(1)) : parts;
  const names = flat.map((p, i) => {
    if (p.length !== 1) throw new WorkspacePathError(`"${files[i].path}" is in a subfolder; upload the model folder itself (model.json and its .bin files side by side).`);
    return safeSegment(p[0], `file-${i}`);
  });
  if (new Set(names).size !== names.length) throw new WorkspacePathError('The upload names one file twice; upload the model folder once.');
  if (!names.includes('model.json')) {
    throw new WorkspacePathError('The upload has no model.json; choose the folder that holds model.json and its .bin weight files (a TF.js layers model).');
  }
  await mkdir(parentDir, { recursive: true });
  const dir = await freeName(parentDir, safeSegment(name, 'model'), exists);
  await mkdir(dir);
  for (let i = 0; i < files.length; i++) await writeFile(join(dir, names[i]), files[i].data, { flag: 'wx' });
  return dir;
}
