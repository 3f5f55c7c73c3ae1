// Uploaded files in the workspace's `uploads` folder, under the names they had on the user's computer.
// The content decides identity: the same file uploaded twice is one file; a different file with a name
// already taken gets "name (2).csv", so the data of an earlier run never changes under it.
import { formatBytes } from '../../app/format.ts';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { DataError } from '../../app/data/errors.ts';
import { exists } from './fileAccess.ts';
import { freeName, safeSegment, workspaceSegments } from './workspacePaths.ts';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Stores one uploaded file in `dir` under its own (made safe) name; returns its path. */
export async function storeUpload(dir: string, fileName: string, content: string | Uint8Array): Promise<string> {
  await mkdir(dir, { recursive: true });
  const hash = sha256(content);
  let reuse: string | null = null;
  const path = await freeName(dir, safeSegment(fileName, 'data.csv'), async (candidate) => {
    if (!(await exists(candidate))) return false;
    const same = await readFile(candidate).then((b) => sha256(b) === hash, () => false);
    if (same) reuse = candidate;
    return !same;
  });
  if (reuse !== null) return reuse;
  // 'wx': never replace a file that appeared meanwhile.
  await writeFile(path, content, { flag: 'wx' });
  return path;
}

/** The largest image set one upload may unpack: images are decoded later, but the files must fit on disk first. */
export const maxImageUploadBytes = 512 * 1024 * 1024;
export const maxImageUploadFiles = 50_000;

export interface ImageUploadFile {
  /** `class/file.png` (a leading folder common to every file is removed first). */
  path: string;
  data: Uint8Array;
}

/**
 * Writes uploaded images into a new folder `dir/<name>` (or `<name> (2)`...), one subfolder per class.
 * Each path must be exactly `class/file`; anything else (deeper folders, `..`, absolute names) is refused
 * before a byte is written.
 */
export async function storeImageFolder(dir: string, folderName: string, files: readonly ImageUploadFile[]): Promise<string> {
  if (files.length === 0) throw new DataError('The upload holds no images. Choose a folder with one subfolder of PNG or JPEG images per class.');
  if (files.length > maxImageUploadFiles) throw new DataError(`The upload holds ${files.length} files; up to ${maxImageUploadFiles} can be uploaded at once.`);
  const parts = files.map((f) => workspaceSegments(f.path));
  // A picked folder arrives as "flowers/roses/a.png": drop a top folder that every file shares.
  const top = parts[0][0];
  const stripped = parts.every((p) => p.length === 3 && p[0] === top) ? parts.map((p) => p.slice(1)) : parts;
  for (const [i, p] of stripped.entries()) {
    if (p.length !== 2) {
      throw new DataError(`"${files[i].path}" is not in a class folder: put the images in one subfolder per class (e.g. "cats/1.png").`);
    }
  }
  await mkdir(dir, { recursive: true });
  const target = await freeName(dir, safeSegment(folderName, 'images'), exists);
  await mkdir(target);
  const made = new Set<string>();
  for (const [i, [label, name]] of stripped.entries()) {
    const classDir = join(target, safeSegment(label, 'class'));
    if (!made.has(classDir)) {
      await mkdir(classDir, { recursive: true });
      made.add(classDir);
    }
    await writeFile(join(classDir, safeSegment(name, `image-${i}`)), files[i].data, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      // Two names that become the same once made safe: keep the first, say nothing (a duplicate image).
      if (err.code !== 'EEXIST') throw err;
    });
  }
  return target;
}

/**
 * The files of a zip of class folders, checked against the upload budget from the sizes the archive
 * declares, before anything is inflated (a zip bomb is refused unread). Hidden files and macOS resource
 * forks are skipped.
 */
export function imageFilesFromZip(zip: Uint8Array): ImageUploadFile[] {
  let total = 0;
  let count = 0;
  let refused: string | null = null;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, {
      filter: (file) => {
        const name = file.name;
        // Hidden files and resource forks are skipped; `..` is kept so that the path check refuses the archive.
        if (name.endsWith('/') || name.split(/[\\/]/).some((s) => (s.startsWith('.') && !/^\.+$/.test(s)) || s === '__MACOSX')) return false;
        total += file.originalSize;
        count += 1;
        if (total > maxImageUploadBytes || count > maxImageUploadFiles) {
          refused ??= `The zip unpacks to more than ${formatBytes(maxImageUploadBytes)} or ${maxImageUploadFiles} files; upload a smaller set.`;
          return false;
        }
        return true;
      },
    });
  } catch (err) {
    throw new DataError(`The file is not a readable zip archive (${(err as Error).message}).`);
  }
  if (refused) throw new DataError(refused);
  return Object.entries(entries).map(([path, data]) => ({ path, data }));
}
