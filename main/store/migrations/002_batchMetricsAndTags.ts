// Schema version 2: downsampled per-batch metrics (with the stride each series is kept at) and tags.
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 2,
  name: 'batch metrics and tags',
  up(db) {
    db.exec(`
      CREATE TABLE batch_metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        metric_id INTEGER NOT NULL REFERENCES metric_names(id),
        step INTEGER NOT NULL,
        value REAL,
        PRIMARY KEY (run_id, metric_id, step)
      ) WITHOUT ROWID;

      -- Only steps that are multiples of stride are kept; the stride doubles whenever a series
      -- outgrows its limit, so a long run keeps evenly spaced points from start to end.
      CREATE TABLE batch_metric_series (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        metric_id INTEGER NOT NULL REFERENCES metric_names(id),
        stride INTEGER NOT NULL,
        points INTEGER NOT NULL,
        PRIMARY KEY (run_id, metric_id)
      ) WITHOUT ROWID;

      CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
      );

      CREATE TABLE run_tags (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id),
        PRIMARY KEY (run_id, tag_id)
      ) WITHOUT ROWID;
      CREATE INDEX run_tags_tag ON run_tags(tag_id, run_id);
    `);
  },
};
