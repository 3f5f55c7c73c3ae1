// Prediction inputs and answers as JSON, shared by `modelwright predict --json` and `serve-model`: the
// one check of what a list of inputs may hold, and the one shape of the answer.
import { DataError } from '../../app/data/errors.ts';
import type { Prediction } from '../../app/data/preprocess.ts';
import type { PredictInput } from '../model/predict.ts';

export const inputShapesText = 'give rows as {"column": value}, sentences as strings, or lists of numbers';

function isInput(item: unknown): item is PredictInput {
  if (typeof item === 'string') return true;
  if (Array.isArray(item)) return item.every((v) => typeof v === 'number' && Number.isFinite(v));
  return item !== null && typeof item === 'object';
}

/** Checks each item of a parsed JSON list; the error names the first bad one (1-based). */
export function checkPredictInputs(list: readonly unknown[]): PredictInput[] {
  list.forEach((item, i) => {
    if (!isInput(item)) throw new DataError(`input ${i + 1} is ${JSON.stringify(item)?.slice(0, 40)}; ${inputShapesText}`);
  });
  return list as PredictInput[];
}

/** One prediction as `predict --json` and the model server write it: without the internal `kind`. */
export type PredictionJson =
  | { label: string; classIndex: number; probabilities: Record<string, number> }
  | { value: number }
  | { values: number[] };

export function predictionsJson(predictions: readonly Prediction[]): { predictions: PredictionJson[] } {
  return { predictions: predictions.map(({ kind: _kind, ...rest }) => rest) };
}
