// Deleting runs, crash-safe and without blocking (main/store/artifacts.ts, artifactTrash.ts), with real
// processes: `modelwright delete` killed with SIGKILL at several points (the first row gone; folders
// half removed), then the next start finds no orphaned artifact folder, no trash, and every other run
// exactly as it was; `modelwright serve` answers another client while it deletes a run of 20,000 files.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../main/store/experimentStore.ts';
import { runCli } from '../cli/cliHarness.ts';
import { historyChanges, seedHistory, snapshotHistory, startCli, startServe } from './harness.ts';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'mw-fault-delete-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const hourAgo = new Date(Date.now() - 3_600_000);

/** `count` runs, each with a model folder of `files` files in the artifact root, named as the trainers name them. */
function history(count: number, files: number): { db: string; root: string; folders: Map<number, string> } {
  const db = join(dir, 'h.db');
  const ids = seedHistory(db, count);
  const store = openStore(db);
  const folders = new Map<number, string>();
  try {
    for (const id of ids) {
      const folder = join(store.artifactRoot, `model-${id.toString(36)}kq-${1000 + id}-1`);
      mkdirSync(folder, { recursive: true });
      for (let f = 0; f < files; f++) {
        writeFileSync(join(folder, `shard-${f}.bin`), 'w');
        utimesSync(join(folder, `shard-${f}.bin`), hourAgo, hourAgo);
      }
      utimesSync(folder, hourAgo, hourAgo);
      store.addArtifact(id, { kind: 'model', path: folder });
      folders.set(id, folder);
    }
    return { db, root: store.artifactRoot, folders };
  } finally {
    store.close();
  }
}

function rowExists(db: string, id: number): boolean {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare('SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined;
  } finally {
    conn.close();
  }
}

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const trashOf = (root: string) => (existsSync(join(root, '.trash')) ? readdirSync(join(root, '.trash')) : []);

describe('kill -9 mid-delete, then the next start', () => {
  it.each([
    ['as soon as the first run\'s row is gone', 'row'],
    ['while the deleted folders are being removed', 'trash'],
  ] as const)('%s: no orphaned folder, no trash, no other run lost', async (_title, when) => {
    const { db, root, folders } = history(6, 1500);
    const ids = [...folders.keys()];
    const victims = ids.slice(0, 3);
    const before = snapshotHistory(db, victims);

    const child = startCli(['delete', ...victims.map(String), '--db', db]);
    if (when === 'row') await waitUntil(() => !rowExists(db, victims[0]), 'the first row to go');
    else await waitUntil(() => trashOf(root).length > 0, 'a folder in the trash');
    child.child.kill('SIGKILL');
    const ended = await child.exited;
    expect(ended.signal, JSON.stringify(ended) + child.stderr() + child.stdout()).toBe('SIGKILL');

    // The next start (any command opens the history): sweeps, and ends once the trash is empty.
    const next = await runCli(['runs', '--db', db, '--json']);
    expect(next.code, next.stderr).toBe(0);
    const left = (JSON.parse(next.stdout) as { id: number }[]).map((r) => r.id).sort((a, b) => a - b);
    // Every run is either fully there (row and folder with every file) or fully gone.
    for (const id of ids) {
      const kept = left.includes(id);
      expect(kept || victims.includes(id), `run ${id} lost`).toBe(true);
      expect(existsSync(folders.get(id)!), `run ${id}: row ${kept ? 'kept' : 'gone'}, folder ${kept ? 'missing' : 'orphaned'}`).toBe(kept);
      if (kept) expect(readdirSync(folders.get(id)!)).toHaveLength(1500);
    }
    expect(readdirSync(root).filter((n) => n !== '.trash').sort()).toEqual(left.map((id) => folders.get(id)!.split('/').pop()).sort());
    expect(trashOf(root)).toEqual([]);
    // Nothing else in the history changed (the victims that survived are compared too).
    expect(historyChanges(before, snapshotHistory(db, victims))).toEqual([]);
    const store = openStore(db, { mustExist: true });
    expect(store.integrityCheck()).toBe('ok');
    store.close();
  }, 120_000);
});

describe('the sweep at open', () => {
  it('removes an artifact folder whose run row is gone (a crash between the commit and the move), nothing else', async () => {
    const { db, root, folders } = history(3, 3);
    const [victim, keeper] = [...folders.keys()];
    // The state a crash right after the durable DELETE leaves: no row, the folder still in place.
    const conn = new Database(db);
    conn.prepare('DELETE FROM runs WHERE id = ?').run(victim);
    conn.close();
    // Beside it: a young unreferenced model folder (a run saving right now), a user's folder, a user's file.
    const young = join(root, 'model-lzq1-4242-7');
    mkdirSync(young);
    mkdirSync(join(root, 'my notes'));
    writeFileSync(join(root, 'model-readme.txt'), 'mine');

    const store = openStore(db);
    expect(store.sweptOrphans).toEqual([folders.get(victim)]);
    await store.settled();
    store.close();
    expect(existsSync(folders.get(victim)!)).toBe(false);
    for (const kept of [folders.get(keeper)!, young, join(root, 'my notes'), join(root, 'model-readme.txt')]) expect(existsSync(kept), kept).toBe(true);
    expect(trashOf(root)).toEqual([]);
  });

  it('leaves unreferenced folders alone when another history shares the artifact folder', async () => {
    const { db, root, folders } = history(2, 3);
    const [victim] = [...folders.keys()];
    const conn = new Database(db);
    conn.prepare('DELETE FROM runs WHERE id = ?').run(victim);
    conn.close();
    // A second history beside the first: its runs' folders would look unreferenced from the first.
    openStore(join(dir, 'other.db')).close();
    const store = openStore(db);
    expect(store.sweptOrphans).toEqual([]);
    await store.settled();
    store.close();
    expect(existsSync(folders.get(victim)!)).toBe(true);
    expect(existsSync(root)).toBe(true);
  });
});

describe('deleting does not block other clients', () => {
  it('serve: a run of 20,000 files is deleted at once, another client is answered meanwhile, the files go in the background', async () => {
    const { db, root, folders } = history(2, 20_000);
    const [victim, keeper] = [...folders.keys()];
    const serve = await startServe(db);
    try {
      await serve.api.runs.list({});
      let pings = 0;
      let pingsWhileRemoving = 0;
      let slowest = 0;
      let deleting = true;
      const pinger = (async () => {
        while (deleting) {
          const t = performance.now();
          await serve.api.runs.get(keeper);
          slowest = Math.max(slowest, performance.now() - t);
          pings++;
          if (trashOf(root).length > 0) pingsWhileRemoving++;
        }
      })();
      const t0 = performance.now();
      const result = await serve.api.runs.delete(victim);
      const answeredMs = performance.now() - t0;
      expect(result.deletedFiles).toEqual([folders.get(victim)]);
      expect(existsSync(folders.get(victim)!)).toBe(false);
      await waitUntil(() => trashOf(root).length === 0, 'the trash to empty', 60_000);
      deleting = false;
      await pinger;
      // Measured here: the answer in ~8 ms (removing the 20,000 files with rmSync, as before, takes ~400 ms
      // on this machine's disk, blocking every client), pings at most ~175 ms on 2 busy cores, over 1 s when
      // other work loads the machine. What proves the point is not a ping's latency but that the other
      // client was answered while the files were still being removed; the latency bound only catches a hang.
      expect(answeredMs).toBeLessThan(150);
      expect(pings).toBeGreaterThan(3);
      expect(pingsWhileRemoving).toBeGreaterThan(0);
      expect(slowest).toBeLessThan(10_000);
      expect(readdirSync(folders.get(keeper)!)).toHaveLength(20_000);
    } finally {
      serve.close();
      serve.child.child.kill('SIGKILL');
    }
  }, 180_000);
});
