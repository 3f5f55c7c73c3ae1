// An exported model folder packed as a zip for a download from the page (fflate: small, pure JavaScript,
// no native code; see README "Dependencies and why"). Only regular files are packed; links are refused.
import { formatBytes } from '../../app/format.ts';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { ModelArchive } from '../../app/api/types.ts';
import { WorkspacePathError } from './workspacePaths.ts';

/** Larger folders are refused: the zip travels base64-encoded in one API reply. */
export const maxArchiveBytes = 128 * 1024 * 1024;
const maxArchiveFiles = 10_000;

export async function zipFolder(dir: string): Promise<ModelArchive> {
  const info = await lstat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new WorkspacePathError(`"${basename(dir)}" is not an export folder; export the model first.`);
  const entries: Zippable = {};
  let total = 0;
  let count = 0;
  async function add(folder: string, prefix: string): Promise<void> {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      const name = `${prefix}${entry.name}`;
      if (entry.isSymbolicLink()) throw new WorkspacePathError(`"${name}" is a link; an export folder holds only its own files.`);
      if (entry.isDirectory()) {
        await add(full, `${name}/`);
        continue;
      }
      if (!entry.isFile()) continue;
      const bytes = await readFile(full);
      total += bytes.length;
      count += 1;
      if (total > maxArchiveBytes || count > maxArchiveFiles) {
        throw new WorkspacePathError(`The folder is larger than ${formatBytes(maxArchiveBytes)} or ${maxArchiveFiles} files; copy it from the workspace instead.`);
      }
      // Weights barely compress; the JSON does. Level 6 is fflate's default trade-off.
      entries[name] = [new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { level: 6 }];
    }
  }
  await add(dir, '');
  const zip = zipSync(entries);
  return { fileName: `${basename(dir)}.zip`, base64: Buffer.from(zip).toString('base64'), sizeBytes: zip.length };
}
