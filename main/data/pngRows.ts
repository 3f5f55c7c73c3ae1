// PNG decoding one scanline at a time, straight into the bilinear resizer: memory holds two rows of
// the source image (and zlib's window), never the whole bitmap — a 2048×2048 PNG read for a 32×32 model
// costs kilobytes instead of 16 MB. Produces exactly what pngjs does (RGBA, 16-bit and low bit depths
// scaled the same way, palettes and tRNS colours applied the same way), so training and predict agree.
// Interlaced (Adam7) files cannot be streamed by rows; for them `streamPng` returns false.
import { createInflate, crc32 } from 'node:zlib';
import { DataError } from '../../app/data/errors.ts';
import { RowResizer } from '../../app/data/image.ts';

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: number;
}

const samplesPerPixel: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function damaged(name: string, why: string): DataError {
  return new DataError(`${name} could not be decoded as PNG (${why}); the file is probably cut off or damaged.`);
}

/** The chunks of a PNG file, CRC-checked (as pngjs does), in order. */
function* chunks(bytes: Uint8Array, name: string): Generator<{ type: string; data: Uint8Array }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 8;
  while (i + 12 <= bytes.length) {
    const length = view.getUint32(i);
    const type = String.fromCharCode(...bytes.subarray(i + 4, i + 8));
    if (i + 12 + length > bytes.length) throw damaged(name, `the ${type} chunk is cut off`);
    const data = bytes.subarray(i + 8, i + 8 + length);
    if ((crc32(bytes.subarray(i + 4, i + 8 + length)) >>> 0) !== view.getUint32(i + 8 + length)) throw damaged(name, `the ${type} chunk is damaged (CRC)`);
    yield { type, data };
    if (type === 'IEND') return;
    i += 12 + length;
  }
  throw damaged(name, 'it ends before its IEND chunk');
}

/** Turns one unfiltered scanline into RGBA bytes as pngjs would (bitmapper + format-normaliser). */
function toRgba(line: Uint8Array, h: Header, palette: Uint8Array[] | null, trans: number[] | null, out: Uint8Array): void {
  const spp = samplesPerPixel[h.colorType];
  const maxIn = 2 ** h.depth - 1;
  const scale = h.colorType !== 3 && h.depth !== 8;
  const sample = (x: number, s: number): number => {
    const k = x * spp + s;
    if (h.depth === 8) return line[k];
    if (h.depth === 16) return (line[k * 2] << 8) | line[k * 2 + 1];
    const perByte = 8 / h.depth;
    const byte = line[Math.floor(k / perByte)];
    return (byte >> (8 - h.depth * (k % perByte + 1))) & maxIn;
  };
  const level = (v: number) => (scale ? Math.floor((v * 255) / maxIn + 0.5) : v);
  for (let x = 0; x < h.width; x++) {
    const o = x * 4;
    if (h.colorType === 3) {
      const color = palette?.[sample(x, 0)];
      if (!color) throw new RangeError(`index ${sample(x, 0)} not in palette`);
      out.set(color, o);
      continue;
    }
    const gray = h.colorType === 0 || h.colorType === 4;
    const r = sample(x, 0);
    const g = gray ? r : sample(x, 1);
    const b = gray ? r : sample(x, 2);
    // pngjs makes a pixel of the tRNS colour fully transparent black (compared before scaling).
    if (trans && (gray ? trans[0] === r : trans[0] === r && trans[1] === g && trans[2] === b)) {
      out.fill(0, o, o + 4);
      continue;
    }
    out[o] = level(r);
    out[o + 1] = level(g);
    out[o + 2] = level(b);
    out[o + 3] = h.colorType === 4 ? level(sample(x, 1)) : h.colorType === 6 ? level(sample(x, 3)) : 255;
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Decodes a PNG row by row into `resizer` (built for the image's size). Returns false, touching nothing,
 * for an interlaced file (the caller decodes it whole); throws a DataError naming the file when damaged.
 */
export async function streamPng(bytes: Uint8Array, name: string, makeResizer: (width: number, height: number) => RowResizer): Promise<boolean> {
  let header: Header | null = null;
  let palette: Uint8Array[] | null = null;
  let trans: number[] | null = null;
  const idat: Uint8Array[] = [];
  for (const { type, data } of chunks(bytes, name)) {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (type === 'IHDR') {
      header = { width: view.getUint32(0), height: view.getUint32(4), depth: data[8], colorType: data[9], interlace: data[12] };
      const validDepths: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
      if (!validDepths[header.colorType]?.includes(header.depth)) throw damaged(name, `unsupported colour type ${header.colorType} at bit depth ${header.depth}`);
    } else if (type === 'PLTE') {
      palette = [];
      for (let i = 0; i + 3 <= data.length; i += 3) palette.push(Uint8Array.of(data[i], data[i + 1], data[i + 2], 255));
    } else if (type === 'tRNS') {
      if (header?.colorType === 3 && palette) for (let i = 0; i < data.length && i < palette.length; i++) palette[i][3] = data[i];
      else if (header?.colorType === 0) trans = [view.getUint16(0)];
      else if (header?.colorType === 2) trans = [view.getUint16(0), view.getUint16(2), view.getUint16(4)];
    } else if (type === 'IDAT') {
      idat.push(data);
    }
  }
  if (!header) throw damaged(name, 'no IHDR chunk');
  if (header.interlace !== 0) return false;
  if (idat.length === 0) throw damaged(name, 'no image data');
  const h = header;
  const resizer = makeResizer(h.width, h.height);
  const bitsPerPixel = samplesPerPixel[h.colorType] * h.depth;
  const stride = Math.ceil((h.width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel / 8);
  let previous = new Uint8Array(stride);
  let current = new Uint8Array(stride + 1);
  let filled = 0;
  let row = 0;
  const finishLine = () => {
    const filter = current[0];
    const line = current.subarray(1);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = previous[i];
      const c = i >= bpp ? previous[i - bpp] : 0;
      switch (filter) {
        case 0: break;
        case 1: line[i] = (line[i] + a) & 255; break;
        case 2: line[i] = (line[i] + b) & 255; break;
        case 3: line[i] = (line[i] + ((a + b) >> 1)) & 255; break;
        case 4: line[i] = (line[i] + paeth(a, b, c)) & 255; break;
        default: throw damaged(name, `unknown filter type ${filter} in row ${row + 1}`);
      }
    }
    // A fresh RGBA row each time: the resizer keeps the previous one for blending.
    const rgba = new Uint8Array(h.width * 4);
    toRgba(line, h, palette, trans, rgba);
    resizer.push(rgba);
    previous = line.slice();
    row++;
  };
  await new Promise<void>((resolve, reject) => {
    const inflate = createInflate();
    inflate.on('data', (chunk: Buffer) => {
      try {
        let i = 0;
        while (i < chunk.length && row < h.height) {
          const take = Math.min(chunk.length - i, stride + 1 - filled);
          current.set(chunk.subarray(i, i + take), filled);
          filled += take;
          i += take;
          if (filled === stride + 1) {
            finishLine();
            current = new Uint8Array(stride + 1);
            filled = 0;
          }
        }
      } catch (err) {
        inflate.destroy();
        reject(err instanceof DataError ? err : damaged(name, (err as Error).message));
      }
    });
    inflate.on('error', (err) => reject(damaged(name, err.message)));
    inflate.on('end', () => (row < h.height ? reject(damaged(name, `only ${row} of ${h.height} rows`)) : resolve()));
    for (const part of idat) inflate.write(part);
    inflate.end();
  });
  return true;
}
