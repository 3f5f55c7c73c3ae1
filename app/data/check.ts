// Does a graph fit its data? Compares the Input and output layers with prepared data and says, in
// plain words, what differs — with a machine-readable fix the UI can offer as a button.
import type { Shape } from '../graph/types.ts';
import type { Task } from './schema.ts';

export type DataFix =
  | { kind: 'set-output-units'; units: number }
  | { kind: 'set-input-shape'; shape: number[] }
  | { kind: 'set-output-activation'; activation: string };

export interface DataMismatch {
  /** `error`: training would fail or be meaningless; `warning`: it would run but learn badly. */
  severity: 'error' | 'warning';
  message: string;
  fix?: DataFix;
}

/** What the check needs to know about the data: a PreparedData or a Preprocessor both have it. */
export interface DataShapeInfo {
  task: Task;
  inputShape: number[];
  outputUnits: number;
  classes?: string[];
  kind?: 'table' | 'text' | 'image';
}

const fmt = (shape: readonly (number | null)[]) => `[${shape.map((d) => (d === null ? '?' : d)).join(', ')}]`;

/**
 * Compares the graph's Input shape (without the batch dimension), output units and output activation
 * with the data. Returns nothing when they fit.
 */
export function checkDataAgainstModel(inputShape: Shape, outputUnits: number, outputActivation: string, data: DataShapeInfo): DataMismatch[] {
  const out: DataMismatch[] = [];
  const want = data.inputShape;
  const fits = inputShape.length === want.length && inputShape.every((d, i) => d === null || d === want[i]);
  if (!fits) {
    const what =
      data.kind === 'image' ? `each image is ${want[0]}×${want[1]}×${want[2]} (height × width × channels)`
      : data.kind === 'text' ? `each text is ${want[0]} token ids long`
      : `each row has ${want[0]} input value${want[0] === 1 ? '' : 's'} after encoding`;
    out.push({ severity: 'error', message: `the Input layer has shape ${fmt(inputShape)} but ${what}; set the Input shape to ${fmt(want)}`, fix: { kind: 'set-input-shape', shape: [...want] } });
  }
  const activation = outputActivation || 'linear';
  if (data.task === 'classification') {
    const k = data.classes?.length ?? data.outputUnits;
    if (k === 2 && outputUnits === 1) {
      if (activation !== 'sigmoid') out.push({ severity: 'warning', message: `a single output unit for two classes needs the sigmoid activation, not ${activation}`, fix: { kind: 'set-output-activation', activation: 'sigmoid' } });
    } else if (outputUnits !== k) {
      const units = k === 2 && activation === 'sigmoid' ? 1 : k;
      out.push({ severity: 'error', message: `the output layer has ${outputUnits} unit${outputUnits === 1 ? '' : 's'} but the target has ${k} classes`, fix: { kind: 'set-output-units', units } });
    } else if (activation !== 'softmax') {
      out.push({ severity: 'warning', message: `the output layer uses ${activation}; to give one probability per class it should use softmax`, fix: { kind: 'set-output-activation', activation: 'softmax' } });
    }
  } else if (data.task === 'regression') {
    if (outputUnits !== 1) out.push({ severity: 'error', message: `the output layer has ${outputUnits} units but the target is one number (regression); it needs 1 unit`, fix: { kind: 'set-output-units', units: 1 } });
    if (activation === 'softmax' || activation === 'sigmoid' || activation === 'relu') {
      out.push({ severity: 'warning', message: `the output layer uses ${activation}, which limits its values, but the (standardized) target can be any number; use linear`, fix: { kind: 'set-output-activation', activation: 'linear' } });
    }
  } else if (outputUnits !== data.outputUnits) {
    out.push({ severity: 'error', message: `the output layer has ${outputUnits} units but the model should reproduce ${data.outputUnits} input values`, fix: { kind: 'set-output-units', units: data.outputUnits } });
  }
  return out;
}
