// Shared by the fault tests: the real CLI and `modelwright serve` as child processes, finding the trainer
// process a host forked, and a dump of the history that shows whether anything but one run changed.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { connectWebSocketHost } from '../../../renderer/host/webSocketHost.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { evaluateClassification } from '../../../app/training/evaluate.ts';
import { openStore } from '../../../main/store/experimentStore.ts';

export const cliEntry = fileURLToPath(new URL('../../../main/cli/modelwright.ts', import.meta.url));

export interface Child {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stdout or stderr matches, or rejects with both streams when it does not in time. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<RegExpExecArray>;
}

export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; prefix?: string[] } = {}): Child {
  // `prefix` runs the CLI under another program (e.g. prlimit) that then execs Node.
  const [command, ...rest] = options.prefix && options.prefix.length > 0 ? [...options.prefix, process.execPath] : [process.execPath];
  const child = spawn(command, [...rest, cliEntry, ...args], {
    cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MODELWRIGHT_DEBUG: '', ...options.env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(pattern, stream, timeoutMs = 60_000) {
      const start = Date.now();
      for (;;) {
        const text = stream === 'stdout' ? out : stream === 'stderr' ? err : `${out}\n${err}`;
        const match = pattern.exec(text);
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null || Date.now() - start > timeoutMs) {
          throw new Error(`waiting for ${pattern}: ${child.exitCode !== null ? `the process exited (${child.exitCode})` : 'timed out'}\nstdout:\n${out}\nstderr:\n${err}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Direct children of a process (Linux /proc), e.g. the trainer a CLI or web host forked. */
export function childPids(pid: number): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (text) pids.push(...text.split(/\s+/).map(Number));
  }
  return pids;
}

/** The pid of the trainer process a host forked (main/trainer/entry.ts), waiting for it to appear. */
export async function trainerPid(hostPid: number, timeoutMs = 30_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    for (const pid of childPids(hostPid)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('trainer/entry')) return pid;
      } catch {
        // It exited between listing and reading.
      }
    }
    if (Date.now() - start > timeoutMs) throw new Error(`no trainer process under pid ${hostPid}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface Serve {
  child: Child;
  api: ModelwrightApi;
  close(): void;
}

/** Starts `modelwright serve` on `db` and connects the renderer's own WebSocket client to it. */
export async function startServe(db: string): Promise<Serve> {
  const child = startCli(['serve', '--db', db, '--no-build']);
  const [, port, token] = await child.waitFor(/running at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/, 'stdout');
  const client = await connectWebSocketHost({ url: `ws://127.0.0.1:${port}/api?token=${token}`, reconnect: false });
  return { child, api: client.api, close: () => client.close() };
}

const graph = { layers: [{ id: 'in', type: 'Input' as const, name: 'input', params: { shape: [4] } }], connections: [] };

/** Records `count` finished runs (metrics, batch points, evaluation, artifacts, tags) to compare later. */
export function seedHistory(db: string, count = 3): number[] {
  const store = openStore(db);
  try {
    const ids: number[] = [];
    for (let r = 0; r < count; r++) {
      const id = store.createRun({ name: `earlier ${r}`, graph, config: makeTrainingConfig({ seed: r }), backend: 'cpu', tags: ['keep'] });
      for (let e = 0; e < 20; e++) store.appendEpochMetrics(id, e, { loss: 1 / (e + 1 + r), val_accuracy: e / 20 });
      store.appendBatchMetrics(id, Array.from({ length: 100 }, (_, i) => ({ step: i, values: { loss: i / 100 } })));
      store.finishRun(id, 'completed', {
        testMetrics: { accuracy: 0.7 + r / 10 },
        evaluation: evaluateClassification({ probabilities: [0.9, 0.1, 0.3, 0.7], width: 2, labels: [0, 1], classNames: ['a', 'b'] }),
      });
      ids.push(id);
    }
    return ids;
  } finally {
    store.close();
  }
}

/**
 * Every row of every table as JSON text, leaving out rows that belong to the given runs (by a `run_id`
 * column, or `id` in `runs`); tables without a run column (e.g. content-addressed graphs) are marked shared.
 */
export function snapshotHistory(dbPath: string, runIds: number[]): Map<string, { shared: boolean; rows: string[] }> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const out = new Map<string, { shared: boolean; rows: string[] }>();
    for (const table of tables) {
      const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((c) => c.name);
      const key = table === 'runs' ? 'id' : columns.includes('run_id') ? 'run_id' : null;
      const rows = (db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[])
        .filter((row) => key === null || !runIds.includes(row[key] as number))
        .map((r) => JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
        .sort();
      out.set(table, { shared: key === null, rows });
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * What changed between two snapshots outside the excluded runs: rows of other runs must be identical;
 * shared tables may only gain rows (a new run's graph), never lose or alter one. Empty means nothing else changed.
 */
export function historyChanges(before: ReturnType<typeof snapshotHistory>, after: ReturnType<typeof snapshotHistory>): string[] {
  const changes: string[] = [];
  for (const [table, { shared, rows }] of before) {
    const now = new Set(after.get(table)?.rows ?? []);
    for (const row of rows) if (!now.has(row)) changes.push(`${table}: lost or changed ${row}`);
    if (!shared) {
      const then = new Set(rows);
      for (const row of after.get(table)?.rows ?? []) if (!then.has(row)) changes.push(`${table}: gained ${row}`);
    }
  }
  return changes;
}
