// The Data panel's augmentation preview through the real dataset service: real training images (of the
// training split), each with variants that are exactly the trainer's transforms of them; its arguments are
// checked by the contract's schema; non-image data is refused in words.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodSpec, type ModelwrightServices } from '../../../app/api/contract.ts';
import { augmentImages, batchSeed } from '../../../app/data/augment.ts';
import { datasetBindingSchema, type DatasetBinding } from '../../../app/data/binding.ts';
import { imageSplit } from '../../../app/data/prepare.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { createServiceHost, type ServiceHost } from '../../../main/services/host.ts';

let dir: string;
let host: ServiceHost;
let api: ModelwrightServices;
let binding: DatasetBinding;

/** A 12×12 grayscale PNG, dark on its left third and light elsewhere (so a mirror image is easy to see). */
function picture(shade: number, variant: number): string {
  const png = new PNG({ width: 12, height: 12 });
  for (let p = 0; p < 144; p++) {
    const v = (p % 12) < 4 ? shade : 200 + ((p + variant) % 5);
    png.data.set([v, v, v, 255], p * 4);
  }
  return PNG.sync.write(png).toString('base64');
}
const gray = (b64: string) => {
  const png = PNG.sync.read(Buffer.from(b64, 'base64'));
  return Float32Array.from({ length: png.width * png.height }, (_, p) => png.data[p * 4] / 255);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mw-augpreview-'));
  host = createServiceHost({ dbPath: join(dir, 'history.db'), fileAccess: 'workspace', workspace: join(dir, 'workspace') });
  api = host.api;
  const upload = ['cats', 'dogs'].flatMap((label, c) => Array.from({ length: 10 }, (_, i) => ({ path: `pets/${label}/${i}.png`, data: picture(c * 40, i) })));
  binding = (await api.datasets.importImageFiles('pets', upload, { width: 12, height: 12, channels: 1 })).binding;
});

afterAll(async () => {
  await host?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('datasets.augmentPreview', () => {
  const config = makeTrainingConfig({ seed: 7, augment: { flip: 'horizontal', rotation: 10, shift: 0.1, brightness: 0.2 } });

  it('shows training images of every class, each with variants made by the trainer\'s own transforms', async () => {
    const preview = await api.datasets.augmentPreview(binding, config, { images: 4, variants: 3 });
    expect(preview.seed).toBe(7);
    expect(preview.images.map((i) => i.label)).toEqual(['cats', 'dogs', 'cats', 'dogs']);
    // Only training images: none of the validation or test split.
    const labels = [...Array(10).fill('cats'), ...Array(10).fill('dogs')];
    const split = imageSplit(labels, { validationSplit: config.validationSplit, testSplit: config.testSplit, seed: 7 });
    const names = labels.map((l, i) => `${l}/${i % 10}.png`);
    for (const image of preview.images) expect(split.train.map((i) => names[i])).toContain(image.name);
    // Variant k is the preview batch augmented with epoch k's first-batch seed, exactly as training does it.
    const originals = preview.images.map((i) => gray(i.original));
    const batch = new Float32Array(originals.length * 144);
    originals.forEach((o, k) => batch.set(o, k * 144));
    for (let epoch = 0; epoch < 3; epoch++) {
      const expected = augmentImages(batch, originals.length, { height: 12, width: 12, channels: 1 }, config.augment!, batchSeed(7, epoch, 0));
      preview.images.forEach((image, k) => {
        const got = gray(image.variants[epoch]);
        const want = expected.subarray(k * 144, (k + 1) * 144);
        // PNG keeps 8 bits: within half a step of the trainer's value.
        for (let p = 0; p < 144; p++) expect(Math.abs(got[p] - want[p])).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
      });
    }
    // The variants differ from the image and from each other (augmentation is on).
    const v = preview.images[0].variants;
    expect(new Set([preview.images[0].original, ...v]).size).toBe(4);
  });

  it('draws with augment.seed when it is set, and draws the same again for the same settings', async () => {
    const seeded = makeTrainingConfig({ ...config, augment: { ...config.augment, seed: 99 } });
    const a = await api.datasets.augmentPreview(binding, seeded, { images: 2, variants: 2 });
    const b = await api.datasets.augmentPreview(binding, seeded, { images: 2, variants: 2 });
    const other = await api.datasets.augmentPreview(binding, config, { images: 2, variants: 2 });
    expect(a.seed).toBe(99);
    expect(b).toEqual(a);
    expect(other.images[0].variants).not.toEqual(a.images[0].variants);
  });

  it('works on built-in MNIST', async () => {
    const preview = await api.datasets.augmentPreview(datasetBindingSchema.parse({ source: 'builtin:mnist', kind: 'images', image: { width: 28, height: 28, channels: 1 } }), config, { images: 10, variants: 1 });
    expect(preview.images.map((i) => i.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const png = PNG.sync.read(Buffer.from(preview.images[0].variants[0], 'base64'));
    expect([png.width, png.height]).toEqual([28, 28]);
  });

  it('refuses data that are not images, and out-of-range settings at the boundary', async () => {
    await expect(api.datasets.augmentPreview(datasetBindingSchema.parse({ source: 'builtin:iris' }), config)).rejects.toThrow(/holds no images/);
    const spec = methodSpec('datasets', 'augmentPreview')!;
    expect(spec.args.safeParse([binding, config, { images: 4 }]).success).toBe(true);
    expect(spec.args.safeParse([binding, { ...config, augment: { rotation: 400 } }]).success).toBe(false);
    expect(spec.args.safeParse([binding, config, { variants: 50 }]).success).toBe(false);
    expect(spec.args.safeParse([binding, config, { images: 4, extra: true }]).success).toBe(false);
  });
});
