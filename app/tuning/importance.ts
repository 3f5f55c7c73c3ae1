// How much each setting of a sweep mattered, in words a user can check against the trials table: the
// share of the spread in the metric that goes with the setting's value (η², "variance explained" by
// grouping the trials by that value; numbers are grouped into low / middle / high thirds), and for
// numbers whether higher or lower values did better (the sign of the rank correlation).
import type { Direction } from './halving.ts';
import type { SettingValue, TrialSettings } from './space.ts';

export interface SettingImportance {
  path: string;
  /** 0–1: the share of the metric's spread that goes with this setting (0 with fewer than 3 scored trials). */
  share: number;
  /** Numbers only: which way the better trials lean, or null when there is no clear lean. */
  lean: 'higher' | 'lower' | null;
  /** One plain sentence. */
  text: string;
}

interface Scored {
  settings: TrialSettings;
  score: number;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Ranks 1..n, ties sharing their average rank. */
function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1].x === order[i].x) j++;
    for (let k = i; k <= j; k++) out[order[k].i] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation, or 0 when either side does not vary. */
export function rankCorrelation(a: number[], b: number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}

/** The group of each value: the value itself for text and few numbers, else its third (low, middle, high) by rank. */
function groups(values: SettingValue[]): string[] {
  const numeric = values.every((v) => typeof v === 'number');
  if (!numeric || new Set(values).size <= 3) return values.map((v) => JSON.stringify(v));
  const r = ranks(values as number[]);
  return r.map((x) => String(Math.min(2, Math.floor(((x - 1) / values.length) * 3))));
}

/** η²: between-group sum of squares over the total. */
export function varianceShare(groupOf: string[], scores: number[]): number {
  const m = mean(scores);
  const total = scores.reduce((s, x) => s + (x - m) ** 2, 0);
  if (total === 0) return 0;
  const byGroup = new Map<string, number[]>();
  groupOf.forEach((g, i) => byGroup.set(g, [...(byGroup.get(g) ?? []), scores[i]]));
  let between = 0;
  for (const xs of byGroup.values()) between += xs.length * (mean(xs) - m) ** 2;
  return Math.min(1, between / total);
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/**
 * Each setting's importance over the scored trials, most important first. `metricLabel` names the metric
 * in the sentences ("validation loss").
 */
export function settingImportance(trials: readonly { settings: TrialSettings; score: number | null }[], paths: readonly string[], direction: Direction, metricLabel: string): SettingImportance[] {
  const scored: Scored[] = trials.filter((t): t is Scored => t.score !== null && Number.isFinite(t.score));
  return paths.map((path): SettingImportance => {
    const values = scored.map((t) => t.settings[path] ?? null);
    if (scored.length < 3 || new Set(values.map((v) => JSON.stringify(v))).size < 2) {
      return { path, share: 0, lean: null, text: scored.length < 3 ? 'Not enough finished trials to tell yet (3 are needed).' : 'Every trial used the same value, so its effect cannot be seen.' };
    }
    const scores = scored.map((t) => t.score);
    const share = varianceShare(groups(values), scores);
    let lean: SettingImportance['lean'] = null;
    if (values.every((v) => typeof v === 'number')) {
      // Positive when higher values go with better scores.
      const rho = rankCorrelation(values as number[], scores) * (direction === 'max' ? 1 : -1);
      if (Math.abs(rho) >= 0.3) lean = rho > 0 ? 'higher' : 'lower';
    }
    const strength = share >= 0.5 ? 'Matters a lot' : share >= 0.2 ? 'Matters somewhat' : 'Matters little';
    const leanText = lean ? `; ${lean} values did better` : '';
    return { path, share, lean, text: `${strength}: ${percent(share)} of the differences in ${metricLabel} between trials go with this setting${leanText}.` };
  }).sort((a, b) => b.share - a.share);
}
