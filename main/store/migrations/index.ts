// The ordered list of schema migrations. Forward-only: a released migration is never edited; a change
// to the schema is a new numbered file added to this list (see docs/history.md "Migrations").
import type Database from 'better-sqlite3';
import { migration as m001, modelwrightApplicationId } from './001_initial.ts';
import { migration as m002 } from './002_batchMetricsAndTags.ts';
import { migration as m003 } from './003_learning.ts';
import { migration as m004 } from './004_sweeps.ts';
import { migration as m005 } from './005_lineage.ts';

export interface Migration {
  /** Becomes PRAGMA user_version once applied; versions are 1, 2, 3... without gaps. */
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export { modelwrightApplicationId };

export const migrations: readonly Migration[] = [m001, m002, m003, m004, m005];

/** The schema version this code writes; a database with a higher user_version is refused. */
export const latestSchemaVersion = migrations.at(-1)!.version;
