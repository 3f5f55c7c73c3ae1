// Schema version 1: projects, content-addressed graphs, datasets, runs, per-epoch metrics with
// per-run summaries (final and best value, so sorting 10,000 runs by a metric needs no scan of curves),
// test metrics, evaluation results and artifacts.
import type { Migration } from './index.ts';

/** PRAGMA application_id of a Modelwright history ("MWHT"), so another program's SQLite file is never mistaken for one. */
export const modelwrightApplicationId = 0x4d574854;

export const migration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.pragma(`application_id = ${modelwrightApplicationId}`);
    db.exec(`
      CREATE TABLE projects (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE graph_versions (
        id INTEGER PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        graph_json TEXT NOT NULL,
        layer_count INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        record_hash TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        name TEXT,
        path TEXT,
        size_bytes INTEGER,
        content_hash TEXT,
        row_count INTEGER,
        columns_json TEXT,
        roles_json TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX datasets_source ON datasets(source);

      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        project_id INTEGER REFERENCES projects(id),
        graph_version_id INTEGER NOT NULL REFERENCES graph_versions(id),
        dataset_id INTEGER REFERENCES datasets(id),
        dataset_binding_json TEXT,
        config_json TEXT NOT NULL,
        backend TEXT NOT NULL,
        seed INTEGER,
        app_version TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued','running','completed','stopped','diverged','failed','interrupted')),
        error TEXT,
        note TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        updated_at INTEGER NOT NULL,
        duration_ms INTEGER,
        writer_pid INTEGER,
        writer_host TEXT,
        writer_token TEXT
      );
      CREATE INDEX runs_project ON runs(project_id);
      CREATE INDEX runs_dataset ON runs(dataset_id);
      CREATE INDEX runs_status ON runs(status);
      CREATE INDEX runs_started ON runs(started_at);

      CREATE TABLE metric_names (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
      );

      CREATE TABLE epoch_metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        metric_id INTEGER NOT NULL REFERENCES metric_names(id),
        epoch INTEGER NOT NULL,
        value REAL,
        PRIMARY KEY (run_id, metric_id, epoch)
      ) WITHOUT ROWID;

      CREATE TABLE run_metric_summary (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        metric_id INTEGER NOT NULL REFERENCES metric_names(id),
        final_value REAL,
        final_epoch INTEGER NOT NULL,
        best_value REAL,
        best_epoch INTEGER,
        points INTEGER NOT NULL,
        PRIMARY KEY (run_id, metric_id)
      ) WITHOUT ROWID;
      CREATE INDEX summary_best ON run_metric_summary(metric_id, best_value);
      CREATE INDEX summary_final ON run_metric_summary(metric_id, final_value);

      CREATE TABLE test_metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        metric_id INTEGER NOT NULL REFERENCES metric_names(id),
        value REAL,
        PRIMARY KEY (run_id, metric_id)
      ) WITHOUT ROWID;
      CREATE INDEX test_metrics_value ON test_metrics(metric_id, value);

      CREATE TABLE evaluations (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        split TEXT NOT NULL,
        task TEXT NOT NULL,
        result_json TEXT NOT NULL
      );

      CREATE TABLE artifacts (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        size_bytes INTEGER,
        owned INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX artifacts_run ON artifacts(run_id);
    `);
  },
};
