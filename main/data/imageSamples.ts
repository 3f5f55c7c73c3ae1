// The images of an image binding one by one, as small PNG pictures: for the Data panel's class grid, the
// thumbnails of test samples (confusion drill-down, worst predictions) and Try it's random test sample.
// Folder images are read in the order training reads them, so position i here is image i there.
import { isAbsolute, resolve } from 'node:path';
import { PNG } from 'pngjs';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { DataError } from '../../app/data/errors.ts';
import { builtinIdOf, loadMnist } from './builtin.ts';
import { scanImageFolder } from './imageFolder.ts';
import { readImageResized } from './images.ts';

export interface PixelSize {
  width: number;
  height: number;
  channels: 1 | 3;
}

export interface ImageSamples {
  /** Class (subfolder name) of each image, in training's order. */
  labels: string[];
  /** `class/file.png` of each image (`#i` for a built-in dataset). */
  names: string[];
  /** The folder on the host; null for a built-in dataset. */
  folder: string | null;
  /** The model's image size: what `pixels` gives. */
  size: PixelSize;
  /** Image i as the model sees it: [height, width, channels] values in [0, 1], as training reads it. */
  pixels(index: number): Promise<Float32Array>;
  /** Image i as the model sees it: its size and channels (at most `maxSide` pixels on a side), as a PNG. */
  png(index: number, maxSide?: number): Promise<Buffer>;
}

/** Encodes `width × height × channels` values in [0, 1] (from `offset`) as a PNG. */
export function pngOfPixels(values: ArrayLike<number>, size: PixelSize, offset = 0): Buffer {
  const png = new PNG({ width: size.width, height: size.height, colorType: size.channels === 1 ? 0 : 2, inputColorType: 6 });
  const n = size.width * size.height;
  for (let p = 0; p < n; p++) {
    const at = offset + p * size.channels;
    for (let k = 0; k < 3; k++) {
      const v = values[at + (size.channels === 1 ? 0 : k)];
      png.data[p * 4 + k] = Math.max(0, Math.min(255, Math.round(v * 255)));
    }
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: size.channels === 1 ? 0 : 2 });
}

/** The model's image size scaled down (never up) to fit `maxSide`. */
export function fitSize(size: PixelSize, maxSide: number): PixelSize {
  const scale = Math.min(1, maxSide / Math.max(size.width, size.height));
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)), channels: size.channels };
}

/**
 * The images of an image binding (a class folder or built-in MNIST). The binding's source must already be
 * a host path the caller's file policy accepted. A DataError when it is not image data.
 */
export async function openImageSamples(binding: DatasetBinding, baseDir: string): Promise<ImageSamples> {
  const builtin = builtinIdOf(binding.source);
  if (builtin === 'mnist') {
    const { pixels, labels } = await loadMnist();
    const size: PixelSize = { width: 28, height: 28, channels: 1 };
    return {
      labels, names: labels.map((_, i) => `#${i + 1}`), folder: null, size,
      async pixels(index) {
        if (!(index >= 0 && index < labels.length)) throw new RangeError(`no image ${index}`);
        return pixels.slice(index * 28 * 28, (index + 1) * 28 * 28);
      },
      async png(index) {
        return pngOfPixels(pixels, size, index * 28 * 28);
      },
    };
  }
  if (builtin) throw new DataError(`The built-in dataset "${builtin}" holds no images.`);
  const spec = binding.image;
  if (binding.kind !== 'images' || !spec) throw new DataError('This data is not a folder of images.');
  const folder = isAbsolute(binding.source) ? binding.source : resolve(baseDir, binding.source);
  const scan = await scanImageFolder(folder, { oneClass: true });
  return {
    labels: scan.files.map((f) => f.label), names: scan.files.map((f) => f.name), folder, size: { width: spec.width, height: spec.height, channels: spec.channels },
    async pixels(index) {
      const file = scan.files[index];
      if (!file) throw new RangeError(`no image ${index}`);
      const values = new Float32Array(spec.width * spec.height * spec.channels);
      await readImageResized(file.path, file.name, spec, values);
      return values;
    },
    async png(index, maxSide = Infinity) {
      const file = scan.files[index];
      if (!file) throw new RangeError(`no image ${index}`);
      const size = fitSize(spec, maxSide);
      const values = new Float32Array(size.width * size.height * size.channels);
      await readImageResized(file.path, file.name, size, values);
      return pngOfPixels(values, size);
    },
  };
}
