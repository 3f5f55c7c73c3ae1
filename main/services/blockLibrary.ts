// "My blocks": blocks the user saved, kept in `<data folder>/blocks` as one file per version so a block can
// be reused across projects and an older version is never overwritten (app/project/blockFile.ts).
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../app/api/errors.ts';
import type { Block } from '../../app/graph/types.ts';
import { BLOCK_FILE_FORMAT, blockDefinitionSchema, blockFileName, parseBlockFileName, savedBlockSchema, type SavedBlock } from '../../app/project/blockFile.ts';
import { parseJsonOrThrow } from '../../app/project/document.ts';
import { writeFileAtomic } from '../files/atomicWrite.ts';

/** More saved versions than any person makes; a folder with more is read only this far. */
const maxFiles = 10_000;
const maxFileBytes = 8 * 1024 * 1024;

export interface BlockLibrary {
  /** The newest version of each saved block, by name. */
  list(): Promise<SavedBlock[]>;
  /** Saves the block under `definition` as the next version (1 for a new name). */
  save(definition: string, block: Block): Promise<SavedBlock>;
}

export function createBlockLibrary(folder: string): BlockLibrary {
  async function versions(): Promise<{ definition: string; version: number; file: string }[]> {
    const names = await readdir(folder).catch(() => [] as string[]);
    return names.slice(0, maxFiles).flatMap((file) => {
      const parsed = parseBlockFileName(file);
      return parsed ? [{ ...parsed, file }] : [];
    });
  }

  async function read(file: string): Promise<SavedBlock | null> {
    try {
      const text = await readFile(join(folder, file));
      if (text.byteLength > maxFileBytes) return null;
      const parsed = savedBlockSchema.safeParse(parseJsonOrThrow(text));
      return parsed.success ? parsed.data : null;
    } catch {
      // A damaged file is skipped: the other blocks still show.
      return null;
    }
  }

  return {
    async list() {
      const newest = new Map<string, { version: number; file: string }>();
      for (const v of await versions()) {
        const known = newest.get(v.definition);
        if (!known || v.version > known.version) newest.set(v.definition, v);
      }
      const out: SavedBlock[] = [];
      for (const [, v] of [...newest].sort(([a], [b]) => a.localeCompare(b))) {
        const saved = await read(v.file);
        if (saved) out.push(saved);
      }
      return out;
    },

    async save(definition, block) {
      const name = blockDefinitionSchema.safeParse(definition);
      if (!name.success) throw new ApiError('invalid-argument', `"${definition}" cannot name a block: ${name.error.issues[0].message}.`);
      const version = Math.max(0, ...(await versions()).filter((v) => v.definition === definition).map((v) => v.version)) + 1;
      const saved = savedBlockSchema.parse({ format: BLOCK_FILE_FORMAT, savedAt: new Date().toISOString(), block: { ...block, definition, version } });
      await mkdir(folder, { recursive: true });
      await writeFileAtomic(join(folder, blockFileName(definition, version)), `${JSON.stringify(saved, null, 2)}\n`);
      return saved;
    },
  };
}
