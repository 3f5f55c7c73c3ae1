// Successive halving, asynchronous (ASHA's stopping rule): at each rung (an epoch count) a trial goes on
// only if its validation metric is in the best 1/reduction of all trials that have reached that rung so
// far; the others stop there. Trials never wait for each other, so parallel trainers stay busy. The
// first trials to reach a rung always go on (there is nothing to compare with yet); with one trainer at
// a time the decisions repeat exactly, with several they can depend on which trial reaches a rung first.

export type Direction = 'max' | 'min';

/** Each rung keeps the best third. */
export const reductionFactor = 3;
/** A rung earlier than this many epochs says too little about a trial. */
const minRungEpochs = 2;
const maxRungs = 3;

/** The epoch counts at which trials are judged, ascending: epochs/3, epochs/9, ... (at least 2 epochs, at most 3 rungs). */
export function halvingRungs(epochs: number, factor = reductionFactor): number[] {
  const rungs: number[] = [];
  for (let r = Math.floor(epochs / factor); r >= minRungEpochs && rungs.length < maxRungs; r = Math.floor(r / factor)) {
    if (r < epochs) rungs.unshift(r);
  }
  return [...new Set(rungs)];
}

/** Better first; a missing value (no metric, NaN) is worst. */
export function compareScores(a: number | null, b: number | null, direction: Direction): number {
  const ok = (v: number | null): v is number => v !== null && Number.isFinite(v);
  if (!ok(a) || !ok(b)) return (ok(a) ? 0 : 1) - (ok(b) ? 0 : 1);
  return direction === 'max' ? b - a : a - b;
}

/** The values seen at each rung, and the rule that decides whether a trial goes on. */
export class HalvingLadder {
  readonly rungs: readonly number[];
  readonly direction: Direction;
  readonly factor: number;
  private readonly seen = new Map<number, (number | null)[]>();

  constructor(rungs: readonly number[], direction: Direction, factor = reductionFactor) {
    this.rungs = rungs;
    this.direction = direction;
    this.factor = factor;
  }

  isRung(epochsDone: number): boolean {
    return this.rungs.includes(epochsDone);
  }

  /** Records a value at a rung without deciding (a finished trial's history, when a sweep resumes). */
  record(epochsDone: number, value: number | null): void {
    if (!this.isRung(epochsDone)) return;
    const list = this.seen.get(epochsDone) ?? [];
    list.push(value);
    this.seen.set(epochsDone, list);
  }

  /** Records a trial's value at a rung and says whether it goes on: it must rank in the best 1/factor so far. */
  decide(epochsDone: number, value: number | null): boolean {
    if (!this.isRung(epochsDone)) return true;
    this.record(epochsDone, value);
    const values = this.seen.get(epochsDone)!;
    const keep = Math.max(1, Math.floor(values.length / this.factor));
    const better = values.filter((v) => compareScores(v, value, this.direction) < 0).length;
    return value !== null && Number.isFinite(value) && better < keep;
  }
}
