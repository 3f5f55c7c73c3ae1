// The Data panel's class grid of an image dataset: per class, its count and its first images as thumbnails.
import type { ImageClassGrid } from '../../app/api/types.ts';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { sortLabels } from '../../app/data/schema.ts';
import { openImageSamples } from '../data/imageSamples.ts';
import { isUploadedFolder } from '../files/uploads.ts';

/** Thumbnails in the grid are at most this many pixels on a side (the model's size when smaller). */
export const gridThumbSide = 64;

/** `binding.source` is a host path the file policy accepted; folders directly in `uploadsDir` are editable. */
export async function imageClassGrid(binding: DatasetBinding, baseDir: string, uploadsDir: string, perClass: number): Promise<ImageClassGrid> {
  const samples = await openImageSamples(binding, baseDir);
  const byClass = new Map<string, number[]>();
  samples.labels.forEach((label, i) => {
    const list = byClass.get(label) ?? [];
    list.push(i);
    byClass.set(label, list);
  });
  const classes: ImageClassGrid['classes'] = [];
  for (const name of sortLabels(byClass.keys())) {
    const indices = byClass.get(name)!;
    const thumbs = [];
    for (const i of indices.slice(0, perClass)) {
      thumbs.push({ name: samples.names[i], image: (await samples.png(i, gridThumbSide)).toString('base64') });
    }
    classes.push({ name, count: indices.length, thumbs });
  }
  return { classes, editable: samples.folder !== null && isUploadedFolder(uploadsDir, samples.folder) };
}
