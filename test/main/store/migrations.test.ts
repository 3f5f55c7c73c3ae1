// Schema migrations: every migration from an empty database and from each earlier version (with data),
// and refusal of files this version must not touch (newer schema, not SQLite, truncated).
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrations, latestSchemaVersion } from '../../../main/store/migrations/index.ts';
import { openDatabase } from '../../../main/store/connection.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { StoreError } from '../../../main/store/errors.ts';
import { expectStoreError } from './storeErrors.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'mw-migrate-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

function schemaOf(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as
      { type: string; name: string; sql: string }[]).map((r) => `${r.type} ${r.name}: ${r.sql.replace(/\s+/g, ' ')}`);
  } finally {
    db.close();
  }
}

function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const graph = { layers: [{ id: 'in', type: 'Input', name: 'input', params: { shape: [2] } }], connections: [] };

/** Data that schema version `version` can hold, written with plain SQL (as an older Modelwright would have). */
function seed(db: Database.Database, version: number): void {
  db.exec(`INSERT INTO projects (id, name, created_at) VALUES (1, 'old project', 1000);
    INSERT INTO graph_versions (id, hash, graph_json, layer_count, created_at) VALUES (1, 'h1', '${JSON.stringify(graph)}', 1, 1000);
    INSERT INTO runs (id, name, project_id, graph_version_id, config_json, backend, seed, app_version, status, created_at, started_at, ended_at, updated_at, duration_ms)
      VALUES (7, 'old run', 1, 1, '${JSON.stringify(makeTrainingConfig())}', 'cpu', 42, '0.0.1', 'completed', 1000, 1000, 5000, 5000, 4000);
    INSERT INTO metric_names (id, name) VALUES (1, 'loss');
    INSERT INTO epoch_metrics (run_id, metric_id, epoch, value) VALUES (7, 1, 0, 0.9), (7, 1, 1, 0.5);
    INSERT INTO run_metric_summary (run_id, metric_id, final_value, final_epoch, best_value, best_epoch, points) VALUES (7, 1, 0.5, 1, 0.5, 1, 2);`);
  if (version >= 2) db.exec("INSERT INTO tags (id, name) VALUES (1, 'baseline'); INSERT INTO run_tags (run_id, tag_id) VALUES (7, 1);");
}

describe('migrations', () => {
  it('are numbered 1, 2, ... without gaps, and at least two exist', () => {
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(latestSchemaVersion).toBe(migrations.length);
  });

  it('build the latest schema from an empty database', () => {
    const path = join(dir, 'fresh.db');
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('application_id', { simple: true })).toBe(0x4d574854);
    db.close();
    const tables = schemaOf(path).filter((s) => s.startsWith('table ')).map((s) => s.split(':')[0].slice(6));
    expect(tables).toEqual(expect.arrayContaining(['runs', 'epoch_metrics', 'batch_metrics', 'tags', 'run_tags', 'artifacts', 'evaluations', 'datasets']));
  });

  for (const from of migrations.slice(0, -1).map((m) => m.version)) {
    it(`upgrade a version ${from} database with data to the same schema as a fresh one, keeping the data`, () => {
      const old = join(dir, `v${from}.db`);
      const db = openDatabase(old, { targetVersion: from });
      expect(db.pragma('user_version', { simple: true })).toBe(from);
      seed(db, from);
      db.close();

      const store = openStore(old);
      expect(store.schemaVersion()).toBe(latestSchemaVersion);
      const run = store.getRun(7);
      expect(run.name).toBe('old run');
      expect(run.project).toBe('old project');
      expect(run.epochMetrics.loss.map((p) => p.value)).toEqual([0.9, 0.5]);
      expect(run.best.loss).toBe(0.5);
      // Features of the newest schema work on the upgraded file.
      store.tagRun(7, 'upgraded');
      expect(store.getRun(7).tags).toContain('upgraded');
      store.close();

      const fresh = join(dir, 'fresh.db');
      openDatabase(fresh).close();
      expect(schemaOf(old)).toEqual(schemaOf(fresh));
    });
  }

  it('a migration that fails leaves the database at the previous version (each runs in a transaction)', () => {
    const path = join(dir, 'half.db');
    const db = openDatabase(path, { targetVersion: 1 });
    db.exec('CREATE TABLE tags (x INTEGER)'); // makes migration 2 fail half-way
    db.close();
    expect(() => openDatabase(path)).toThrow(/already exists/);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'batch_metrics'").get()).toBeUndefined();
    check.close();
  });
});

describe('files the store must not touch', () => {
  it('refuses a database written by a newer Modelwright and leaves it byte-for-byte unchanged', () => {
    const path = join(dir, 'newer.db');
    const store = openStore(path);
    store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });
    store.close();
    const db = new Database(path);
    db.pragma(`user_version = ${latestSchemaVersion + 5}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = fileHash(path);
    const size = statSync(path).size;
    expectStoreError(() => openStore(path), 'newer-schema',
      new RegExp(`written by a newer Modelwright \\(schema ${latestSchemaVersion + 5}, this version knows ${latestSchemaVersion}\\); update Modelwright or use --db`));
    expect(fileHash(path)).toBe(before);
    expect(statSync(path).size).toBe(size);
  });

  it('refuses a newer schema that so far lives only in the write-ahead log', () => {
    const path = join(dir, 'newer-wal.db');
    openStore(path).close();
    const holder = new Database(path);
    holder.pragma('wal_autocheckpoint = 0');
    holder.pragma(`user_version = ${latestSchemaVersion + 1}`);
    // A copy taken now has the new version only in its -wal file.
    const copy = join(dir, 'copy.db');
    copyFileSync(path, copy);
    copyFileSync(`${path}-wal`, `${copy}-wal`);
    holder.close();
    expectStoreError(() => openStore(copy), 'newer-schema', /newer Modelwright/);
  });

  it('refuses a file that is not SQLite and never overwrites it', () => {
    const path = join(dir, 'notes.db');
    writeFileSync(path, 'id,name\n1,these are my notes, not a database\n'.repeat(10));
    const before = fileHash(path);
    expectStoreError(() => openStore(path), 'not-a-database', /is not a Modelwright history database \(it is not a SQLite file\).*left untouched/);
    expect(fileHash(path)).toBe(before);
  });

  it('refuses another program\'s SQLite database instead of migrating it', () => {
    const plain = join(dir, 'places.sqlite');
    const other = new Database(plain);
    other.exec("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places (url) VALUES ('https://example.org');");
    other.close();
    const marked = join(dir, 'marked.sqlite');
    const app = new Database(marked);
    app.pragma('application_id = 12345');
    app.exec('CREATE TABLE runs (x INTEGER)');
    app.close();
    for (const [path, detail] of [[plain, /tables such as moz_places/], [marked, /application id 12345/]] as const) {
      const before = fileHash(path);
      expectStoreError(() => openStore(path), 'not-a-database', /SQLite database of another program \(.+\), not a Modelwright history\. It was left untouched/);
      expectStoreError(() => openStore(path), 'not-a-database', detail);
      expect(fileHash(path)).toBe(before);
    }
  });

  it('refuses a truncated database with advice to keep a backup and start a new one', () => {
    const path = join(dir, 'cut.db');
    const store = openStore(path);
    const id = store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });
    for (let e = 0; e < 2000; e++) store.appendEpochMetrics(id, e, { loss: 1 / (e + 1), accuracy: e / 2000 });
    store.close(); // the last connection checkpoints the WAL into the main file
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(8192);
    truncateSync(path, Math.floor(size / 2 / 4096) * 4096);
    const before = fileHash(path);
    expectStoreError(() => openStore(path), 'corrupt', /is damaged \(it is truncated.*keep it as a backup.*start a new history/);
    expect(fileHash(path)).toBe(before);
  });

  it('reports a damaged page as damaged, not as a crash', () => {
    const path = join(dir, 'garbled.db');
    const store = openStore(path);
    const id = store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });
    for (let e = 0; e < 2000; e++) store.appendEpochMetrics(id, e, { loss: 1 / (e + 1) });
    store.close();
    const bytes = readFileSync(path);
    // Overwrite page 2 onwards (the schema's b-tree pages) with garbage, keeping the header valid.
    bytes.fill(0xa5, 4096, 4096 * 4);
    writeFileSync(path, bytes);
    let caught: unknown;
    try {
      // Opening reads only the schema; the damage shows when the runs are read.
      const damaged = openStore(path);
      try {
        damaged.listRuns();
        damaged.getRun(id);
      } finally {
        damaged.close();
      }
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).kind).toBe('corrupt');
    expect((caught as Error).message).toMatch(/is damaged.*keep it as a backup/);
  });

  it('does not create a file when told it must exist', () => {
    expectStoreError(() => openStore(join(dir, 'missing.db'), { mustExist: true }), 'not-found', /no history database at .*missing\.db/);
  });
});
