// Prediction with a saved model folder: raw rows (or sentences) go through the preprocessing saved
// with the model, then the model, then back to labels and probabilities or values.
import { Preprocessor, type Prediction, type RawRow } from '../../app/data/preprocess.ts';
import { DataError } from '../../app/data/errors.ts';
import { checkInputColumns, type InputColumns } from '../../app/data/inputColumns.ts';
import type { BackendName } from '../../app/training/config.ts';
import { folderLoadHandler, readModelMetadata } from './modelFiles.ts';
import { loadTf } from '../engine/loadTf.ts';
import { savedMetadataOf, type SavedModelMetadata } from './metadata.ts';
import { registerCustomLayers } from '../../app/graph/buildModel.ts';
import type * as tfTypes from '@tensorflow/tfjs';

/** One input: a row of named values, a sentence (text models), or already-encoded numbers. */
export type PredictInput = RawRow | string | number[];

export interface TrainedModel {
  backend: string;
  metadata: SavedModelMetadata | null;
  /** True for text models: inputs are sentences. */
  takesText: boolean;
  /** Column names the model reads from each row (empty when it takes encoded numbers). */
  columns: string[];
  /** Missing and unknown columns of the inputs given as named rows; null when none are (sentences, numbers). */
  checkColumns(inputs: readonly PredictInput[]): InputColumns | null;
  predict(inputs: readonly PredictInput[]): Promise<Prediction[]>;
  dispose(): void;
}

/** Loads a model folder written by the trainer (model.json + weights.bin + metadata). */
export async function loadTrainedModel(dir: string, options: { backend?: BackendName } = {}): Promise<TrainedModel> {
  const userMeta = await readModelMetadata(dir).catch((err: Error) => {
    throw new DataError(`${dir} is not a saved model folder: ${err.message.replace(/^cannot read [^:]*: /, '')}`);
  });
  const metadata = savedMetadataOf(userMeta);
  const preprocessor = metadata?.preprocessor ? Preprocessor.fromJSON(metadata.preprocessor) : null;
  const { tf, backend } = await loadTf(options.backend ?? 'auto');
  registerCustomLayers(tf);
  const model = await tf.loadLayersModel(folderLoadHandler(tf, dir));
  const inputShape = model.inputs[0].shape.slice(1).map((d) => d ?? 1);
  const width = inputShape.reduce((a, b) => a * b, 1);
  const takesText = preprocessor?.state.kind === 'text';

  const encode = (input: PredictInput, i: number): Float32Array => {
    if (Array.isArray(input)) {
      if (input.length !== width || input.some((v) => typeof v !== 'number')) {
        throw new DataError(`input ${i + 1} has ${input.length} values but the model takes ${width} numbers`);
      }
      return Float32Array.from(input);
    }
    if (!preprocessor) throw new DataError('this model was saved without its preprocessing, so give each input as a list of numbers');
    return preprocessor.encodeRow(input as RawRow | string);
  };

  const columns = preprocessor ? (takesText ? [preprocessor.state.text!.column] : preprocessor.state.features.map((f) => f.name)) : [];
  return {
    backend,
    metadata,
    takesText,
    columns,
    checkColumns(inputs) {
      const rows = inputs.filter((i): i is RawRow => typeof i === 'object' && i !== null && !Array.isArray(i));
      if (rows.length === 0 || !preprocessor || preprocessor.state.kind === 'image') return null;
      return checkInputColumns(rows, columns, preprocessor.state.target?.name);
    },
    async predict(inputs) {
      if (inputs.length === 0) return [];
      const x = new Float32Array(inputs.length * width);
      inputs.forEach((input, i) => {
        const row = encode(input, i);
        if (row.length !== width) throw new DataError(`input ${i + 1} encodes to ${row.length} values but the model takes ${width}`);
        x.set(row, i * width);
      });
      const output = tf.tidy(() => model.predict(tf.tensor(x, [inputs.length, ...inputShape])) as tfTypes.Tensor);
      const values = (await output.data()) as Float32Array;
      const k = values.length / inputs.length;
      output.dispose();
      return inputs.map((_, i) => decode(values.subarray(i * k, (i + 1) * k), preprocessor, metadata));
    },
    dispose: () => model.dispose(),
  };
}

function decode(out: Float32Array, preprocessor: Preprocessor | null, metadata: SavedModelMetadata | null): Prediction {
  if (preprocessor) return preprocessor.decodeOutput(out);
  if (metadata?.task === 'classification' && metadata.classNames) {
    // The same decoding the preprocessor does, for models trained on prepared arrays.
    const classes = metadata.classNames;
    const synthetic = Preprocessor.fromJSON({
      format: 'modelwright-preprocessor', version: 1, kind: 'table', task: 'classification', missing: 'zero', scaling: 'none',
      decimalComma: false, features: [], target: { name: 'target', kind: 'classification', classes },
    });
    return synthetic.decodeOutput(out);
  }
  if (metadata?.task === 'regression') return { kind: 'regression', value: out[0] };
  return { kind: 'reconstruction', values: Array.from(out) };
}
