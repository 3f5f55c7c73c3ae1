// Uploaded files in the workspace's `uploads` folder, under the names they had on the user's computer.
// The content decides identity: the same file uploaded twice is one file; a different file with a name
// already taken gets "name (2).csv", so the data of an earlier run never changes under it.
import { maxImageUploadBytes, maxImageUploadFiles } from '../../app/api/contract.ts';
import { formatBytes } from '../../app/format.ts';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { DataError } from '../../app/data/errors.ts';
import { classFolderSegments, notInClassFolder } from '../../app/data/classFolders.ts';
import { exists, isFolder } from './fileAccess.ts';
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

// The largest image set one upload may unpack: images are decoded later, but the files must fit on disk first.
export { maxImageUploadBytes, maxImageUploadFiles };

export interface ImageUploadFile {
  /** `class/file.png` (a leading folder common to every file is removed first). */
  path: string;
  data: Uint8Array;
}

/**
 * Each upload path as [class, file]: exactly `class/file` once a top folder common to every file is
 * dropped; anything else (deeper folders, `..`, absolute names) is refused before a byte is written.
 */
function classPaths(files: readonly ImageUploadFile[]): [string, string][] {
  if (files.length === 0) throw new DataError('The upload holds no images. Choose a folder with one subfolder of PNG or JPEG images per class.');
  if (files.length > maxImageUploadFiles) throw new DataError(`The upload holds ${files.length} files; up to ${maxImageUploadFiles} can be uploaded at once.`);
  const parts = files.map((f) => workspaceSegments(f.path));
  // A picked folder arrives as "flowers/roses/a.png": a top folder that every file shares is dropped.
  const layout = classFolderSegments(parts);
  if (layout.pairs === null) throw new DataError(notInClassFolder(files[layout.bad].path));
  return layout.pairs.map(([label, file], i) => [safeSegment(label, 'class'), safeSegment(file, `image-${i}`)]);
}

/**
 * Writes images into `target`, one subfolder per class. A name already taken is kept (`rename` false: two
 * names that became the same once made safe, a duplicate image) or gets "name (2).png" (`rename` true).
 */
async function writeImages(target: string, paths: readonly [string, string][], files: readonly ImageUploadFile[], rename: boolean): Promise<void> {
  const made = new Set<string>();
  for (const [i, [label, name]] of paths.entries()) {
    const classDir = join(target, label);
    if (!made.has(classDir)) {
      await mkdir(classDir, { recursive: true });
      made.add(classDir);
    }
    const path = rename ? await freeName(classDir, name, exists) : join(classDir, name);
    // 'wx': never replace a file that appeared meanwhile.
    await writeFile(path, files[i].data, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

/**
 * Checks each file (e.g. that it decodes as an image) after the paths were found safe and before a byte is
 * written: a refused name is refused as such, a bad file leaves nothing behind.
 */
export type UploadFileCheck = (file: ImageUploadFile) => void;

/** Writes uploaded images into a new folder `dir/<name>` (or `<name> (2)`...), one subfolder per class. */
export async function storeImageFolder(dir: string, folderName: string, files: readonly ImageUploadFile[], check?: UploadFileCheck): Promise<string> {
  const paths = classPaths(files);
  if (check) files.forEach(check);
  await mkdir(dir, { recursive: true });
  const target = await freeName(dir, safeSegment(folderName, 'images'), exists);
  await mkdir(target);
  await writeImages(target, paths, files, false);
  return target;
}

/**
 * Adds images to an uploaded folder (`uploads/<name>`, nowhere else: a folder the user chose on their own
 * disk is never written to); a name already there gets "name (2).png".
 */
export async function addToImageFolder(uploadsDir: string, folder: string, files: readonly ImageUploadFile[], check?: UploadFileCheck): Promise<void> {
  checkUploadedFolder(uploadsDir, folder);
  if (!(await isFolder(folder))) throw new DataError('That image folder no longer exists; upload the images again.');
  const paths = classPaths(files);
  // One upload's budget holds for the folder as a whole, however many requests it came in.
  const held = await folderUsage(folder);
  const bytes = held.bytes + files.reduce((n, f) => n + f.data.byteLength, 0);
  if (bytes > maxImageUploadBytes || held.files + files.length > maxImageUploadFiles) {
    throw new DataError(`With these images the folder would hold ${formatBytes(bytes)} in ${held.files + files.length} files; an uploaded image set may hold up to ${formatBytes(maxImageUploadBytes)} and ${maxImageUploadFiles} files.`);
  }
  if (check) files.forEach(check);
  await writeImages(folder, paths, files, true);
}

/** Bytes and files in a class-folder tree (its class folders' files). */
async function folderUsage(folder: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const file of await readdir(join(folder, entry.name), { withFileTypes: true })) {
      if (!file.isFile()) continue;
      bytes += (await lstat(join(folder, entry.name, file.name))).size;
      files += 1;
    }
  }
  return { bytes, files };
}

/** Deletes `class/file` from an uploaded folder; a class folder left empty goes too. */
export async function removeFromImageFolder(uploadsDir: string, folder: string, name: string): Promise<void> {
  checkUploadedFolder(uploadsDir, folder);
  const segments = workspaceSegments(name);
  if (segments.length !== 2) throw new DataError(`"${name}" does not name an image as "class/file.png".`);
  const classDir = join(folder, segments[0]);
  const file = join(classDir, segments[1]);
  const info = await lstat(file).catch(() => null);
  if (!info) throw new DataError(`There is no image "${name}" in this folder (already removed?).`);
  if (!info.isFile()) throw new DataError(`"${name}" is not an image file.`);
  await unlink(file);
  if ((await readdir(classDir)).length === 0) await rmdir(classDir).catch(() => {});
}

/**
 * Deletes an uploaded image folder whole: what an upload in chunks had written when the user cancelled it or
 * a later chunk was refused. Only a folder directly in `uploads` that holds class folders of files (no
 * links, nothing deeper) is deleted; anything else is refused and left as it is.
 */
export async function discardImageFolder(uploadsDir: string, folder: string): Promise<void> {
  checkUploadedFolder(uploadsDir, folder);
  const info = await lstat(folder).catch(() => null);
  if (!info) return;
  const refuse = () => new DataError('That folder is not an uploaded image folder (it holds more than class folders of images); it was left as it is.');
  if (!info.isDirectory()) throw refuse();
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) throw refuse();
    for (const file of await readdir(join(folder, entry.name), { withFileTypes: true })) if (!file.isFile()) throw refuse();
  }
  await rm(folder, { recursive: true });
}

/** True for a folder directly inside the workspace's `uploads` folder: the only image folders the studio changes. */
export function isUploadedFolder(uploadsDir: string, folder: string): boolean {
  const rel = relative(resolve(uploadsDir), resolve(folder));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.includes(sep);
}

function checkUploadedFolder(uploadsDir: string, folder: string): void {
  if (!isUploadedFolder(uploadsDir, folder)) {
    throw new DataError('Only image folders uploaded to Modelwright can be changed here; change a folder on your own disk with your file manager, then choose it again.');
  }
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
