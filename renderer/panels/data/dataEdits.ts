// Changes the data panel makes to a dataset binding, as pure functions: column roles (one target at a
// time) and type overrides; upload checks.
import { formatBytes } from '../../../app/format.ts';
import type { ColumnRole, ColumnType } from '../../../app/data/schema.ts';
import { datasetBindingSchema, type DatasetBinding } from '../../../app/data/binding.ts';
import type { ColumnSummary, DatasetInspection } from '../../../app/api/types.ts';

function withColumn(binding: DatasetBinding, name: string, change: { role?: ColumnRole; type?: ColumnType | undefined }, current: ColumnSummary | undefined): DatasetBinding {
  const columns = binding.columns.filter((c) => c.name !== name);
  const existing = binding.columns.find((c) => c.name === name);
  const role = change.role ?? existing?.role ?? current?.role ?? 'feature';
  const type = 'type' in change ? change.type : existing?.type;
  const spec = type === undefined ? { name, role } : { name, role, type };
  // Keep the file's column order, so the saved project reads like the data.
  const index = binding.columns.findIndex((c) => c.name === name);
  if (index >= 0) columns.splice(index, 0, spec);
  else columns.push(spec);
  return { ...binding, columns };
}

/**
 * Sets a column's role. Making a column the target demotes the previous target to a feature (a table has
 * one target), and the binding's `target` follows; taking the target role away leaves no target.
 */
export function setColumnRole(binding: DatasetBinding, columns: readonly ColumnSummary[], name: string, role: ColumnRole): DatasetBinding {
  let next = binding;
  if (role === 'target') {
    for (const c of columns) {
      if (c.name !== name && c.role === 'target') next = withColumn(next, c.name, { role: 'feature' }, c);
    }
    next = { ...withColumn(next, name, { role }, columns.find((c) => c.name === name)), target: name };
  } else {
    next = withColumn(next, name, { role }, columns.find((c) => c.name === name));
    if (next.target === name) {
      const { target: _dropped, ...rest } = next;
      next = rest;
    }
  }
  return next;
}

/** Overrides a column's type; choosing the inferred type removes the override. */
export function setColumnType(binding: DatasetBinding, column: ColumnSummary, type: ColumnType): DatasetBinding {
  return withColumn(binding, column.name, { type: type === column.inferredType ? undefined : type }, column);
}

/**
 * The same file read as text: `column` holds the sentences and the target stays; the other columns'
 * overrides go (a text model reads only the sentences). `reading`: the words per sentence and vocabulary
 * the model takes (`textReadingOf`), so that the data fits the model as it is.
 */
export function readAsText(binding: DatasetBinding, column: string, reading: { sequenceLength?: number; vocabSize?: number } | null = null): DatasetBinding {
  // The sentences cannot also be what is predicted: a target on that column goes, and the text reading then
  // predicts the last other column.
  const { target: named, ...rest } = binding;
  const target = named === column ? undefined : named;
  return datasetBindingSchema.parse({
    ...rest, ...(target !== undefined ? { target } : {}), kind: 'text', text: { ...reading, column },
    columns: binding.columns.filter((c) => c.name !== column && (c.role === 'target' || c.name === target)),
  });
}

/**
 * The column a table binding should rather be read as text by: a free-text feature column, when the table has
 * no other column to learn from (the inspection's error) or the model reads text. For a model that reads text,
 * short sentences the type inference calls categories count too: of two or more non-number columns, the one
 * with the most different values (labels repeat, sentences vary), even when the table took it as the target.
 * Null otherwise.
 */
export function textColumnToRead(inspection: Pick<DatasetInspection, 'kind' | 'error' | 'columns'>, modelReadsText: boolean): string | null {
  if (inspection.kind !== 'table') return null;
  // When the data could not be prepared, no column may be marked as the target yet: a table's default
  // target is its last column.
  const { columns } = inspection;
  const target = columns.find((c) => c.role === 'target')?.name ?? columns.at(-1)?.name;
  const text = columns.find((c) => c.name !== target && c.type === 'text');
  if (!text) {
    const words = columns.filter((c) => c.role !== 'ignore' && c.type !== 'numeric');
    if (!modelReadsText || words.length < 2) return null;
    return words.reduce((a, b) => (b.distinct > a.distinct ? b : a)).name;
  }
  const numbersLeft = columns.some((c) => c.name !== target && c.role === 'feature' && c.type !== 'text');
  return modelReadsText || (inspection.error !== null && !numbersLeft) ? text.name : null;
}

/** A file's text, refusing what is clearly not a CSV (so a wrong pick says so before uploading megabytes). */
export function checkCsvFile(name: string, sizeBytes: number, maxBytes: number): string | null {
  if (!/\.(csv|tsv|txt)$/i.test(name)) return `"${name}" does not look like a CSV or TSV file; choose a file ending in .csv, .tsv or .txt.`;
  if (sizeBytes === 0) return `"${name}" is empty.`;
  if (sizeBytes > maxBytes) return `"${name}" is ${formatBytes(sizeBytes)}, more than the ${formatBytes(maxBytes)} an upload can be; on the desktop app, import it by path instead.`;
  return null;
}

export const imageExtension = /\.(png|jpe?g)$/i;

/** Raw bytes per upload request: small requests keep the host's memory low and show progress. */
export const imageChunkBytes = 8 * 1024 * 1024;

/**
 * Image files cut into upload requests of at most `maxBytes` (a larger file alone makes its own), classes
 * interleaved (`class/file` is the path's last folder): the first request then holds every class it can,
 * so the folder it creates is already a usable dataset, and each later one adds to it.
 */
export function uploadChunks<T extends { path: string; size: number }>(files: readonly T[], maxBytes: number = imageChunkBytes): T[][] {
  // Linear in the number of files (20,000 images are common): queues grow in place, and the round robin
  // stops visiting a class once it is used up.
  const byClass = new Map<string, T[]>();
  for (const f of files) {
    const parts = f.path.split('/');
    const key = parts.length > 1 ? parts[parts.length - 2] : '';
    const queue = byClass.get(key);
    if (queue) queue.push(f);
    else byClass.set(key, [f]);
  }
  const ordered: T[] = [];
  let queues = [...byClass.values()];
  for (let i = 0; queues.length > 0; i++) {
    for (const q of queues) ordered.push(q[i]);
    queues = queues.filter((q) => q.length > i + 1);
  }
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const f of ordered) {
    if (current.length > 0 && bytes + f.size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += f.size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
