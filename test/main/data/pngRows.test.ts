// The row-streaming PNG decoder (main/data/pngRows.ts) gives exactly the floats that pngjs's whole-image
// decode and the resizer give, for every colour type and bit depth, every filter, palettes and tRNS
// colours, odd sizes shrunk and enlarged; damaged files are refused with their name; interlaced files
// are left to the whole-image decoder.
import { deflateSync, crc32 } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { resizeToTensor, RowResizer } from '../../../app/data/image.ts';
import { decodeImage } from '../../../main/data/images.ts';
import { streamPng } from '../../../main/data/pngRows.ts';

type Size = { width: number; height: number; channels: 1 | 3 };

async function streamed(bytes: Uint8Array, size: Size): Promise<Float32Array | null> {
  const out = new Float32Array(size.width * size.height * size.channels);
  const ok = await streamPng(bytes, 'test.png', (w, h) => new RowResizer(w, h, size.width, size.height, size.channels, out));
  return ok ? out : null;
}

function whole(bytes: Uint8Array, size: Size): Float32Array {
  return resizeToTensor(decodeImage(bytes, 'test.png'), size.width, size.height, size.channels);
}

/** Deterministic noise with smooth parts, so every filter type is worth choosing somewhere. */
function rgbaNoise(width: number, height: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (i >> 2) % width < width / 2 ? (s >>> 24) : ((i >> 2) * 3) & 255;
  }
  return data;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
  return out;
}

/** A PNG written by hand: scanlines of packed samples (filter 0), with optional PLTE/tRNS and interlace flag. */
function handPng(width: number, height: number, depth: number, colorType: number, line: (y: number) => Uint8Array, extra: Buffer[] = [], interlace = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  ihdr[12] = interlace;
  const raw = Buffer.concat(Array.from({ length: height }, (_, y) => Buffer.concat([Buffer.from([0]), line(y)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), ...extra, chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

const sizes: Size[] = [{ width: 8, height: 6, channels: 3 }, { width: 50, height: 61, channels: 1 }, { width: 37, height: 23, channels: 3 }];

describe('streamPng', () => {
  it.each([
    [0, 8], [2, 8], [4, 8], [6, 8], [0, 16], [2, 16], [4, 16], [6, 16],
  ] as const)('colour type %i at %i bits, every filter: the same floats as pngjs + the resizer', async (colorType, bitDepth) => {
    for (const filterType of [-1, 0, 1, 2, 3, 4]) {
      const image = new PNG({ width: 37, height: 23 });
      image.data = rgbaNoise(37, 23, colorType * 100 + bitDepth + filterType);
      const bytes = PNG.sync.write(image, { colorType, bitDepth, inputColorType: 6, filterType });
      for (const size of sizes) expect(await streamed(bytes, size), `filter ${filterType}, ${JSON.stringify(size)}`).toEqual(whole(bytes, size));
    }
  });

  it('palettes (8 and 2 bits, with tRNS alpha), 1-bit grayscale and an RGB tRNS colour match pngjs', async () => {
    const palette = chunk('PLTE', Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 200, 40]));
    const alpha = chunk('tRNS', Buffer.from([255, 128]));
    const cases = [
      handPng(13, 9, 8, 3, (y) => Uint8Array.from({ length: 13 }, (_, x) => (x + y) % 4), [palette, alpha]),
      handPng(13, 9, 2, 3, (y) => Uint8Array.from({ length: 4 }, (_, i) => (0b00011011 + i * 37 + y) & 255), [palette]),
      handPng(17, 5, 1, 0, (y) => Uint8Array.from({ length: 3 }, (_, i) => (0b10110010 ^ (y * 29 + i)) & 255)),
      handPng(9, 7, 8, 2, (y) => Uint8Array.from({ length: 27 }, (_, i) => (i % 3 === 0 && y % 2 ? 10 : (i * 9 + y) & 255)), [chunk('tRNS', Buffer.from([0, 10, 0, 9, 0, 18]))]),
    ];
    for (const bytes of cases) for (const size of sizes) expect(await streamed(bytes, size)).toEqual(whole(bytes, size));
  });

  it('refuses cut-off and corrupted files with the file name; leaves interlaced files to the whole decoder', async () => {
    const image = new PNG({ width: 64, height: 64 });
    image.data = rgbaNoise(64, 64, 7);
    const bytes = PNG.sync.write(image);
    const size: Size = { width: 8, height: 8, channels: 3 };
    await expect(streamed(bytes.subarray(0, bytes.length - 200), size)).rejects.toThrow(/test\.png could not be decoded as PNG \(.*cut off/);
    const flipped = Buffer.from(bytes);
    flipped[60] ^= 0xff;
    await expect(streamed(flipped, size)).rejects.toThrow(/test\.png could not be decoded as PNG \(.*damaged \(CRC\)/);
    // A PNG whose rows are too few for its header.
    const short = handPng(4, 4, 8, 0, () => Uint8Array.of(1, 2, 3, 4));
    const ihdrHeight = Buffer.from(short);
    ihdrHeight.writeUInt32BE(9, 20);
    ihdrHeight.writeUInt32BE(crc32(ihdrHeight.subarray(12, 29)) >>> 0, 29);
    await expect(streamed(ihdrHeight, size)).rejects.toThrow(/only 4 of 9 rows/);
    expect(await streamed(handPng(4, 4, 8, 0, () => Uint8Array.of(1, 2, 3, 4), [], 1), size)).toBeNull();
  });
});
