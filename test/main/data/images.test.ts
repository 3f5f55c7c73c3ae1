// Image files and class folders: real PNG/JPEG files made here with pngjs/jpeg-js, decoded, resized;
// damaged, empty and absurdly large files refused before any big allocation.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { resizeToTensor } from '../../../app/data/image.ts';
import { readImageFolder } from '../../../main/data/imageFolder.ts';
import { decodeImage, readImageHeader } from '../../../main/data/images.ts';
import { loadDataset } from '../../../main/data/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'mw-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A solid-colour image with a bright left half, as RGBA bytes. */
function rgba(width: number, height: number, color: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = (y * width + x) * 4;
    const k = x < width / 2 ? 1 : 0.5;
    data[i] = color[0] * k;
    data[i + 1] = color[1] * k;
    data[i + 2] = color[2] * k;
    data[i + 3] = 255;
  }
  return data;
}
const png = (w: number, h: number, c: [number, number, number]) => {
  const image = new PNG({ width: w, height: h });
  image.data = rgba(w, h, c);
  return PNG.sync.write(image);
};
const jpg = (w: number, h: number, c: [number, number, number]) => jpeg.encode({ width: w, height: h, data: rgba(w, h, c) }, 95).data;

describe('decodeImage', () => {
  it('decodes PNG and JPEG to RGBA with the right size and colours', () => {
    const p = decodeImage(png(8, 6, [200, 100, 50]), 'a.png');
    expect([p.width, p.height]).toEqual([8, 6]);
    expect(Array.from(p.data.subarray(0, 4))).toEqual([200, 100, 50, 255]);
    const j = decodeImage(jpg(16, 16, [200, 100, 50]), 'a.jpg');
    expect([j.width, j.height]).toEqual([16, 16]);
    expect(Math.abs(j.data[0] - 200)).toBeLessThan(12); // JPEG is lossy
  });

  it('refuses zero-size, truncated, unknown and huge-header files with the file name', () => {
    expect(() => decodeImage(new Uint8Array(0), 'cats/empty.png')).toThrow(/cats\/empty.png is empty/);
    const whole = png(32, 32, [10, 20, 30]);
    expect(() => decodeImage(whole.subarray(0, 20), 'cut.png')).toThrow(/cut\.png is a PNG file that is cut off/);
    expect(() => decodeImage(whole.subarray(0, whole.length - 30), 'cut2.png')).toThrow(/cut2\.png could not be decoded/);
    const jw = jpg(32, 32, [10, 20, 30]);
    expect(() => decodeImage(jw.subarray(0, 10), 'cut.jpg')).toThrow(/cut\.jpg is a JPEG file that is cut off/);
    expect(() => decodeImage(jw.subarray(0, Math.floor(jw.length / 2)), 'half.jpg')).toThrow(/half\.jpg could not be decoded/);
    expect(() => decodeImage(Buffer.from('GIF89a....'), 'x.gif')).toThrow(/not a PNG or JPEG/);
    // A PNG header that claims 100,000 × 100,000 pixels: refused from the header, nothing allocated.
    const huge = Buffer.from(whole.subarray(0, 33));
    huge.writeUInt32BE(100_000, 16);
    huge.writeUInt32BE(100_000, 20);
    const before = process.memoryUsage().rss;
    expect(() => decodeImage(huge, 'huge.png')).toThrow(/100,000×100,000 pixels, more than the 40 megapixel limit/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 2 ** 20);
    const hugeJpeg = Buffer.from(jw);
    const sof = hugeJpeg.indexOf(Buffer.from([0xff, 0xc0]));
    hugeJpeg.writeUInt16BE(60_000, sof + 5);
    hugeJpeg.writeUInt16BE(60_000, sof + 7);
    expect(readImageHeader(jw, 'ok.jpg')).toEqual({ format: 'jpeg', width: 32, height: 32 });
    expect(() => decodeImage(hugeJpeg, 'h.jpg')).toThrow(/megapixel limit/);
  });
});

describe('resizeToTensor', () => {
  it('keeps a constant image constant, halves size bilinearly, and converts to grayscale by luma', () => {
    const data = new Uint8Array(4 * 4 * 4).fill(255);
    expect(Array.from(resizeToTensor({ width: 4, height: 4, data }, 2, 2, 3)).every((v) => v === 1)).toBe(true);
    // A 2×1 image black|white resized to 1×1 averages to grey.
    const bw = Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 255]);
    expect(resizeToTensor({ width: 2, height: 1, data: bw }, 1, 1, 1)[0]).toBeCloseTo(0.5, 5);
    const red = Uint8Array.from([255, 0, 0, 255]);
    expect(resizeToTensor({ width: 1, height: 1, data: red }, 1, 1, 1)[0]).toBeCloseTo(0.299, 5);
  });
});

describe('image folders', () => {
  const root = join(dir, 'shapes');
  mkdirSync(join(root, 'red'), { recursive: true });
  mkdirSync(join(root, 'blue'), { recursive: true });
  for (let i = 0; i < 5; i++) {
    writeFileSync(join(root, 'red', `r${i}.png`), png(20 + i, 10, [250, 10, 10]));
    writeFileSync(join(root, 'blue', `b${i}.jpg`), jpg(12, 12 + i, [10, 10, 250]));
  }
  writeFileSync(join(root, 'red', 'notes.txt'), 'not an image');

  it('reads one class per subfolder, resizes to the Input size and skips non-images', async () => {
    const folder = await readImageFolder(root, { width: 8, height: 8, channels: 3 });
    expect(folder.classes).toEqual(['blue', 'red']);
    expect(folder.labels).toHaveLength(10);
    expect(folder.pixels).toHaveLength(10 * 8 * 8 * 3);
    expect(folder.skipped).toEqual([join('red', 'notes.txt')]);
    const firstRed = folder.labels.indexOf('red') * 192;
    expect(folder.pixels[firstRed]).toBeGreaterThan(0.9); // red channel of the bright half
    expect(folder.pixels[firstRed + 2]).toBeLessThan(0.1);
  });

  it('prepares grayscale splits through loadDataset', async () => {
    const d = await loadDataset({ source: root, kind: 'images', image: { width: 6, height: 6, channels: 1 } }, { testSplit: 0.2, validationSplit: 0 });
    expect(d.inputShape).toEqual([6, 6, 1]);
    expect(d.classes).toEqual(['blue', 'red']);
    expect(d.train.count + d.test.count).toBe(10);
    expect(d.warnings.join()).toMatch(/not PNG or JPEG/);
    expect(d.preprocessor.encodeImage(decodeImage(png(30, 30, [250, 10, 10]), 'p.png'))).toHaveLength(36);
  });

  it('refuses folders without class subfolders or with a single class', async () => {
    const flat = join(dir, 'flat');
    mkdirSync(flat);
    writeFileSync(join(flat, 'a.png'), png(4, 4, [1, 2, 3]));
    await expect(readImageFolder(flat, { width: 4, height: 4, channels: 1 })).rejects.toThrow(/no subfolders/);
    const single = join(dir, 'single');
    mkdirSync(join(single, 'only'), { recursive: true });
    writeFileSync(join(single, 'only', 'a.png'), png(4, 4, [1, 2, 3]));
    await expect(readImageFolder(single, { width: 4, height: 4, channels: 1 })).rejects.toThrow(/at least two classes/);
    await expect(readImageFolder(join(dir, 'missing'), { width: 4, height: 4, channels: 1 })).rejects.toThrow(/does not exist/);
  });
});
