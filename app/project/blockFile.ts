// A block saved to "My blocks" (docs/blocks.md): one versioned JSON file per save,
// `blocks/<definition>.v<version>.json` in the studio's data folder; saving a name again makes version N+1.
import { z } from 'zod';
import { blockSchema } from '../graph/schema.ts';

export const BLOCK_FILE_FORMAT = 'modelwright-block';

/** A name for "My blocks": it becomes part of a file name, so letters, digits, "_" and "-" only. */
export const blockDefinitionSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a block name starts with a letter and has at most 64 letters, digits, "_" or "-"');

export const savedBlockSchema = z.strictObject({
  format: z.literal(BLOCK_FILE_FORMAT),
  savedAt: z.iso.datetime(),
  block: blockSchema,
});

export type SavedBlock = z.output<typeof savedBlockSchema>;

/** The file name of one version of a block. */
export function blockFileName(definition: string, version: number): string {
  return `${definition}.v${version}.json`;
}

/** Definition and version from a file name written by blockFileName; null for any other file. */
export function parseBlockFileName(name: string): { definition: string; version: number } | null {
  const m = /^([A-Za-z][A-Za-z0-9_-]{0,63})\.v([1-9][0-9]{0,6})\.json$/.exec(name);
  return m ? { definition: m[1], version: Number(m[2]) } : null;
}
