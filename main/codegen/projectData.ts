// Finds and reads a project's data so code generation can plan it: built-in datasets (the shipped
// CSVs, the MNIST digits of the mnist package), CSV/TSV files and image folders relative to the project.
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { DataError, quote } from '../../app/data/errors.ts';
import { planImageData, planTableData, type DataPlan } from '../../app/codegen/dataPlan.ts';
import { builtinIdOf, defaultResourcesDir, loadBuiltinTable, mnistPerClass, withBuiltinDefaults } from '../data/builtin.ts';
import { readTableFile } from '../data/load.ts';

export interface ProjectDataOptions {
  /** Folder that relative data paths are resolved against (the project file's folder). */
  baseDir: string;
  /** Where the built-in CSVs live; default: this checkout's resources/datasets. */
  resourcesDir?: string;
}

/** The folder holding the mnist package's digit files (0.json ... 9.json). */
export function mnistDigitsDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('mnist/src/digits/0.json'));
  } catch {
    throw new DataError('The MNIST digits (the mnist package) are missing; the installation is incomplete. Reinstall Modelwright.');
  }
}

/**
 * The data plan of a project's binding, read from the real data so column types and the task are
 * the ones the studio uses. Null when the project has no dataset. Throws DataError when the data
 * cannot be read or does not fit the binding.
 */
export async function planProjectData(binding: DatasetBinding | null, options: ProjectDataOptions): Promise<DataPlan | null> {
  if (!binding) return null;
  const builtin = builtinIdOf(binding.source);
  if (builtin) {
    const full = withBuiltinDefaults(binding, builtin);
    if (builtin === 'mnist') {
      const image = full.image!;
      if (image.width !== 28 || image.height !== 28 || image.channels !== 1) {
        throw new DataError(`Code export reads the built-in MNIST digits at their own size (28×28, 1 channel), but the project asks for ${image.width}×${image.height}×${image.channels}. Set the image size back to 28×28×1, or export the images to a folder and bind that.`);
      }
      return planImageData(full, mnistDigitsDir(), 'mnist', { perClass: mnistPerClass });
    }
    const resourcesDir = options.resourcesDir ?? defaultResourcesDir();
    const table = await loadBuiltinTable(builtin, resourcesDir);
    return planTableData(table, full, join(resourcesDir, `${builtin}.csv`));
  }
  const path = isAbsolute(binding.source) ? binding.source : resolve(options.baseDir, binding.source);
  const isFolder = await stat(path).then((s) => s.isDirectory(), () => false);
  if (binding.kind === 'images' || isFolder) {
    if (!isFolder) throw new DataError(`The image folder ${quote(path, 200)} does not exist or is not a folder.`);
    if (!binding.image) throw new DataError('Image data needs an image size: set the width, height and channels (1 for grayscale, 3 for colour) of the Input layer.');
    return planImageData(binding, path, 'folder');
  }
  return planTableData(await readTableFile(path), binding, path);
}
