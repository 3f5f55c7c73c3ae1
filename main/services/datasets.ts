// The `datasets` service: built-in datasets, inspecting a binding (preview, column types, class counts,
// warnings), importing CSV text or files and image folders, and checking a graph against its data.
import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { projectInputSchema, type DatasetsService } from '../../app/api/contract.ts';
import { ApiError } from '../../app/api/errors.ts';
import type { BoundData, ColumnSummary, DataCheck, DatasetInspection, ImportedDataset } from '../../app/api/types.ts';
import { datasetBindingSchema, type DatasetBinding } from '../../app/data/binding.ts';
import { trainingConfigSchema } from '../../app/training/config.ts';
import type { Table } from '../../app/data/csv.ts';
import { DataError } from '../../app/data/errors.ts';
import { inferSchema, isMissing, profileColumns, sortLabels } from '../../app/data/schema.ts';
import { checkReadiness } from '../../app/training/readiness.ts';
import { builtinIdOf, listBuiltinDatasets, loadBuiltinTable, loadMnist, withBuiltinDefaults } from '../data/builtin.ts';
import { imageBudgetProblem, oneClassProblem, scanImageFolder, summarizeImageFolder, verifyImageFiles, type ImageDataSummary } from '../data/imageFolder.ts';
import { decodeImage } from '../data/images.ts';
import { loadDataset, readTableFile } from '../data/load.ts';
import type { FileAccess } from '../files/fileAccess.ts';
import { addToImageFolder, discardImageFolder, imageFilesFromZip, isUploadedFolder, removeFromImageFolder, storeImageFolder, storeUpload, type ImageUploadFile } from '../files/uploads.ts';
import { imageClassGrid } from './imageClassGrid.ts';
import { augmentPreview } from './augmentPreview.ts';

/** An uploaded image must decode as PNG or JPEG; the error names the file. */
const mustDecode = (f: ImageUploadFile): void => {
  decodeImage(f.data, `"${f.path}"`);
};

/** Fewer usable rows than this and a model can hardly learn, let alone be evaluated. */
export const tooFewRows = 30;

export interface DatasetsServiceOptions {
  /** Which files callers may name; uploads are kept in its workspace's `uploads` folder. */
  files: FileAccess;
  resourcesDir?: string;
}

/** Where relative data paths of a project resolve: the project file's folder, else the working directory. */
export function baseDirOf(projectPath: string | null | undefined): string {
  return projectPath ? dirname(resolve(projectPath)) : process.cwd();
}

export function createDatasetsService(options: DatasetsServiceOptions): DatasetsService {
  const { files } = options;
  const uploads = join(files.workspace, 'uploads');
  /** A binding as the caller may send it back: its source a name the caller's policy accepts. */
  const forCaller = (binding: DatasetBinding, path: string): DatasetBinding => ({ ...binding, source: files.nameOf(path) ?? basename(path) });

  async function inspect(bindingInput: DatasetBinding, baseDir: string, previewRows = 20): Promise<DatasetInspection> {
    let binding = datasetBindingSchema.parse(bindingInput);
    const builtin = builtinIdOf(binding.source);
    if (builtin) binding = withBuiltinDefaults(binding, builtin);
    const path = builtin ? null : isAbsolute(binding.source) ? binding.source : resolve(baseDir, binding.source);
    const isFolder = path !== null && (await stat(path).then((s) => s.isDirectory(), () => false));
    const warnings: string[] = [];
    let images: ImageDataSummary | null = null;
    const result: DatasetInspection = {
      binding, kind: binding.kind, task: null, rows: 0, usableRows: null, columns: [], preview: { columns: [], rows: [] },
      classCounts: null, classes: null, inputShape: null, outputUnits: null, warnings, error: null,
    };

    if (binding.kind === 'images' || isFolder) {
      result.kind = 'images';
      result.binding = binding = { ...binding, kind: 'images' };
      let labels: string[];
      if (builtin === 'mnist') {
        labels = (await loadMnist()).labels;
      } else {
        if (!binding.image) throw new DataError('Image data needs an image size: set the width, height and channels (1 for grayscale, 3 for colour).');
        // Counted from the files' headers: nothing is decoded to inspect a folder (training decodes, one image at a time).
        const scan = await scanImageFolder(path!, { oneClass: true });
        labels = scan.files.map((f) => f.label);
        if (scan.skipped.length > 0) warnings.push(`${scan.skipped.length} file(s) are not PNG or JPEG images and are skipped (e.g. "${scan.skipped[0]}").`);
        // One class is shown (its grid, its count) with what to do; an autoencoder needs no classes.
        const oneClass = scan.classes.length < 2 && binding.task !== 'reconstruction';
        result.error = oneClass ? oneClassProblem(scan.classes[0], scan.files.length, isUploadedFolder(uploads, path!)) : imageBudgetProblem(scan.files, binding.image);
        if (result.error === null) images = summarizeImageFolder(scan, binding.image, binding.task);
      }
      result.rows = labels.length;
      result.classCounts = countValues(labels);
      result.preview = { columns: ['class', 'images'], rows: Object.entries(result.classCounts).map(([k, n]) => [k, String(n)]) };
    } else {
      const table: Table = builtin ? await loadBuiltinTable(builtin, options.resourcesDir) : await readTableFile(path!);
      warnings.push(...table.warnings);
      result.rows = table.rows.length;
      result.preview = { columns: [...table.columns], rows: table.rows.slice(0, previewRows).map((r) => [...r]) };
      const profiles = profileColumns(table.columns.length, table.rows, table.decimalComma, table.hasHeader ? 2 : 1);
      const targetName = binding.target;
      try {
        const schema = inferSchema(table.columns, profiles, binding, table.decimalComma);
        result.columns = schema.columns.map((c): ColumnSummary => ({
          name: c.name, role: c.role, type: c.type, inferredType: c.inferredType, missing: c.missing, distinct: c.distinct,
        }));
        result.task = schema.task;
        for (const w of schema.warnings) if (!warnings.includes(w)) warnings.push(w);
        if (schema.target && schema.task === 'classification') {
          const labels = table.rows.map((r) => r[schema.target!.index]).filter((v) => !isMissing(v));
          result.classCounts = countValues(labels);
        }
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        result.error = err.message;
        // The settings do not fit the data (one class, unknown target...), but the columns can still be described.
        result.columns = table.columns.map((name, i): ColumnSummary => {
          const type = profiles[i].inferType();
          const role = name === targetName ? 'target' : (binding.columns.find((c) => c.name === name)?.role ?? 'feature');
          return { name, role, type, inferredType: type, missing: profiles[i].missing, distinct: profiles[i].distinct.size };
        });
        const targetIndex = targetName === undefined ? -1 : table.columns.indexOf(targetName);
        if (targetIndex >= 0 && profiles[targetIndex].inferType() !== 'numeric') {
          result.classCounts = countValues(table.rows.map((r) => r[targetIndex]).filter((v) => !isMissing(v)));
        }
      }
      for (const c of result.columns) {
        if (c.role !== 'ignore' && c.missing > 0) {
          const handling = binding.missing === 'drop-row' ? 'those rows are left out' : binding.missing === 'mean' ? 'the column mean fills them' : 'zero fills them';
          warnings.push(`Column "${c.name}" has ${c.missing} missing value${c.missing === 1 ? '' : 's'}; ${c.role === 'target' ? 'those rows are left out' : handling}.`);
        }
      }
    }

    if (result.classCounts) {
      const classes = Object.keys(result.classCounts);
      result.classes = classes;
      if (classes.length === 1) warnings.push(`Every row has the same class ("${classes[0]}"), so there is nothing to tell apart. Choose another target column or add rows of other classes.`);
      const total = Object.values(result.classCounts).reduce((a, b) => a + b, 0);
      for (const [label, n] of Object.entries(result.classCounts)) {
        if (classes.length > 1 && n < Math.max(3, total * 0.01)) warnings.push(`Class "${label}" has only ${n} example${n === 1 ? '' : 's'}; the model will hardly learn it.`);
      }
    }

    if (images) {
      result.task = images.task;
      result.usableRows = images.rows.used;
      result.inputShape = images.inputShape;
      result.outputUnits = images.outputUnits;
      if (images.classes) result.classes = [...images.classes];
      for (const w of images.warnings) if (!warnings.includes(w)) warnings.push(w);
    } else if (result.error === null) {
      try {
        const prepared = await loadDataset(binding, { baseDir, resourcesDir: options.resourcesDir });
        result.task = prepared.task;
        result.usableRows = prepared.rows.used;
        result.inputShape = [...prepared.inputShape];
        result.outputUnits = prepared.outputUnits;
        if (prepared.classes) result.classes = [...prepared.classes];
        for (const w of prepared.warnings) if (!warnings.includes(w)) warnings.push(w);
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        result.error = err.message;
      }
    }
    const usable = result.usableRows ?? result.rows;
    if (usable < tooFewRows) {
      warnings.push(result.kind === 'images'
        ? `Only ${usable} image${usable === 1 ? '' : 's'}: too few to train and test a model (add pictures: a few dozen per class at least).`
        : `Only ${usable} usable row${usable === 1 ? '' : 's'}: too few to train and test a model (aim for a few hundred).`);
    }
    return result;
  }

  async function importTable(path: string, opts: { kind?: 'table' | 'text'; target?: string; textColumn?: string } | undefined): Promise<ImportedDataset> {
    const baseDir = dirname(path);
    let binding = datasetBindingSchema.parse({ source: path, kind: opts?.kind ?? 'table', target: opts?.target });
    if (binding.kind === 'text') {
      let column = opts?.textColumn;
      if (!column) {
        // Without a named text column, the one reading the file as text takes (the longest values that are
        // not the target: short sentences can look like categories to the type inference), named from here on.
        const look = await inspect(binding, baseDir, 0);
        column = look.columns.find((c) => c.role === 'feature' && c.type === 'text')?.name;
        if (!column) throw new DataError('No column holds free text. Name the text column, or import the file as a table.');
      }
      binding = datasetBindingSchema.parse({ ...binding, text: { column } });
    }
    const inspection = await inspect(binding, baseDir);
    const callerBinding = forCaller(binding, path);
    return { binding: callerBinding, inspection: { ...inspection, binding: { ...inspection.binding, source: callerBinding.source } } };
  }

  /** Imports a folder an upload has just made; when the import refuses it, the folder goes again. */
  async function importNewFolder(target: string, opts: Parameters<typeof importImages>[1], verify: boolean): Promise<ImportedDataset> {
    try {
      return await importImages(target, opts, verify);
    } catch (err) {
      await discardImageFolder(uploads, target).catch(() => {});
      throw err;
    }
  }

  async function importImages(target: string, opts: { width?: number; height?: number; channels?: 1 | 3 } | undefined, verify = true): Promise<ImportedDataset> {
    const image = { width: opts?.width ?? 32, height: opts?.height ?? 32, channels: opts?.channels ?? 3 };
    const binding = datasetBindingSchema.parse({ source: target, kind: 'images', image });
    // Importing decodes each image once (one at a time, nothing kept) so that a damaged file is named now;
    // inspecting later reads only the headers.
    // A folder over the budget is not decoded at all: the inspection says why.
    if (verify) {
      const scan = await scanImageFolder(target, { oneClass: true });
      if (imageBudgetProblem(scan.files, image) === null) await verifyImageFiles(scan.files);
    }
    const inspection = await inspect(binding, target);
    const callerBinding = forCaller(binding, target);
    return { binding: callerBinding, inspection: { ...inspection, binding: { ...inspection.binding, source: callerBinding.source } } };
  }

  return {
    async listBuiltins() {
      return listBuiltinDatasets();
    },

    async inspect(bindingArg, opts) {
      const asSent = datasetBindingSchema.parse(bindingArg);
      const projectPath = opts?.projectPath ? await files.readable(opts.projectPath).catch(() => null) : null;
      const host = await files.dataFor(asSent, projectPath);
      const result = await inspect(host.binding, host.baseDir, opts?.previewRows);
      return { ...result, binding: { ...result.binding, source: asSent.source } };
    },

    async importCsvText(fileName, text, opts) {
      if (text.trim() === '') throw new DataError(`"${fileName}" is empty. Choose a CSV or TSV file with a header row and data rows.`);
      return importTable(await storeUpload(uploads, fileName, text), opts);
    },

    async importCsvPath(path, opts) {
      const target = await files.readable(path);
      const info = await stat(target).catch(() => null);
      if (!info) throw new ApiError('not-found', `There is no file "${path}".`);
      if (info.isDirectory()) throw new DataError(`"${path}" is a folder. To use a folder of images, import it as an image folder.`);
      return importTable(target, opts);
    },

    async importImageFolder(path, opts) {
      const target = await files.readable(path);
      const info = await stat(target).catch(() => null);
      if (!info) throw new ApiError('not-found', `There is no folder "${path}".`);
      if (!info.isDirectory()) throw new DataError(`"${path}" is a file; choose the folder that holds one subfolder of images per class.`);
      return importImages(target, opts);
    },

    async importImageFiles(folderName, upload, opts) {
      const decoded = upload.map((f) => ({ path: f.path, data: Buffer.from(f.data, 'base64') }));
      // Names checked first, then every image decoded, before anything is written: a refused upload leaves no folder behind.
      return importNewFolder(await storeImageFolder(uploads, folderName, decoded, mustDecode), opts, false);
    },

    async importImageZip(fileName, zipBase64, opts) {
      const folderName = fileName.replace(/\.zip$/i, '') || 'images';
      return importNewFolder(await storeImageFolder(uploads, folderName, imageFilesFromZip(Buffer.from(zipBase64, 'base64'))), opts, true);
    },

    async imageClasses(bindingArg, opts) {
      const asSent = datasetBindingSchema.parse(bindingArg);
      const projectPath = opts?.projectPath ? await files.readable(opts.projectPath).catch(() => null) : null;
      const host = await files.dataFor(asSent, projectPath);
      return imageClassGrid(host.binding, host.baseDir, uploads, opts?.perClass ?? 24);
    },

    async augmentPreview(bindingArg, configArg, opts) {
      const asSent = datasetBindingSchema.parse(bindingArg);
      const config = trainingConfigSchema.parse(configArg);
      const projectPath = opts?.projectPath ? await files.readable(opts.projectPath).catch(() => null) : null;
      const host = await files.dataFor(asSent, projectPath);
      return augmentPreview(host.binding, host.baseDir, config, opts?.images ?? 6, opts?.variants ?? 5);
    },

    async addImages(folderName, upload, opts) {
      const folder = await files.readable(folderName);
      const added = upload.map((f) => ({ path: f.path, data: Buffer.from(f.data, 'base64') }));
      // Each new image is decoded (after its name is checked) before anything is written: a damaged or fake
      // one is named and the folder stays as it was (the images already there were checked when they came).
      await addToImageFolder(uploads, folder, added, mustDecode);
      return importImages(folder, opts, false);
    },

    async discardImageFolder(folderName) {
      await discardImageFolder(uploads, await files.readable(folderName));
    },

    async removeImage(folderName, name) {
      await removeFromImageFolder(uploads, await files.readable(folderName), name);
    },

    async check(projectArg): Promise<DataCheck> {
      const project = projectInputSchema.parse(projectArg);
      const graph = project.graph;
      const settings = { loss: project.training?.loss };
      const none = (error: string): DataCheck => {
        const readiness = checkReadiness(graph, null, settings);
        return { ok: false, problems: readiness.problems, data: null, error };
      };
      if (!project.dataset) return none('The project has no data yet. Choose a built-in dataset or import a file.');
      // A data file the caller may not name is refused outright (code `refused`), not reported as a data problem.
      const host = await files.dataFor(project.dataset, project.path ? await files.readable(project.path).catch(() => null) : null);
      let prepared: Awaited<ReturnType<typeof loadDataset>>;
      try {
        prepared = await loadDataset(host.binding, { baseDir: host.baseDir, resourcesDir: options.resourcesDir });
      } catch (err) {
        if (err instanceof DataError) return none(err.message);
        throw err;
      }
      const data: BoundData = {
        task: prepared.task, kind: prepared.kind, inputShape: [...prepared.inputShape], outputUnits: prepared.outputUnits,
        classes: prepared.classes ? [...prepared.classes] : null,
        ...(project.dataset.text ? { vocabSize: project.dataset.text.vocabSize } : {}),
      };
      const readiness = checkReadiness(graph, data, settings);
      return { ok: readiness.ready, problems: readiness.problems, data, error: null };
    },
  };
}

function countValues(values: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const out: Record<string, number> = {};
  for (const label of sortLabels(counts.keys())) out[label] = counts.get(label)!;
  return out;
}
