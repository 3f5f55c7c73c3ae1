// An image set sent to the host in requests of about 8 MB, whatever it came as (a picked or dropped folder's
// files, a zip's entries): each request's images are read only when it is its turn, so neither the page
// nor the host ever holds more than two requests' worth. Progress is reported per request; a cancel stops
// before the next request, and a cancelled or refused upload deletes what its earlier requests wrote.
import { maxImageUploadBytes, maxImageUploadFiles, uploadMaxRequestBytes, type ModelwrightApi } from '../../../app/api/contract.ts';
import type { ImportedDataset } from '../../../app/api/types.ts';
import { classFolderSegments, notInClassFolder } from '../../../app/data/classFolders.ts';
import { formatBytes, formatCount } from '../../../app/format.ts';
import { readZipEntries, readZipEntry, type RangeSource } from '../../files/zipArchive.ts';
import { imageExtension, uploadChunks } from './dataEdits.ts';

/** Thrown when the user cancels (a dialog closed, an upload stopped): not an error to show. */
export class Cancelled extends Error {
  override name = 'Cancelled';
}

/** The largest single image: one request carries it as base64 (4/3 of its size) with its name and JSON. */
export const maxImageFileBytes = Math.floor((uploadMaxRequestBytes - 1024 * 1024) * 3 / 4);

export interface UploadImage {
  /** "picked/class/file.png" or "class/file.png" (a top folder common to every image is dropped by the host). */
  path: string;
  size: number;
  /** The image's bytes as base64, read when its request is sent. */
  read: () => Promise<string>;
}

export interface UploadProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

export type ImageUploadOptions = { width: number; height: number; channels: 1 | 3 };
type Datasets = Pick<ModelwrightApi['datasets'], 'importImageFiles' | 'addImages' | 'discardImageFolder'>;

/** "1,200 of 20,000 files (8.0 MB of 50.0 MB)": what the progress bar says. */
export function progressText(p: UploadProgress): string {
  return `${formatCount(p.files)} of ${formatCount(p.totalFiles)} files (${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)})`;
}

/** Why this set cannot be uploaded as a whole (too big, too many, one image too large), or null. */
export function uploadBudgetProblem(images: readonly { path: string; size: number }[], what: string): string | null {
  const total = images.reduce((n, f) => n + f.size, 0);
  if (total > maxImageUploadBytes || images.length > maxImageUploadFiles) {
    return `${what} holds ${formatBytes(total)} in ${formatCount(images.length)} images; an uploaded image set may hold up to ${formatBytes(maxImageUploadBytes)} and ${formatCount(maxImageUploadFiles)} images. Upload a smaller set (fewer or smaller images).`;
  }
  const huge = images.find((f) => f.size > maxImageFileBytes);
  if (huge) return `"${huge.path}" is ${formatBytes(huge.size)}; one image can be at most ${formatBytes(maxImageFileBytes)}. Make it smaller, or leave it out.`;
  return null;
}

/**
 * Sends images as a new folder of the workspace's uploads, request by request (the first makes the folder,
 * the others add to it), and returns the last request's import. On cancel (`signal`) or a refusal, the
 * folder made so far is deleted and the error (or `Cancelled`) is thrown.
 */
export async function sendImages(datasets: Datasets, folderName: string, images: readonly UploadImage[], options: ImageUploadOptions,
  control: { signal?: AbortSignal; onProgress?: (p: UploadProgress) => void; chunkBytes?: number } = {}): Promise<ImportedDataset> {
  if (images.length === 0) throw new Error('There are no images to upload. Choose a folder with one subfolder of PNG or JPEG images per class.');
  const problem = uploadBudgetProblem(images, 'The upload');
  if (problem) throw new Error(problem);
  const chunks = uploadChunks(images, control.chunkBytes);
  const progress: UploadProgress = { files: 0, totalFiles: images.length, bytes: 0, totalBytes: images.reduce((n, f) => n + f.size, 0) };
  control.onProgress?.({ ...progress });
  const read = (chunk: readonly UploadImage[]) => Promise.all(chunk.map(async (f) => ({ path: f.path, data: await f.read() })));
  const stopIfCancelled = () => {
    if (control.signal?.aborted) throw new Cancelled('The upload was cancelled.');
  };
  let folder: string | null = null;
  try {
    let result: ImportedDataset | null = null;
    // The next request's images are read while this one is sent: two requests in memory at most.
    let next = read(chunks[0]);
    for (const [i, chunk] of chunks.entries()) {
      const files = await next;
      next = i + 1 < chunks.length ? read(chunks[i + 1]) : Promise.resolve([]);
      next.catch(() => {}); // a read that fails is reported when its turn comes
      stopIfCancelled();
      result = folder === null ? await datasets.importImageFiles(folderName, files, options) : await datasets.addImages(folder, files, options);
      folder = result.binding.source;
      progress.files += chunk.length;
      progress.bytes += chunk.reduce((n, f) => n + f.size, 0);
      control.onProgress?.({ ...progress });
    }
    stopIfCancelled();
    return result!;
  } catch (err) {
    if (folder !== null) await datasets.discardImageFolder(folder).catch(() => {});
    throw err;
  }
}

/** A top folder or file name made into an upload folder's name ("shapes.zip" → "shapes"). */
export const uploadFolderName = (name: string) => name.replace(/\.zip$/i, '').trim() || 'images';

/** Hidden files, macOS resource forks and folders are not images of a zip: skipped, not refused. */
const skippedInZip = (name: string) => name.endsWith('/') || name.split('/').some((s) => (s.startsWith('.') && !/^\.+$/.test(s)) || s === '__MACOSX');

/** A name that would leave the folder it is unpacked into. */
const unsafeZipName = (name: string) => /^([\\/]|[A-Za-z]:)/.test(name) || name.includes('\\') || name.split('/').some((s) => /^\.+\s*$/.test(s) && s.length >= 2);

/**
 * The images of a zip of class folders, checked as a whole from its directory before anything is sent:
 * unsafe names, no images, images outside class folders and a set over the upload budget are refused with
 * one message. Each image is unpacked when its request is sent.
 */
export async function zipImages(zip: RangeSource, toBase64: (data: Uint8Array) => Promise<string>): Promise<UploadImage[]> {
  const entries = (await readZipEntries(zip)).filter((e) => !skippedInZip(e.name));
  const unsafe = entries.find((e) => unsafeZipName(e.name));
  if (unsafe) throw new Error(`The zip holds "${unsafe.name}", a name that points outside its folder, so it is not unpacked. Make the zip again from the folder of class folders.`);
  const images = entries.filter((e) => imageExtension.test(e.name));
  if (images.length === 0) {
    throw new Error(`The zip holds no PNG or JPEG images${entries.length ? ` (${formatCount(entries.length)} other files)` : ''}. Zip the folder that holds one subfolder of images per class.`);
  }
  const layout = classFolderSegments(images.map((e) => e.name.split('/').filter((s) => s !== '' && s !== '.')));
  if (layout.pairs === null) throw new Error(`${notInClassFolder(images[layout.bad].name)} The zip needs one folder per class.`);
  const listed = images.map((e) => ({ path: e.name, size: e.size }));
  const problem = uploadBudgetProblem(listed, 'The zip');
  if (problem) throw new Error(problem);
  return images.map((e) => ({ path: e.name, size: e.size, read: async () => toBase64(await readZipEntry(zip, e)) }));
}
