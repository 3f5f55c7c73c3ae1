// Schema version 4: sweeps (issue 15). A sweep keeps what it needs to run again after a crash — the
// project it tunes, the data, the space and the planned trials — and each of its trials is an ordinary
// run that names its sweep and trial number, with the score the sweep ranked it on and, for a trial that
// successive halving stopped early, the epoch it stopped at.
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 4,
  name: 'sweeps',
  up(db) {
    db.exec(`
      CREATE TABLE sweeps (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        project_id INTEGER REFERENCES projects(id),
        status TEXT NOT NULL CHECK (status IN ('running','completed','stopped','failed')),
        strategy TEXT NOT NULL,
        metric TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('min','max')),
        seed INTEGER NOT NULL,
        trial_count INTEGER NOT NULL,
        space_json TEXT NOT NULL,
        -- The settings of every trial, fixed when the sweep is created, so a resumed sweep runs the same plan.
        plan_json TEXT NOT NULL,
        -- The graph, training settings, data binding and options every trial starts from.
        base_json TEXT NOT NULL,
        error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        ended_at INTEGER,
        writer_pid INTEGER,
        writer_host TEXT,
        writer_token TEXT
      );
      CREATE INDEX sweeps_project ON sweeps(project_id);

      ALTER TABLE runs ADD COLUMN sweep_id INTEGER REFERENCES sweeps(id) ON DELETE SET NULL;
      ALTER TABLE runs ADD COLUMN sweep_trial INTEGER;
      ALTER TABLE runs ADD COLUMN sweep_score REAL;
      ALTER TABLE runs ADD COLUMN sweep_stopped_at INTEGER;
      CREATE INDEX runs_sweep ON runs(sweep_id, sweep_trial) WHERE sweep_id IS NOT NULL;
    `);
  },
};
