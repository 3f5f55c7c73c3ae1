// `modelwright predict`: runs a trained model folder on raw rows from a CSV or JSON file or stdin
// (sentences for a text model) and prints labels with probabilities, or values.
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { CliError, UsageError, parseCommandArgs, type CliCommand } from '../command.ts';
import { parseCsv, decodeTextBytes } from '../../../app/data/csv.ts';
import { DataError } from '../../../app/data/errors.ts';
import { ModelFolderError } from '../../model/modelFolder.ts';
import { backendNames, type BackendName } from '../../../app/training/config.ts';
import type { Prediction } from '../../../app/data/preprocess.ts';
import { loadTrainedModel, type PredictInput } from '../../model/predict.ts';
import { checkPredictInputs, predictionsJson } from '../../web/predictInputs.ts';
import { missingColumnsText, unknownColumnsText } from '../../../app/data/inputColumns.ts';

const usage = `Usage: modelwright predict MODEL_DIR --input (FILE.csv|FILE.json|-) [--json] [--allow-missing]

Runs a model saved by "modelwright train" on raw input rows, prepared exactly as in training.

Options:
  --input SOURCE   a CSV/TSV file with the training columns (the target column may be absent),
                   a JSON file (a list of rows like {"column": value}, a list of sentences for a text
                   model, or a list of number lists), or - for stdin (JSON, CSV, or for a text model
                   one sentence per line)
  --backend B      ${backendNames.join(', ')} (default auto)
  --json           print {"predictions": [...]} instead of one line per input
  --allow-missing  fill columns the input lacks as training filled missing values (the column's
                   mean or 0, the most common category) instead of refusing the input

A row that lacks a column the model reads is refused (exit 2, naming the column) unless
--allow-missing is given; columns the model does not read are ignored and named on stderr.

Example: echo "where is my order?" | modelwright predict intents-model --input -`;

const maxInputBytes = 64 * 1024 * 1024;

async function readInput(source: string): Promise<string> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length;
      if (size > maxInputBytes) throw new CliError('the input on stdin is larger than 64 MB; split it into smaller files', 2);
      chunks.push(chunk as Buffer);
    }
    return decodeTextBytes(new Uint8Array(Buffer.concat(chunks))).text;
  }
  try {
    const bytes = await readFile(resolve(source));
    if (bytes.length > maxInputBytes) throw new CliError(`${source} is larger than 64 MB; split it into smaller files`, 2);
    return decodeTextBytes(new Uint8Array(bytes)).text;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read ${source}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, 2);
  }
}

/** Turns the input text into model inputs, by extension, else by content. */
export function parseInputs(text: string, source: string, takesText: boolean): PredictInput[] {
  const ext = extname(source).toLowerCase();
  const trimmed = text.trim();
  if (trimmed === '') throw new CliError('the input is empty: give at least one row', 2);
  if (ext === '.json' || (ext !== '.csv' && ext !== '.tsv' && /^[[{"]/.test(trimmed))) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      throw new CliError(`the input is not valid JSON: ${(err as Error).message}`, 2);
    }
    const list = Array.isArray(value) ? value : [value];
    try {
      return checkPredictInputs(list);
    } catch (err) {
      throw new CliError((err as Error).message, 2);
    }
  }
  if (takesText && ext !== '.csv' && ext !== '.tsv') {
    return trimmed.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  }
  const table = parseCsv(text);
  return table.rows.map((cells) => Object.fromEntries(table.columns.map((c, i) => [c, cells[i]])));
}

function line(p: Prediction, input: PredictInput, takesText: boolean): string {
  const prefix = takesText && typeof input === 'string' ? `${input.length > 60 ? `${input.slice(0, 57)}...` : input}\t` : '';
  if (p.kind === 'classification') {
    const top = Object.entries(p.probabilities).sort((a, b) => b[1] - a[1]).slice(0, 3);
    return `${prefix}${p.label}\t(${top.map(([label, prob]) => `${label} ${prob.toFixed(3)}`).join(', ')})`;
  }
  if (p.kind === 'regression') return `${prefix}${Number(p.value.toPrecision(6))}`;
  return `${prefix}${p.values.map((v) => Number(v.toPrecision(4))).join(' ')}`;
}

export const predictCommand: CliCommand = {
  name: 'predict',
  summary: 'Predict with a trained model folder from raw rows or sentences',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      input: { type: 'string' },
      backend: { type: 'string' },
      json: { type: 'boolean' },
      'allow-missing': { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('give the MODEL_DIR of a trained model (the folder "modelwright train" saved)');
    if (values.input === undefined) throw new UsageError('give the rows to predict with --input FILE.csv, FILE.json or - (stdin)');
    if (values.backend !== undefined && !(backendNames as readonly string[]).includes(values.backend)) {
      throw new UsageError(`--backend must be one of ${backendNames.join(', ')}, got "${values.backend}"`);
    }
    try {
      const model = await loadTrainedModel(resolve(positionals[0]), { backend: values.backend as BackendName | undefined });
      try {
        const inputs = parseInputs(await readInput(values.input), values.input, model.takesText);
        const columns = model.checkColumns(inputs);
        if (columns) {
          const missing = missingColumnsText(columns, inputs.length);
          if (missing && !values['allow-missing']) {
            throw new CliError(`${missing}; add ${columns.missing.length === 1 ? 'it' : 'them'} to the input, or pass --allow-missing to fill ${columns.missing.length === 1 ? 'it' : 'them'} as training filled missing values`, 2);
          }
          if (missing) io.stderr(`note: ${missing}; filled as training filled missing values (--allow-missing)\n`);
          const unknown = unknownColumnsText(columns);
          if (unknown) io.stderr(`note: ${unknown}\n`);
        }
        const predictions = await model.predict(inputs);
        if (values.json) {
          io.stdout(`${JSON.stringify(predictionsJson(predictions))}\n`);
        } else {
          io.stdout(predictions.map((p, i) => line(p, inputs[i], model.takesText)).join('\n') + '\n');
        }
        return 0;
      } finally {
        model.dispose();
      }
    } catch (err) {
      if (err instanceof DataError || (err as Error)?.name === 'BackendUnavailableError') throw new CliError((err as Error).message, 2);
      // A damaged or hostile model folder (weight paths, byte counts) is unusable input, not a bug.
      if (err instanceof ModelFolderError) throw new CliError(`${positionals[0]} is not a usable model folder: ${err.message}`, 2);
      throw err;
    }
  },
};
