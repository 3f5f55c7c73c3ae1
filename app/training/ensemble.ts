// How an ensemble combines its members' outputs, and how the weighted method fits its weights. Pure
// arithmetic on row-major outputs (width values per row), shared by the evaluation of a fused run and
// the tests that compare it with the exported model (main/export/fuseModel.ts builds the same function
// from layers).
import type { EnsembleMethod } from '../store/ensemble.ts';
import { predictedClass } from './evaluate.ts';

/**
 * The weight of the averaged probabilities in a vote's output: small enough never to overturn a vote
 * (vote shares differ by at least 1/members), large enough to break a tie by the averaged probability.
 */
export const VOTE_TIE_BREAK = 1e-3;


/** Equal weights for `m` members. */
export function equalWeights(m: number): number[] {
  return Array.from({ length: m }, () => 1 / m);
}

/** The weighted mean of the members' outputs. */
export function weightedMean(outputs: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const out = new Float32Array(outputs[0].length);
  outputs.forEach((o, i) => {
    const w = weights[i];
    for (let j = 0; j < out.length; j++) out[j] += w * o[j];
  });
  return out;
}

/**
 * A majority vote of the members' predicted classes, as outputs: (1 − ε) × each class's share of the
 * votes + ε × the averaged probabilities (ε = VOTE_TIE_BREAK), so the largest output is the class most
 * members predict, ties going to the class with the higher averaged probability. A sigmoid (width 1)
 * votes for the second class at 0.5 and above, as its prediction does.
 */
export function voteOutputs(outputs: readonly Float32Array[], width: number): Float32Array {
  const m = outputs.length;
  const n = outputs[0].length / width;
  const shares = new Float32Array(outputs[0].length);
  for (const o of outputs) {
    for (let r = 0; r < n; r++) {
      const c = predictedClass(o, r, width);
      if (width === 1) shares[r] += c / m;
      else shares[r * width + c] += 1 / m;
    }
  }
  const mean = weightedMean(outputs, equalWeights(m));
  for (let j = 0; j < shares.length; j++) shares[j] = (1 - VOTE_TIE_BREAK) * shares[j] + VOTE_TIE_BREAK * mean[j];
  return shares;
}

/** The ensemble's outputs for a method (weights: one per member, summing to 1; vote ignores them). */
export function combineOutputs(method: EnsembleMethod, outputs: readonly Float32Array[], width: number, weights: readonly number[]): Float32Array {
  if (method === 'vote') return voteOutputs(outputs, width);
  return weightedMean(outputs, method === 'average' ? equalWeights(outputs.length) : weights);
}

/** The error the weighted method minimizes: log-loss of the class probabilities, or the squared error. */
export function fitLoss(task: 'classification' | 'regression', combined: Float32Array, width: number, y: ArrayLike<number>): number {
  const eps = 1e-7;
  let sum = 0;
  for (let r = 0; r < y.length; r++) {
    if (task === 'regression') {
      const d = combined[r] - y[r];
      sum += d * d;
    } else if (width === 1) {
      const p = Math.min(1 - eps, Math.max(eps, combined[r]));
      sum -= y[r] === 1 ? Math.log(p) : Math.log(1 - p);
    } else {
      sum -= Math.log(Math.max(eps, combined[r * width + y[r]]));
    }
  }
  return y.length ? sum / y.length : 0;
}

/**
 * Non-negative weights summing to 1 that lower `fitLoss` on the given (validation) rows: a deterministic
 * search that starts from equal weights and moves a step of weight from one member to another while that
 * lowers the loss, halving the step from 0.1 down to 0.001. Equal weights when there are no rows.
 */
export function fitWeights(task: 'classification' | 'regression', outputs: readonly Float32Array[], width: number, y: ArrayLike<number>): number[] {
  const m = outputs.length;
  const weights = equalWeights(m);
  if (y.length === 0) return weights;
  let best = fitLoss(task, weightedMean(outputs, weights), width, y);
  for (let step = 0.1; step >= 0.001 - 1e-12; step /= 2) {
    for (let improved = true, rounds = 0; improved && rounds < 100; rounds++) {
      improved = false;
      for (let to = 0; to < m; to++) {
        for (let from = 0; from < m; from++) {
          if (from === to || weights[from] <= 0) continue;
          const moved = Math.min(step, weights[from]);
          const trial = weights.slice();
          trial[from] -= moved;
          trial[to] += moved;
          const loss = fitLoss(task, weightedMean(outputs, trial), width, y);
          if (loss < best - 1e-12) {
            best = loss;
            weights.splice(0, m, ...trial);
            improved = true;
          }
        }
      }
    }
  }
  // Rounding drift: exactly 1 in total, no tiny negatives.
  const clipped = weights.map((w) => Math.max(0, w));
  const total = clipped.reduce((a, b) => a + b, 0);
  return clipped.map((w) => w / total);
}

/**
 * Members that answer alike on every row (outputs within 1e-4 of the largest, or of 1), as groups of their
 * ids, two or more to a group: the same settings and seed train the same model, and fusing copies adds nothing.
 * The tolerance passes the float rounding by which a run split over threads differs from one on a single
 * thread (docs/engine.md), and nothing that different seeds train.
 */
export function identicalMembers(outputs: readonly Float32Array[], ids: readonly number[]): number[][] {
  const groups: number[][] = [];
  const grouped = new Set<number>();
  for (let i = 0; i < outputs.length; i++) {
    if (grouped.has(i)) continue;
    const group = [i];
    for (let j = i + 1; j < outputs.length; j++) {
      if (!grouped.has(j) && sameOutputs(outputs[i], outputs[j])) group.push(j);
    }
    if (group.length > 1) {
      for (const k of group) grouped.add(k);
      groups.push(group.map((k) => ids[k]));
    }
  }
  return groups;
}

function sameOutputs(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  let scale = 1;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= 1e-4 * scale)) return false;
  return true;
}

/** The note an ensemble of identical members gets: which runs, why, and what to do instead. */
export function identicalMembersNote(groups: readonly number[][]): string | null {
  if (groups.length === 0) return null;
  const named = groups.map((g) => `${g.slice(0, -1).map((id) => `#${id}`).join(', ')} and #${g[g.length - 1]}`).join('; ');
  return `runs ${named} give the same answers on every test row (the same settings and seed train the same model), so fusing them adds nothing: train the members with different random seeds and one split seed`;
}
