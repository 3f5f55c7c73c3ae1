// Class folders of small real PNG files, written for a test or a benchmark (never committed): class c's
// images are mostly its own colour with seeded noise, so a small model learns them in an epoch or two.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { mulberry32 } from '../../../app/data/split.ts';

const palette = [[220, 40, 40], [40, 200, 60], [50, 70, 220], [230, 210, 40], [200, 60, 210], [40, 210, 210]];

/** Writes `perClass` side×side PNGs into `root/class_k/` for `classes` classes; returns the image count. */
export async function writeImageFolder(root: string, options: { classes?: number; perClass: number; side?: number; seed?: number }): Promise<number> {
  const { classes = 2, perClass, side = 16, seed = 1 } = options;
  const random = mulberry32(seed);
  const image = new PNG({ width: side, height: side });
  for (let c = 0; c < classes; c++) {
    const dir = join(root, `class_${c}`);
    await mkdir(dir, { recursive: true });
    const colour = palette[c % palette.length];
    for (let i = 0; i < perClass; i++) {
      for (let p = 0; p < side * side; p++) {
        for (let k = 0; k < 3; k++) image.data[p * 4 + k] = Math.max(0, Math.min(255, colour[k] + Math.round((random() - 0.5) * 120)));
        image.data[p * 4 + 3] = 255;
      }
      await writeFile(join(dir, `${i}.png`), PNG.sync.write(image, { deflateLevel: 1 }));
    }
  }
  return classes * perClass;
}
