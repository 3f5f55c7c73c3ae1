// Schema version 3: whether a completed run learned (issue 11). `learned` is 1 or 0 for judged runs and
// NULL for runs never judged (older runs, stopped/diverged/failed ones); `learning_json` keeps the signs,
// the likely cause and the advice the trainer gave, so the history can show them later.
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 3,
  name: 'learned',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN learned INTEGER CHECK (learned IN (0, 1));
      ALTER TABLE runs ADD COLUMN learning_json TEXT;
      -- Partial: only runs that did not learn are indexed, the rare rows the Runs filter looks for.
      CREATE INDEX runs_did_not_learn ON runs(id) WHERE learned = 0;
    `);
  },
};
