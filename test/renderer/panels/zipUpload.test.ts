// The chunked zip path of the image upload, against the real datasets service in workspace mode: a zip is
// read from its directory (renderer/files/zipArchive.ts), checked as a whole, unpacked one request at a
// time and sent through importImageFiles/addImages (renderer/panels/data/imageUpload.ts). Bad zips —
// damaged, names that leave the folder, too big, no class folders — give one clear message and leave
// nothing in the workspace's uploads; so does a cancel or a damaged entry found half-way.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelwrightServices } from '../../../app/api/contract.ts';
import { createServiceHost, type ServiceHost } from '../../../main/services/host.ts';
import { readZipEntries, readZipEntry, ZipError } from '../../../renderer/files/zipArchive.ts';
import { Cancelled, sendImages, zipImages, type UploadProgress } from '../../../renderer/panels/data/imageUpload.ts';

let dir: string;
let host: ServiceHost;
let api: ModelwrightServices;
const size = { width: 8, height: 8, channels: 1 as const };
const toBase64 = async (data: Uint8Array) => Buffer.from(data).toString('base64');
const uploads = () => (existsSync(join(dir, 'workspace', 'uploads')) ? readdirSync(join(dir, 'workspace', 'uploads')).sort() : []);

/** A 16×16 PNG of random noise: it does not compress, so sizes are real. */
function noisePng(seed: number): Uint8Array {
  const png = new PNG({ width: 16, height: 16 });
  let s = seed * 2654435761 + 1;
  for (let i = 0; i < png.data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    png.data[i] = i % 4 === 3 ? 255 : s >>> 24;
  }
  return new Uint8Array(PNG.sync.write(png));
}

function zipOf(classes: Record<string, number>, top = 'shapes'): Uint8Array {
  const entries: Zippable = {};
  let seed = 1;
  for (const [label, n] of Object.entries(classes)) for (let i = 0; i < n; i++) entries[`${top}/${label}/${i}.png`] = noisePng(seed++);
  return zipSync(entries);
}

/** Uploads a zip (as a Blob, as the page has it) in requests of `chunkBytes`; resolves to the import. */
async function uploadZip(zip: Uint8Array, options: { chunkBytes?: number; signal?: AbortSignal; onProgress?: (p: UploadProgress) => void } = {}) {
  const images = await zipImages(new Blob([zip as Uint8Array<ArrayBuffer>]), toBase64);
  return sendImages(api.datasets, 'shapes', images, size, { chunkBytes: 4096, ...options });
}

/** The one-line message an upload was refused with. */
async function refusal(work: Promise<unknown>): Promise<string> {
  const err = await work.then(() => null, (e: unknown) => e);
  expect(err, 'the upload was refused').toBeInstanceOf(Error);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-zipupload-'));
  host = createServiceHost({ dbPath: join(dir, 'history.db'), fileAccess: 'workspace', workspace: join(dir, 'workspace') });
  api = host.api;
});

afterAll(async () => {
  await host?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('reading a zip from its directory', () => {
  it('lists entries with their sizes and unpacks each one, stored or deflated', async () => {
    const png = noisePng(7);
    const text = new TextEncoder().encode('hello '.repeat(1000));
    const zip = zipSync({ 'a/x.png': [png, { level: 0 }], 'a/notes.txt': [text, { level: 9 }], 'b/': new Uint8Array(0) });
    const blob = new Blob([zip]);
    const entries = await readZipEntries(blob);
    expect(entries.map((e) => [e.name, e.size])).toEqual([['a/x.png', png.length], ['a/notes.txt', text.length], ['b/', 0]]);
    expect(entries.slice(0, 2).map((e) => e.method)).toEqual([0, 8]);
    expect(entries[1].compressedSize).toBeLessThan(text.length / 10);
    expect(await readZipEntry(blob, entries[0])).toEqual(png);
    expect(new TextDecoder().decode(await readZipEntry(blob, entries[1]))).toBe('hello '.repeat(1000));
  });

  it('refuses a file that is not a zip, a cut-off zip, and an entry whose bytes were changed', async () => {
    await expect(readZipEntries(new Blob([new Uint8Array(5000).fill(7)]))).rejects.toThrow(/not a readable zip archive/);
    const zip = zipOf({ a: 2, b: 2 });
    await expect(readZipEntries(new Blob([zip.slice(0, zip.length - 30)]))).rejects.toThrow(ZipError);
    const changed = zip.slice();
    changed[200] ^= 0xff; // inside the first entry's data
    const blob = new Blob([changed]);
    await expect(readZipEntry(blob, (await readZipEntries(blob))[0])).rejects.toThrow(/"shapes\/a\/0\.png" in the zip is damaged/);
  });

  it('never unpacks more than an entry declares (a zip bomb is cut off, then refused)', async () => {
    const zip = zipSync({ 'a/big.png': [new Uint8Array(1_000_000), { level: 9 }] });
    // Lie in the directory: 1,000 bytes instead of 1,000,000.
    const view = new DataView(zip.buffer);
    const cd = zip.length - 22 - (46 + 'a/big.png'.length);
    expect(view.getUint32(cd, true)).toBe(0x02014b50);
    view.setUint32(cd + 24, 1000, true);
    const blob = new Blob([zip]);
    const [entry] = await readZipEntries(blob);
    expect(entry.size).toBe(1000);
    await expect(readZipEntry(blob, entry)).rejects.toThrow(/damaged/);
  });
});

describe('uploading a zip in chunks', () => {
  it('sends a zip of class folders in several requests, with progress, into one new folder', async () => {
    const seen: UploadProgress[] = [];
    const result = await uploadZip(zipOf({ circles: 12, squares: 9, stars: 5 }), { onProgress: (p) => seen.push(p) });
    expect(result.binding.source).toBe('uploads/shapes');
    expect(result.inspection.classCounts).toEqual({ circles: 12, squares: 9, stars: 5 });
    expect(result.inspection.error).toBeNull();
    // Several requests, each reported; the last one is everything.
    expect(seen.length).toBeGreaterThan(4);
    expect(seen[0]).toMatchObject({ files: 0, totalFiles: 26 });
    expect(seen.at(-1)).toMatchObject({ files: 26, totalFiles: 26 });
    expect(seen.at(-1)!.bytes).toBe(seen.at(-1)!.totalBytes);
    expect(seen.map((p) => p.files)).toEqual([...seen.map((p) => p.files)].sort((a, b) => a - b));
    expect(readdirSync(join(dir, 'workspace', 'uploads', 'shapes', 'stars')).sort()).toEqual(['0.png', '1.png', '2.png', '3.png', '4.png']);
  });

  it('refuses bad zips with one clear message each, before anything lands in uploads', async () => {
    const before = uploads();
    const good = (i: number) => noisePng(100 + i);
    const cases: [string, Uint8Array, RegExp][] = [
      ['not a zip', new Uint8Array(3000).fill(42), /^The file is not a readable zip archive \(.*\); make the zip again/],
      ['cut off', zipOf({ a: 3, b: 3 }).subarray(0, 900), /^The file is not a readable zip archive/],
      ['leaves its folder', zipSync({ 'set/a/1.png': good(1), 'set/../../evil/2.png': good(2) }), /^The zip holds "set\/\.\.\/\.\.\/evil\/2\.png", a name that points outside its folder/],
      ['absolute name', zipSync({ '/etc/a/1.png': good(1), 'b/2.png': good(2) }), /a name that points outside its folder/],
      ['no class folders', zipSync({ '1.png': good(1), '2.png': good(2) }), /^"1\.png" is not in a class folder: put the images in one subfolder per class.*The zip needs one folder per class/],
      ['no images', zipSync({ 'a/readme.txt': new Uint8Array(10) }), /^The zip holds no PNG or JPEG images \(1 other files\)/],
    ];
    for (const [label, zip, message] of cases) expect(await refusal(uploadZip(zip)), label).toMatch(message);
    expect(uploads()).toEqual(before);
  });

  it('refuses a zip that declares more than the upload budget, without unpacking it', async () => {
    const zip = zipOf({ a: 2, b: 2 });
    // Every entry claims 200 MB: 800 MB in all, over the 512 MB an uploaded set may hold.
    const view = new DataView(zip.buffer);
    for (let at = 0; at < zip.length - 4; at++) if (view.getUint32(at, true) === 0x02014b50) view.setUint32(at + 24, 200 * 1024 * 1024, true);
    const before = uploads();
    expect(await refusal(uploadZip(zip))).toMatch(/^The zip holds 800 MB in 4 images; an uploaded image set may hold up to 512 MB and 50,000 images/);
    expect(uploads()).toEqual(before);
  });

  it('deletes what earlier requests wrote when a later entry is damaged', async () => {
    const zip = zipOf({ a: 6, b: 6 }, 'broken');
    const entries = await readZipEntries(new Blob([zip as Uint8Array<ArrayBuffer>]));
    const last = entries.at(-1)!;
    zip[last.offset + 30 + last.name.length + 40] ^= 0xff;
    const before = uploads();
    const seen: UploadProgress[] = [];
    expect(await refusal(uploadZip(zip, { onProgress: (p) => seen.push(p) }))).toMatch(/^"broken\/b\/5\.png" in the zip is damaged \(.*\); make the zip again\.$/);
    // Some requests had landed before the damaged entry's turn.
    expect(seen.at(-1)!.files).toBeGreaterThan(0);
    expect(uploads()).toEqual(before);
  });

  it('stops on cancel and leaves nothing behind', async () => {
    const before = uploads();
    const cancel = new AbortController();
    const seen: UploadProgress[] = [];
    const work = uploadZip(zipOf({ a: 10, b: 10 }, 'cancelled'), {
      signal: cancel.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.files > 0) cancel.abort();
      },
    });
    await expect(work).rejects.toBeInstanceOf(Cancelled);
    // Stopped after the request that was under way: not everything was sent.
    expect(seen.at(-1)!.files).toBeLessThan(20);
    expect(uploads()).toEqual(before);
  });
});
