// Crash and concurrency behaviour of the store, with real child processes: a kill -9 mid-training leaves
// a sound database, the killed run interrupted with its metrics, and every other run byte-for-byte intact.
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../../main/store/experimentStore.ts';
import { StoreError } from '../../../main/store/errors.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { evaluateClassification } from '../../../app/training/evaluate.ts';

const fixture = new URL('./fixtures/recordRun.ts', import.meta.url).pathname;
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'mw-durability-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

function startWriter(db: string, epochs: number, name: string, finish = false): { child: ChildProcess; lines: string[]; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [fixture, db, String(epochs), name, finish ? 'finish' : ''], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => err };
}

async function waitFor(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the child process');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every row of every table that belongs to the given runs, as text, in a fixed order. */
function dumpRuns(dbPath: string, runIds: number[]): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    const ids = JSON.stringify(runIds);
    const parts: string[] = [];
    parts.push(JSON.stringify(db.prepare('SELECT * FROM runs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id').all(ids)));
    for (const table of ['epoch_metrics', 'run_metric_summary', 'test_metrics', 'batch_metrics', 'batch_metric_series', 'run_tags']) {
      const rows = db.prepare(`SELECT * FROM ${table} WHERE run_id IN (SELECT value FROM json_each(?))`).all(ids).map((r) => JSON.stringify(r));
      parts.push(`${table}: ${rows.length}\n${rows.sort().join('\n')}`);
    }
    parts.push(JSON.stringify(db.prepare('SELECT * FROM evaluations WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id').all(ids)));
    parts.push(JSON.stringify(db.prepare('SELECT * FROM artifacts WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY id').all(ids)));
    parts.push(JSON.stringify(db.prepare('SELECT * FROM graph_versions ORDER BY id').all()));
    return parts.join('\n');
  } finally {
    db.close();
  }
}

const graph = { layers: [{ id: 'in', type: 'Input', name: 'input', params: { shape: [4] } }], connections: [] };

describe('crash safety', () => {
  it('after kill -9 mid-training the database is sound, the run is interrupted with its metrics, other runs are intact', async () => {
    const db = join(dir, 'history.db');
    const store = openStore(db);
    const others: number[] = [];
    for (let r = 0; r < 3; r++) {
      const id = store.createRun({ name: `finished ${r}`, graph, config: makeTrainingConfig({ seed: r }), backend: 'cpu', tags: ['keep'] });
      for (let e = 0; e < 30; e++) store.appendEpochMetrics(id, e, { loss: 1 / (e + 1 + r), val_accuracy: e / 30 });
      store.appendBatchMetrics(id, Array.from({ length: 300 }, (_, i) => ({ step: i, values: { loss: i / 300 } })));
      store.finishRun(id, 'completed', {
        testMetrics: { accuracy: 0.7 + r / 10 },
        evaluation: evaluateClassification({ probabilities: [0.9, 0.1, 0.3, 0.7, 0.6, 0.4], width: 2, labels: [0, 1, 1], classNames: ['a', 'b'] }),
        artifacts: [{ kind: 'model', path: join(dir, 'artifacts', `m${r}`), sizeBytes: 123 }],
      });
      others.push(id);
    }
    store.close();
    const before = dumpRuns(db, others);

    const writer = startWriter(db, 100_000, 'doomed');
    await waitFor(() => writer.lines.some((l) => l === 'epoch 200'));
    writer.child.kill('SIGKILL');
    await writer.exited;
    const runId = Number(writer.lines.find((l) => l.startsWith('run '))!.slice(4));
    const lastPrinted = Math.max(...writer.lines.filter((l) => l.startsWith('epoch ')).map((l) => Number(l.slice(6))));

    const reopened = openStore(db);
    try {
      expect(reopened.integrityCheck()).toBe('ok');
      const run = reopened.getRun(runId);
      expect(run.status).toBe('interrupted');
      expect(run.error).toMatch(/stopped before it finished/);
      // Every epoch the child reported as committed is there (one more may have committed before the kill landed).
      const epochs = run.epochMetrics.loss.map((p) => p.step);
      expect(epochs.length).toBeGreaterThanOrEqual(lastPrinted + 1);
      expect(epochs).toEqual(epochs.map((_, i) => i));
      expect(run.final.loss).toBeCloseTo(1 / epochs.length, 10);
      expect(run.durationMs).toBeGreaterThan(0);
      expect(run.endedAt).not.toBeNull();
    } finally {
      reopened.close();
    }
    expect(dumpRuns(db, others)).toBe(before);
  });

  it('leaves a run of a live writer running (the sweep only interrupts dead writers)', async () => {
    const db = join(dir, 'live.db');
    openStore(db).close();
    const writer = startWriter(db, 100_000, 'alive');
    await waitFor(() => writer.lines.some((l) => l === 'epoch 5'));
    const runId = Number(writer.lines.find((l) => l.startsWith('run '))!.slice(4));
    const store = openStore(db);
    try {
      expect(store.getRun(runId).status).toBe('running');
    } finally {
      store.close();
      writer.child.kill('SIGKILL');
      await writer.exited;
    }
    const after = openStore(db);
    expect(after.getRun(runId).status).toBe('interrupted');
    after.close();
  });
});

describe('interrupted-run sweep', () => {
  it('keeps runs of this process, and interrupts a run whose pid now belongs to another process', () => {
    const db = join(dir, 'sweep.db');
    const store = openStore(db);
    const mine = store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });
    const reused = store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });
    const vanished = store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });
    const raw = new Database(db);
    // pid 1 is alive, but it is not the process that started recording (its start time differs).
    raw.prepare("UPDATE runs SET writer_pid = 1, writer_token = 'other-boot:1' WHERE id = ?").run(reused);
    raw.prepare('UPDATE runs SET writer_pid = 2147483646 WHERE id = ?').run(vanished);
    raw.close();
    const second = openStore(db);
    try {
      expect(second.getRun(mine).status).toBe('running');
      expect(second.getRun(reused).status).toBe('interrupted');
      expect(second.getRun(vanished).status).toBe('interrupted');
    } finally {
      second.close();
      store.close();
    }
  });
});

describe('concurrency', () => {
  it('two processes create the database and record runs at the same time without busy errors', async () => {
    // No database yet: both race to create it, switch it to WAL and migrate it.
    const db = join(dir, 'shared.db');
    const a = startWriter(db, 400, 'writer a', true);
    const b = startWriter(db, 400, 'writer b', true);
    const [codeA, codeB] = await Promise.all([a.exited, b.exited]);
    expect(a.stderr()).toBe('');
    expect(b.stderr()).toBe('');
    expect([codeA, codeB]).toEqual([0, 0]);
    const store = openStore(db);
    try {
      const page = store.listRuns({ sort: { by: 'name', direction: 'asc' } });
      expect(page.runs.map((r) => [r.name, r.status])).toEqual([['writer a', 'completed'], ['writer b', 'completed']]);
      for (const run of page.runs) {
        const detail = store.getRun(run.id);
        expect(detail.epochMetrics.val_accuracy).toHaveLength(400);
        expect(detail.batchMetrics.loss.length).toBeGreaterThan(0);
        expect(detail.test.accuracy).toBe(0.5);
      }
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
    }
  });

  it('a lock held too long ends in a clear "busy" message, not SQLITE_BUSY', () => {
    const db = join(dir, 'busy.db');
    const store = openStore(db, { busyTimeoutMs: 50, busyRetryMs: 300 });
    const id = store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });
    const blocker = new Database(db);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      let caught: unknown;
      try {
        store.appendEpochMetrics(id, 0, { loss: 1 });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(StoreError);
      expect((caught as StoreError).kind).toBe('busy');
      expect((caught as Error).message).toMatch(/is busy: another Modelwright process/);
      // Reads are not blocked by a writer (WAL).
      expect(store.getRun(id).status).toBe('running');
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    store.appendEpochMetrics(id, 0, { loss: 1 });
    expect(store.getRun(id).final.loss).toBe(1);
    store.close();
  });

  it('batch metrics that could not be written while the database was busy are kept and written later', () => {
    const db = join(dir, 'busy-batch.db');
    const store = openStore(db, { busyTimeoutMs: 20, busyRetryMs: 100, batchFlushPoints: 1_000_000 });
    const id = store.createRun({ graph, config: makeTrainingConfig(), backend: 'cpu' });
    const blocker = new Database(db);
    blocker.exec('BEGIN IMMEDIATE');
    store.appendBatchMetrics(id, [{ step: 0, values: { loss: 5, brand_new_metric: 1 } }]);
    expect(() => store.flush()).toThrow(/is busy/);
    blocker.exec('ROLLBACK');
    blocker.close();
    store.appendBatchMetrics(id, [{ step: 1, values: { loss: 4 } }]);
    store.flush();
    const run = store.getRun(id);
    expect(run.batchMetrics.loss).toEqual([{ step: 0, value: 5 }, { step: 1, value: 4 }]);
    expect(run.batchMetrics.brand_new_metric).toEqual([{ step: 0, value: 1 }]);
    store.close();
  });
});
