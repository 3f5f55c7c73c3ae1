// Image augmentation on small known images: each transform's effect, identity at zero, determinism per
// seed, and the draws per (epoch, batch).
import { describe, expect, it } from 'vitest';
import { augmentImages, batchSeed, drawImage, imageSizeOf, transformImage, type ImageDraw } from '../../../app/data/augment.ts';
import { augmentIsOn, augmentSchema, makeTrainingConfig } from '../../../app/training/config.ts';
import { mulberry32 } from '../../../app/data/split.ts';

const none: ImageDraw = { flipHorizontal: false, flipVertical: false, angle: 0, zoom: 1, shiftX: 0, shiftY: 0, brightness: 0 };
/** A 4×5 one-channel image whose value tells its position: (y·5 + x) / 20. */
const h = 4;
const w = 5;
const image = Float32Array.from({ length: h * w }, (_, i) => i / 20);
const size = { height: h, width: w, channels: 1 };
const at = (img: Float32Array, y: number, x: number) => img[y * w + x];

function apply(draw: Partial<ImageDraw>, src = image, s = size): Float32Array {
  const out = new Float32Array(src.length);
  transformImage(src, 0, s, { ...none, ...draw }, out, 0);
  return out;
}

describe('image transforms', () => {
  it('leaves an image exactly as it was when nothing is drawn (rotation 0, zoom 1, no shift)', () => {
    expect(Array.from(apply({}))).toEqual(Array.from(image));
  });

  it('mirrors columns exactly for a horizontal flip, rows for a vertical one, and both for both', () => {
    const flippedH = apply({ flipHorizontal: true });
    const flippedV = apply({ flipVertical: true });
    const both = apply({ flipHorizontal: true, flipVertical: true });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        expect(at(flippedH, y, x)).toBe(at(image, y, w - 1 - x));
        expect(at(flippedV, y, x)).toBe(at(image, h - 1 - y, x));
        expect(at(both, y, x)).toBe(at(image, h - 1 - y, w - 1 - x));
      }
    }
  });

  it('flips every channel of a pixel together', () => {
    const rgb = Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => i / 18);
    const s = { height: 2, width: 3, channels: 3 };
    const out = apply({ flipHorizontal: true }, rgb, s);
    expect(Array.from(out.subarray(0, 3))).toEqual(Array.from(rgb.subarray(6, 9)));
  });

  it('rotates a square by 90° (a quarter turn moves the top row to a side column) and by 180° (both flips)', () => {
    const n = 5;
    const sq = Float32Array.from({ length: n * n }, (_, i) => i / 25);
    const s = { height: n, width: n, channels: 1 };
    const quarter = apply({ angle: Math.PI / 2 }, sq, s);
    const half = apply({ angle: Math.PI }, sq, s);
    const both = apply({ flipHorizontal: true, flipVertical: true }, sq, s);
    for (let i = 0; i < sq.length; i++) expect(half[i]).toBeCloseTo(both[i], 5);
    // A quarter turn is a transpose followed by a flip, whichever way it turns.
    const transposed = (y: number, x: number) => sq[x * n + y];
    const clockwise = Array.from({ length: n * n }, (_, i) => transposed(Math.floor(i / n), n - 1 - (i % n)));
    const anti = Array.from({ length: n * n }, (_, i) => transposed(n - 1 - Math.floor(i / n), i % n));
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).every((v, i) => Math.abs(v - b[i]) < 1e-5);
    expect(close(quarter, clockwise) || close(quarter, anti)).toBe(true);
  });

  it('shifts by whole pixels exactly, filling the border by reflection', () => {
    // shiftX 0.2 of width 5 = 1 pixel to the right: column x shows column x − 1; column 0 reflects column 0.
    const out = apply({ shiftX: 0.2 });
    for (let y = 0; y < h; y++) {
      expect(at(out, y, 0)).toBe(at(image, y, 0));
      for (let x = 1; x < w; x++) expect(at(out, y, x)).toBe(at(image, y, x - 1));
    }
  });

  it('zooms out (factor above 1) towards the centre pixel, which stays put', () => {
    const n = 5;
    const sq = Float32Array.from({ length: n * n }, (_, i) => i / 25);
    const s = { height: n, width: n, channels: 1 };
    const out = apply({ zoom: 2 }, sq, s);
    expect(out[2 * n + 2]).toBe(sq[2 * n + 2]);
    // Pixel (2, 3) samples the source at (2, 4): twice as far from the centre.
    expect(out[2 * n + 3]).toBeCloseTo(sq[2 * n + 4], 6);
  });

  it('brightness adds one value to every pixel of an image and clips to [0, 1]', () => {
    const out = apply({ brightness: 0.3 });
    const meanBefore = image.reduce((a, b) => a + b, 0) / image.length;
    for (let i = 0; i < image.length; i++) expect(out[i]).toBeCloseTo(Math.min(1, image[i] + 0.3), 6);
    const meanAfter = out.reduce((a, b) => a + b, 0) / out.length;
    expect(meanAfter).toBeGreaterThan(meanBefore + 0.2);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
    const darker = apply({ brightness: -0.5 });
    expect(Math.min(...darker)).toBe(0);
  });
});

describe('seeded batches', () => {
  const settings = augmentSchema.parse({ flip: 'both', rotation: 30, zoom: 0.2, shift: 0.1, brightness: 0.2 });
  const batch = Float32Array.from({ length: 3 * h * w }, (_, i) => (i % 20) / 20);

  it('gives the same bytes for the same seed, others for another epoch or batch, and leaves its input alone', () => {
    const copy = batch.slice();
    const a = augmentImages(batch, 3, size, settings, batchSeed(42, 0, 0));
    const b = augmentImages(batch, 3, size, settings, batchSeed(42, 0, 0));
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Array.from(batch)).toEqual(Array.from(copy));
    const nextEpoch = augmentImages(batch, 3, size, settings, batchSeed(42, 1, 0));
    const nextBatch = augmentImages(batch, 3, size, settings, batchSeed(42, 0, 1));
    const otherSeed = augmentImages(batch, 3, size, settings, batchSeed(43, 0, 0));
    for (const other of [nextEpoch, nextBatch, otherSeed]) expect(Buffer.from(other.buffer).equals(Buffer.from(a.buffer))).toBe(false);
    expect(new Set([batchSeed(1, 0, 0), batchSeed(1, 0, 1), batchSeed(1, 1, 0), batchSeed(2, 0, 0)]).size).toBe(4);
  });

  it('draws within the bounds, flips about half the images, and draws the same flips whatever else is on', () => {
    const random = mulberry32(7);
    const draws = Array.from({ length: 2000 }, () => drawImage(settings, random));
    expect(draws.every((d) => Math.abs(d.angle) <= Math.PI / 6 && Math.abs(d.zoom - 1) <= 0.2 && Math.abs(d.shiftX) <= 0.1 && Math.abs(d.brightness) <= 0.2)).toBe(true);
    const flipped = draws.filter((d) => d.flipHorizontal).length / draws.length;
    expect(flipped).toBeGreaterThan(0.45);
    expect(flipped).toBeLessThan(0.55);
    const onlyFlip = augmentSchema.parse({ flip: 'both' });
    const r2 = mulberry32(7);
    const flipsOnly = Array.from({ length: 2000 }, () => drawImage(onlyFlip, r2));
    expect(flipsOnly.map((d) => d.flipHorizontal)).toEqual(draws.map((d) => d.flipHorizontal));
    expect(flipsOnly.every((d) => d.angle === 0 && d.zoom === 1 && d.brightness === 0)).toBe(true);
  });

  it('refuses a batch whose values do not fit its size', () => {
    expect(() => augmentImages(new Float32Array(7), 1, size, settings, 1)).toThrow(/needs 20 values, got 7/);
  });
});

describe('the augment setting', () => {
  it('is off when absent or all zero, on as soon as one transform is set, and bounded like Keras\'s layers', () => {
    expect(makeTrainingConfig({}).augment).toBeUndefined();
    expect(augmentIsOn(undefined)).toBe(false);
    expect(augmentIsOn(augmentSchema.parse({}))).toBe(false);
    expect(augmentIsOn(augmentSchema.parse({ rotation: 10 }))).toBe(true);
    expect(augmentIsOn(augmentSchema.parse({ flip: 'horizontal' }))).toBe(true);
    expect(makeTrainingConfig({ augment: { flip: 'horizontal', zoom: 0.1 } }).augment).toEqual({ flip: 'horizontal', rotation: 0, zoom: 0.1, shift: 0, brightness: 0 });
    expect(augmentSchema.safeParse({ rotation: 181 }).success).toBe(false);
    expect(augmentSchema.safeParse({ zoom: 0.6 }).success).toBe(false);
    expect(augmentSchema.safeParse({ flip: 'sideways' }).success).toBe(false);
  });

  it('knows an image input by its rank', () => {
    expect(imageSizeOf([28, 28, 1])).toEqual({ height: 28, width: 28, channels: 1 });
    expect(imageSizeOf([4])).toBeNull();
    expect(imageSizeOf([16, 8])).toBeNull();
  });
});
