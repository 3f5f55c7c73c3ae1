// Image files and class folders, decoded without native code (pngjs, jpeg-js) so they load wherever
// Node runs. Headers are checked before decoding, so a damaged or absurd file is a clear message,
// not a crash or a gigabyte allocation.
import { formatBytes } from '../../app/format.ts';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError, quote } from '../../app/data/errors.ts';
import { resizeToTensor, type RgbaImage } from '../../app/data/image.ts';

/** Largest image accepted, in pixels (about 8000 × 5000); bigger ones would need hundreds of MB each. */
export const maxImagePixels = 40_000_000;
/** Largest image file read, in bytes. */
export const maxImageBytes = 64 * 1024 * 1024;
export const imageExtensions = new Set(['.png', '.jpg', '.jpeg']);

export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Reads format and size from the first bytes; a DataError when the file is not a usable PNG or JPEG. */
export function readImageHeader(bytes: Uint8Array, name: string): ImageHeader {
  if (bytes.length === 0) throw new DataError(`${name} is empty (0 bytes). Remove it or replace it with a real image.`);
  let header: ImageHeader | undefined;
  if (pngSignature.every((b, i) => bytes[i] === b)) {
    // The IHDR chunk always comes first: length(4) "IHDR"(4) width(4) height(4).
    if (bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw new DataError(`${name} is a PNG file that is cut off or damaged (its header is incomplete).`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    header = { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    header = readJpegSize(bytes, name);
  } else {
    throw new DataError(`${name} is not a PNG or JPEG image. Convert it to PNG or JPEG, or remove it from the folder.`);
  }
  if (header.width === 0 || header.height === 0) throw new DataError(`${name} says it is ${header.width}×${header.height} pixels; an image needs at least one pixel.`);
  if (header.width * header.height > maxImagePixels) {
    throw new DataError(`${name} says it is ${header.width.toLocaleString('en-US')}×${header.height.toLocaleString('en-US')} pixels, more than the ${maxImagePixels / 1e6} megapixel limit. Shrink it first (models take small images anyway).`);
  }
  return header;
}

/** Walks JPEG markers to the start-of-frame segment, which holds the size. */
function readJpegSize(bytes: Uint8Array, name: string): ImageHeader {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw new DataError(`${name} is a JPEG file with a damaged header.`);
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break;
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 9 > bytes.length) break;
      return { format: 'jpeg', height: (bytes[i + 5] << 8) | bytes[i + 6], width: (bytes[i + 7] << 8) | bytes[i + 8] };
    }
    i += 2 + length;
  }
  throw new DataError(`${name} is a JPEG file that is cut off or damaged (no image size found in its header).`);
}

/** Decodes a PNG or JPEG to RGBA, with the header checked first. */
export function decodeImage(bytes: Uint8Array, name: string): RgbaImage {
  const header = readImageHeader(bytes, name);
  try {
    if (header.format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: png.data };
    }
    // tolerantDecoding off: a truncated JPEG must fail, not come back half grey.
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxResolutionInMP: maxImagePixels / 1e6, maxMemoryUsageInMB: 1024 });
    return { width: img.width, height: img.height, data: img.data };
  } catch (err) {
    if (err instanceof DataError) throw err;
    const why = (err as Error).message?.split('\n')[0] ?? String(err);
    throw new DataError(`${name} could not be decoded as ${header.format.toUpperCase()} (${why}); the file is probably cut off or damaged.`);
  }
}

/** Reads and decodes one image file; `name` is how messages refer to it. */
export async function readImageFile(path: string, name = basename(path)): Promise<RgbaImage> {
  const info = await stat(path);
  if (info.size > maxImageBytes) throw new DataError(`${name} is ${formatBytes(info.size)}; images over ${formatBytes(maxImageBytes)} are refused. Shrink it first.`);
  return decodeImage(await readFile(path), name);
}

export interface ImageFolderOptions {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Stop after this many images per class (a quick look at a huge folder). */
  maxPerClass?: number;
}

export interface ImageFolder {
  /** n × height × width × channels values in [0, 1]. */
  pixels: Float32Array;
  /** Class (subfolder name) of each image. */
  labels: string[];
  classes: string[];
  /** Files skipped because they are not images (e.g. `.DS_Store`, notes). */
  skipped: string[];
}

/**
 * Reads a folder with one subfolder per class; each subfolder's PNG/JPEG files are that class's images.
 * Every image is resized as soon as it is decoded, so memory holds only the small model-sized copies.
 */
export async function readImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolder> {
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
  const files: { path: string; label: string; name: string }[] = [];
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
      files.push({ path: join(dir, label, file), label, name: join(label, file) });
      count++;
    }
    if (count > 0) classes.push(label);
  }
  if (files.length === 0) throw new DataError(`No PNG or JPEG images were found in the subfolders of ${quote(dir, 200)}.`);
  if (classes.length < 2) throw new DataError(`Only the subfolder ${quote(classes[0])} holds images; a classifier needs at least two classes, each in its own subfolder.`);
  const size = options.width * options.height * options.channels;
  const pixels = new Float32Array(files.length * size);
  for (let n = 0; n < files.length; n++) {
    const image = await readImageFile(files[n].path, files[n].name);
    resizeToTensor(image, options.width, options.height, options.channels, pixels, n * size);
  }
  return { pixels, labels: files.map((f) => f.label), classes, skipped };
}
