// Schema version 5: where a run came from (issues 15 and 16). A run made from other runs names them:
// a pruned run and a warm-started run name their parent (`parent_run_id`), and an ensemble names its
// members in `ensemble_members` (in order, with the weight each member's prediction gets). `kind` says
// how the run was made, and `derivation_json` keeps what made it (a pruning's sparsity and schedule,
// an ensemble's method), so Runs can show the lineage as a tree and the trade-off view can find a
// model's variants.
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 5,
  name: 'lineage',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'train' CHECK (kind IN ('train','ensemble','prune'));
      ALTER TABLE runs ADD COLUMN parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL;
      ALTER TABLE runs ADD COLUMN derivation_json TEXT;
      CREATE INDEX runs_parent ON runs(parent_run_id) WHERE parent_run_id IS NOT NULL;

      CREATE TABLE ensemble_members (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        -- A member may be deleted later; the ensemble keeps its own exported model, so the row stays.
        member_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        weight REAL NOT NULL,
        PRIMARY KEY (run_id, position)
      );
      CREATE INDEX ensemble_members_member ON ensemble_members(member_run_id);
    `);
  },
};
