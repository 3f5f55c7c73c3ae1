// Image folders (one subfolder per class): listed and measured from the files' headers before anything
// is decoded, checked against a budget, then decoded one image at a time straight to the model's size
// (PNGs row by row, never whole).
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { DataError, quote } from '../../app/data/errors.ts';
import { prepareImageArrays, type PrepareOptions, type PreparedData } from '../../app/data/prepare.ts';
import { formatBytes, formatCount } from '../../app/format.ts';
import { imageExtensions, readImageFileHeader, readImageResized, type ImageHeader } from './images.ts';

/**
 * Most memory the images may take at the model's size, as the float32 values training reads
 * (n × height × width × channels × 4 bytes): 1 GB, e.g. 87,000 colour images of 32×32.
 */
export const maxImageTensorBytes = 2 ** 30;
/** Most pixels decoded for one dataset, summed over the files at their own size (4,000 megapixels). */
export const maxSourcePixels = 4_000_000_000;

export interface ImageFolderOptions {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Stop after this many images per class (a quick look at a huge folder). */
  maxPerClass?: number;
}

/** What to say about a folder whose images are all in one class: a classifier needs two to tell apart. */
export function oneClassProblem(label: string, count: number, canAdd: boolean): string {
  const images = `${formatCount(count)} image${count === 1 ? '' : 's'}`;
  return `Only one class was found ("${label}", ${images}); a classifier needs at least two classes to tell apart. `
    + (canAdd
      ? 'Add another class: under "Images per class" name a New class and add its pictures (files or webcam), or upload a folder with one subfolder per class.'
      : 'Add a second subfolder with images of another class (e.g. cats/ and dogs/), then choose the folder again.');
}

export interface ImageFile extends ImageHeader {
  path: string;
  /** Class (subfolder name). */
  label: string;
  /** `class/file.png`, how messages name it. */
  name: string;
}

export interface ImageFolderScan {
  files: ImageFile[];
  classes: string[];
  /** Files skipped because they are not images (e.g. `.DS_Store`, notes). */
  skipped: string[];
}

export interface ImageFolder {
  /** n × height × width × channels values in [0, 1]. */
  pixels: Float32Array;
  /** Class (subfolder name) of each image. */
  labels: string[];
  classes: string[];
  skipped: string[];
}

/** Lists a class-folder tree and reads each image's size from its header; nothing is decoded. One class is refused unless `oneClass`. */
export async function scanImageFolder(dir: string, options: Pick<ImageFolderOptions, 'maxPerClass'> & { oneClass?: boolean } = {}): Promise<ImageFolderScan> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new DataError(`The image folder ${quote(dir, 200)} does not exist or cannot be read.`);
  }
  const classDirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  if (classDirs.length === 0) {
    throw new DataError(`The folder ${quote(dir, 200)} has no subfolders. Put each class's images in a subfolder named after the class (e.g. cats/, dogs/).`);
  }
  const files: ImageFile[] = [];
  const skipped: string[] = [];
  const classes: string[] = [];
  for (const label of classDirs) {
    const names = (await readdir(join(dir, label), { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
    let count = 0;
    for (const file of names) {
      if (!imageExtensions.has(extname(file).toLowerCase())) {
        skipped.push(join(label, file));
        continue;
      }
      if (options.maxPerClass !== undefined && count >= options.maxPerClass) break;
      const path = join(dir, label, file);
      const name = join(label, file);
      files.push({ path, label, name, ...await readImageFileHeader(path, name) });
      count++;
    }
    if (count > 0) classes.push(label);
  }
  if (files.length === 0) throw new DataError(`No PNG or JPEG images were found in the subfolders of ${quote(dir, 200)}.`);
  // One class is refused unless the caller shows it (`oneClass`: the Data panel, where another class can be added).
  if (classes.length < 2 && !options.oneClass) throw new DataError(oneClassProblem(classes[0], files.length, false));
  return { files, classes, skipped };
}

/** Why these images cannot be loaded at this size (over the memory or decoding budget), or null when they fit. */
export function imageBudgetProblem(files: readonly ImageHeader[], size: Pick<ImageFolderOptions, 'width' | 'height' | 'channels'>): string | null {
  const n = files.length;
  const perImage = size.width * size.height * size.channels * 4;
  const tensorBytes = n * perImage;
  if (tensorBytes > maxImageTensorBytes) {
    const fit = Math.floor(maxImageTensorBytes / perImage);
    return `${formatCount(n)} images at ${size.width}×${size.height}×${size.channels} take ${formatBytes(tensorBytes)} as the model reads them, `
      + `more than the ${formatBytes(maxImageTensorBytes)} limit for image data. Choose a smaller image size or 1 channel (grayscale), `
      + `or use fewer images (${formatCount(fit)} fit at this size).`;
  }
  const sourcePixels = files.reduce((sum, f) => sum + f.width * f.height, 0);
  if (sourcePixels > maxSourcePixels) {
    return `The ${formatCount(n)} images hold ${formatCount(Math.round(sourcePixels / 1e6))} megapixels in all, more than the `
      + `${formatCount(maxSourcePixels / 1e6)} megapixels decoded for one dataset (it would take very long). `
      + `Shrink the image files first (the model reads them at ${size.width}×${size.height}), or use fewer images.`;
  }
  return null;
}

/**
 * Reads a folder with one subfolder per class; each subfolder's PNG/JPEG files are that class's images.
 * The budget is checked from the headers first; then each image is decoded and resized before the next
 * is read: a PNG streams through the resizer two rows at a time, a JPEG (or an interlaced PNG) is held
 * whole while it is resized, so memory holds at most one full-size image besides the model-sized copies.
 */
export async function readImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolder> {
  const { files, classes, skipped } = await scanImageFolder(dir, options);
  const problem = imageBudgetProblem(files, options);
  if (problem) throw new DataError(problem);
  const size = options.width * options.height * options.channels;
  const pixels = new Float32Array(files.length * size);
  for (let n = 0; n < files.length; n++) await readImageResized(files[n].path, files[n].name, options, pixels, n * size);
  return { pixels, labels: files.map((f) => f.label), classes, skipped };
}

/**
 * Decodes every image of a scanned folder once, one at a time (PNGs row by row), keeping nothing: a
 * damaged file is named when the folder is imported rather than when training reaches it.
 */
export async function verifyImageFiles(files: readonly ImageFile[]): Promise<void> {
  const scratch = new Float32Array(1);
  for (const file of files) await readImageResized(file.path, file.name, { width: 1, height: 1, channels: 1 }, scratch);
}

export interface ImageDataSummary {
  task: PreparedData['task'];
  classes: string[] | undefined;
  inputShape: number[];
  outputUnits: number;
  rows: PreparedData['rows'];
  warnings: string[];
}

/**
 * What loading a scanned folder would give (task, classes, shapes, split warnings), from the labels alone:
 * the same preparation runs on one value per image instead of decoded pixels.
 */
export function summarizeImageFolder(scan: ImageFolderScan, spec: Pick<ImageFolderOptions, 'width' | 'height' | 'channels'>, task: DatasetBinding['task'], options: PrepareOptions = {}): ImageDataSummary {
  const labels = scan.files.map((f) => f.label);
  const tiny = prepareImageArrays(new Float32Array(labels.length), labels, { width: 1, height: 1, channels: 1 }, { ...options, task });
  const size = spec.width * spec.height * spec.channels;
  return {
    task: tiny.task, classes: tiny.classes, inputShape: [spec.height, spec.width, spec.channels],
    outputUnits: tiny.task === 'reconstruction' ? size : tiny.outputUnits, rows: tiny.rows, warnings: tiny.warnings,
  };
}
