// Forward-only migrations of project files, one numbered step per format version (migrations/vN.ts
// turns version N−1 into N). Each step checks its input with that version's schema before touching it.
import type { z } from 'zod';
import { ProjectFileError, summarizeIssues } from './errors.ts';
import { PROJECT_VERSION } from './schema.ts';
import { migrationToV1 } from './migrations/v1.ts';

export interface MigrationContext {
  /** ISO time used where an old file lacks a timestamp the new version requires. */
  now: string;
}

export interface Migration {
  from: number;
  to: number;
  description: string;
  /** The shape of a file of version `from`; its errors are reported before migrating. */
  schema: z.ZodType;
  migrate(input: unknown, ctx: MigrationContext): Record<string, unknown>;
}

/** Every migration, oldest first; `migrations[i]` goes from version i to i + 1. */
export const migrations: readonly Migration[] = [migrationToV1];

export const OLDEST_SUPPORTED_VERSION = migrations.length > 0 ? migrations[0].from : PROJECT_VERSION;

/**
 * Brings a parsed project object of version `version` up to PROJECT_VERSION.
 * Returns the migrated object (not yet validated against the current schema) and what was applied.
 */
export function migrateProject(
  raw: Record<string, unknown>,
  version: number,
  ctx: MigrationContext,
): { value: Record<string, unknown>; applied: string[] } {
  if (version < OLDEST_SUPPORTED_VERSION) {
    throw new ProjectFileError(
      'invalid',
      `This project uses format version ${version}, which this Modelwright can no longer read; open and re-save it with an older Modelwright first.`,
      { path: 'version' },
    );
  }
  let value = raw;
  const applied: string[] = [];
  for (let v = version; v < PROJECT_VERSION; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step || step.to !== v + 1) throw new Error(`no migration from project version ${v}`);
    const checked = step.schema.safeParse(value, { reportInput: true });
    if (!checked.success) {
      const { path, text } = summarizeIssues(checked.error.issues, value);
      throw new ProjectFileError(
        'invalid',
        `This version ${v} project file cannot be upgraded: ${text}. Fix that entry or re-create the project.`,
        { path },
      );
    }
    value = step.migrate(checked.data, ctx);
    applied.push(`${step.from} → ${step.to}: ${step.description}`);
  }
  return { value, applied };
}
