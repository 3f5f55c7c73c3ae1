// Seeded shuffling and train/validation/test splits: the same seed gives the same split on every
// machine, so a run can be reproduced and two runs compared on the same held-out rows.

/** mulberry32: a tiny 32-bit PRNG, plenty for shuffling and stable across JS engines. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place with a seeded generator. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

export function shuffledIndices(count: number, seed: number): number[] {
  return shuffleInPlace(Array.from({ length: count }, (_, i) => i), mulberry32(seed));
}

export interface SplitOptions {
  /** Fraction of the non-test rows held out for validation. */
  validationSplit: number;
  /** Fraction of all rows held out for the final test. */
  testSplit: number;
  seed: number;
}

export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

function checkFractions(options: SplitOptions): void {
  for (const key of ['validationSplit', 'testSplit'] as const) {
    const v = options[key];
    if (!(v >= 0 && v < 1)) throw new RangeError(`${key} must be at least 0 and below 1, got ${v}`);
  }
}

/**
 * Splits `items` (row indices) into train/validation/test. With `strata` (a class label per item) each
 * class is split in the same proportions, so a rare class is not missing from the test split by bad luck.
 * Every non-empty input leaves at least one training row.
 */
export function splitIndices(items: readonly number[], options: SplitOptions, strata?: readonly (string | number)[]): SplitIndices {
  checkFractions(options);
  const random = mulberry32(options.seed);
  const shuffled = shuffleInPlace(items.slice(), random);
  const groups = new Map<string | number, number[]>();
  if (strata) {
    for (const i of shuffled) {
      const key = strata[i];
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(i);
    }
  } else {
    groups.set(0, shuffled);
  }
  const out: SplitIndices = { train: [], validation: [], test: [] };
  // Deterministic group order: Map keeps first-seen order, which depends only on the seed.
  for (const group of groups.values()) {
    const nTest = Math.min(Math.round(group.length * options.testSplit), Math.max(0, group.length - 1));
    const rest = group.length - nTest;
    const nVal = Math.min(Math.round(rest * options.validationSplit), Math.max(0, rest - 1));
    out.test.push(...group.slice(0, nTest));
    out.validation.push(...group.slice(nTest, nTest + nVal));
    out.train.push(...group.slice(nTest + nVal));
  }
  if (strata) {
    // Interleave the classes again so that batches are mixed.
    shuffleInPlace(out.train, random);
    shuffleInPlace(out.validation, random);
    shuffleInPlace(out.test, random);
  }
  return out;
}

/** A stable hash of (seed, index) to [0, 1): lets a stream assign row i to a split without holding indices. */
export function rowHash(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index, 0xc2b2ae35) ^ Math.floor(index / 4294967296);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export type SplitName = 'train' | 'validation' | 'test';

/** The split a streamed row belongs to: test with probability testSplit, validation from the rest. */
export function splitOfRow(index: number, options: SplitOptions): SplitName {
  const u = rowHash(options.seed, index);
  if (u < options.testSplit) return 'test';
  const v = (u - options.testSplit) / (1 - options.testSplit);
  return v < options.validationSplit ? 'validation' : 'train';
}
