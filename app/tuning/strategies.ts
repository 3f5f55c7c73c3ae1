// Which settings a sweep's trials use: a grid over the space, random samples, or random samples that
// successive halving then cuts short (app/tuning/halving.ts). Seeded: the same space, strategy, trial
// count and seed always give the same trials, so a killed sweep resumes with the same plan.
import { mulberry32, shuffleInPlace } from '../data/split.ts';
import type { Distribution, SearchSpace, SettingValue, TrialSettings } from './space.ts';

export const strategyNames = ['grid', 'random', 'halving'] as const;
export type StrategyName = (typeof strategyNames)[number];

/** Levels per range on a grid: both ends and the middle (the geometric middle for logUniform). */
export const gridLevels = 3;
/** Whole-number ranges this small are listed in full on a grid. */
const fullIntRange = 5;

/** Rounds away float noise (0.1 + 0.2) so stored and shown values read as typed. */
function tidy(x: number): number {
  return Number(x.toPrecision(6));
}

/** The values a grid takes for one setting. */
export function gridValues(d: Distribution): SettingValue[] {
  switch (d.kind) {
    case 'choice':
      return d.values;
    case 'uniform':
      return Array.from({ length: gridLevels }, (_, i) => tidy(d.low + ((d.high - d.low) * i) / (gridLevels - 1)));
    case 'logUniform': {
      const [a, b] = [Math.log(d.low), Math.log(d.high)];
      return Array.from({ length: gridLevels }, (_, i) => tidy(Math.exp(a + ((b - a) * i) / (gridLevels - 1))));
    }
    case 'int': {
      if (d.high - d.low + 1 <= fullIntRange) return Array.from({ length: d.high - d.low + 1 }, (_, i) => d.low + i);
      const levels = Array.from({ length: gridLevels }, (_, i) => Math.round(d.low + ((d.high - d.low) * i) / (gridLevels - 1)));
      return [...new Set(levels)];
    }
  }
}

/** Every combination of the grid values, the first setting varying slowest. */
export function fullGrid(space: SearchSpace): TrialSettings[] {
  let combos: TrialSettings[] = [{}];
  for (const { path, distribution } of space.params) {
    const values = gridValues(distribution);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [path]: v })));
  }
  return combos;
}

/** One random value of a distribution. */
export function sample(d: Distribution, random: () => number): SettingValue {
  switch (d.kind) {
    case 'choice':
      return d.values[Math.min(d.values.length - 1, Math.floor(random() * d.values.length))];
    case 'uniform':
      return tidy(d.low + random() * (d.high - d.low));
    case 'logUniform':
      return tidy(Math.exp(Math.log(d.low) + random() * (Math.log(d.high) - Math.log(d.low))));
    case 'int':
      return Math.min(d.high, d.low + Math.floor(random() * (d.high - d.low + 1)));
  }
}

export interface TrialPlan {
  /** The settings of each trial, in the order they run. */
  trials: TrialSettings[];
  /** Set when the strategy gives fewer or other trials than asked for, in one sentence. */
  note: string | null;
}

/**
 * The trials of a sweep. Grid: every combination when it has at most `count`, else `count` of them
 * chosen by the seed (in grid order). Random and halving: `count` samples; repeats are drawn again
 * (up to a limit) so that no two trials are the same where the space allows.
 */
export function planTrials(space: SearchSpace, strategy: StrategyName, count: number, seed: number): TrialPlan {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('a sweep needs at least one trial');
  const random = mulberry32((seed ^ 0x7a11) >>> 0);
  if (strategy === 'grid') {
    const grid = fullGrid(space);
    if (grid.length <= count) {
      return { trials: grid, note: grid.length < count ? `the grid has ${grid.length} combinations, so the sweep runs ${grid.length} trials, not ${count}` : null };
    }
    const chosen = shuffleInPlace(grid.map((_, i) => i), random).slice(0, count).sort((a, b) => a - b);
    return { trials: chosen.map((i) => grid[i]), note: `the grid has ${grid.length} combinations; ${count} of them, chosen by the seed, are tried` };
  }
  const trials: TrialSettings[] = [];
  const seen = new Set<string>();
  for (let attempts = 0; trials.length < count; attempts++) {
    const settings = Object.fromEntries(space.params.map(({ path, distribution }) => [path, sample(distribution, random)]));
    const key = JSON.stringify(settings);
    // A small space (a few choices) cannot fill every trial with something new: repeats are then allowed.
    if (seen.has(key) && attempts < count * 20) continue;
    seen.add(key);
    trials.push(settings);
  }
  return { trials, note: null };
}
