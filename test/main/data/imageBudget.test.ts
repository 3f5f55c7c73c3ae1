// Image import within a budget, on real PNG files made here with pngjs: inspecting a folder reads only the
// files' headers (a folder of 2048² images is counted with almost no memory, and an image whose pixel data
// is cut off is still counted), training streams each PNG row by row into the resizer (memory measured in a
// child process), and a folder over the memory or decoding budget is refused from the headers with what to do.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFileAccess } from '../../../main/files/fileAccess.ts';
import { loadDataset } from '../../../main/data/load.ts';
import { createDatasetsService } from '../../../main/services/datasets.ts';

const dir = mkdtempSync(join(tmpdir(), 'mw-image-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const service = createDatasetsService({ files: localFileAccess(dir) });
const side = 2048;
const perClass = 16;

/** A real side×side PNG: a smooth gradient (small on disk, 16 MB once decoded to RGBA). */
function gradientPng(seed: number): Buffer {
  const image = new PNG({ width: side, height: side });
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
    const i = (y * side + x) * 4;
    image.data[i] = (x + seed * 10) & 255;
    image.data[i + 1] = y & 255;
    image.data[i + 2] = seed * 20;
    image.data[i + 3] = 255;
  }
  return PNG.sync.write(image, { deflateLevel: 1 });
}

/** A 1×1 PNG whose header says width×height: header-only, it cannot be decoded. */
function claimedPng(width: number, height: number): Buffer {
  const image = new PNG({ width: 1, height: 1 });
  image.data.fill(128);
  const bytes = PNG.sync.write(image);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

function folder(name: string, files: (cls: string, i: number) => Buffer | null, count: number): string {
  const root = join(dir, name);
  for (const cls of ['cats', 'dogs']) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < count; i++) {
      const bytes = files(cls, i);
      if (bytes) writeFileSync(join(root, cls, `${i}.png`), bytes);
    }
  }
  return root;
}

/** Peak RSS growth (MB) of a fresh Node process while it runs `body` after importing the loaders. */
function peakGrowthMb(body: string): number {
  const imageFolder = fileURLToPath(new URL('../../../main/data/imageFolder.ts', import.meta.url));
  const script = `import { readImageFolder, scanImageFolder, imageBudgetProblem } from ${JSON.stringify(imageFolder)};
const start = process.resourceUsage().maxRSS;
${body}
console.log(JSON.stringify({ growth: (process.resourceUsage().maxRSS - start) / 1024 }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!).growth;
}

let big: string;
beforeAll(() => {
  const one = [gradientPng(1), gradientPng(2)];
  big = folder('big', (cls, i) => one[(i + (cls === 'cats' ? 0 : 1)) % 2], perClass);
}, 120_000);

describe('image import budget', () => {
  it(`inspect counts ${2 * perClass} images of ${side}×${side} from their headers, without decoding them`, async () => {
    const inspection = await service.inspect({ source: big, kind: 'images', image: { width: 32, height: 32, channels: 3 } } as never);
    expect(inspection.error).toBeNull();
    expect(inspection.rows).toBe(2 * perClass);
    expect(inspection.classCounts).toEqual({ cats: perClass, dogs: perClass });
    expect(inspection).toMatchObject({ task: 'classification', usableRows: 2 * perClass, inputShape: [32, 32, 3], outputUnits: 2, classes: ['cats', 'dogs'] });
    // One decoded image is 16 MB of RGBA: scanning all of them adds a few MB at most.
    const growth = peakGrowthMb(`const scan = await scanImageFolder(${JSON.stringify(big)}); if (scan.files.length !== ${2 * perClass} || scan.files[0].width !== ${side}) throw new Error('bad scan');`);
    expect(growth).toBeLessThan(12);
  }, 60_000);

  it('inspect counts an image whose pixel data is cut off (nothing decoded); importing or loading it names the file', async () => {
    const good = (() => { const p = new PNG({ width: 4, height: 4 }); p.data.fill(200); return PNG.sync.write(p); })();
    const cut = folder('cut', (cls, i) => (cls === 'dogs' && i === 0 ? good.subarray(0, good.length - 20) : good), 3);
    const inspection = await service.inspect({ source: cut, kind: 'images', image: { width: 4, height: 4, channels: 1 } } as never);
    expect(inspection.rows).toBe(6);
    await expect(loadDataset({ source: cut, kind: 'images', image: { width: 4, height: 4, channels: 1 } } as never)).rejects.toThrow(/dogs\/0\.png could not be decoded as PNG/);
    await expect(service.importImageFolder(cut, { width: 4, height: 4, channels: 1 })).rejects.toThrow(/dogs\/0\.png could not be decoded as PNG/);
  });

  it('training reads stream each PNG row by row: memory stays far below even one whole decode', () => {
    // All 32 decoded at once would be 32 × 16 MB = 512 MB of RGBA alone; decoding each whole with pngjs,
    // one at a time, measured ~140 MB; streamed row by row (pngRows.ts) ~40 MB — file bytes and rows not
    // yet collected, never a full-size bitmap.
    const growth = peakGrowthMb(`const f = await readImageFolder(${JSON.stringify(big)}, { width: 32, height: 32, channels: 3 }); if (f.labels.length !== ${2 * perClass}) throw new Error('bad read');`);
    expect(growth).toBeLessThan(80);
  }, 120_000);

  it('a folder over the memory budget at the model size is refused from the headers, saying what to do', async () => {
    const tiny = folder('many', () => claimedPng(8, 8), 45);
    const binding = { source: tiny, kind: 'images', image: { width: 1024, height: 1024, channels: 3 } } as never;
    const message = '90 images at 1024×1024×3 take 1.1 GB as the model reads them, more than the 1 GB limit for image data. Choose a smaller image size or 1 channel (grayscale), or use fewer images (85 fit at this size).';
    const inspection = await service.inspect(binding);
    expect(inspection.rows).toBe(90);
    expect(inspection.error).toBe(message);
    // Importing it decodes nothing either: the inspection it returns says why.
    expect((await service.importImageFolder(tiny, { width: 1024, height: 1024, channels: 3 })).inspection.error).toBe(message);
    // Refused before any decoding (these files cannot be decoded) or allocation.
    await expect(loadDataset(binding)).rejects.toThrow(message);
    // At a smaller size the same folder fits (and then fails on its undecodable first file, by name).
    await expect(loadDataset({ source: tiny, kind: 'images', image: { width: 32, height: 32, channels: 3 } } as never)).rejects.toThrow(/cats\/0\.png could not be decoded/);
  });

  it('a folder over the decoding budget (4,000 megapixels) is refused from the headers', async () => {
    const huge = folder('huge', () => claimedPng(6400, 6250), 51);
    const binding = { source: huge, kind: 'images', image: { width: 32, height: 32, channels: 3 } } as never;
    const inspection = await service.inspect(binding);
    expect(inspection.rows).toBe(102);
    expect(inspection.error).toBe('The 102 images hold 4,080 megapixels in all, more than the 4,000 megapixels decoded for one dataset (it would take very long). Shrink the image files first (the model reads them at 32×32), or use fewer images.');
    await expect(loadDataset(binding)).rejects.toThrow(/4,080 megapixels in all/);
  });
});
