// The desktop app's startup with a history it cannot open, on real database files and the real service
// host, answered through a scripted Electron dialog: backup and new history, Quit, and a newer schema.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHistoryWithRecovery, quitButton, resetButton } from '../../../main/electron/historyRecovery.ts';
import { createServiceHost, type ServiceHost } from '../../../main/services/host.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { latestSchemaVersion } from '../../../main/store/migrations/index.ts';
import { seedHistory } from '../faults/harness.ts';
import { FakeDialog } from './fakeElectron.ts';

let dir: string;
let db: string;
let hosts: ServiceHost[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-history-recovery-'));
  db = join(dir, 'modelwright.db');
  hosts = [];
});
afterEach(async () => {
  for (const host of hosts) await host.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** What main.ts passes as `open`: the whole service host on the app's database. */
function openHost(): ServiceHost {
  const host = createServiceHost({ dbPath: db, dataDir: dir });
  hosts.push(host);
  return host;
}

/** A history with runs whose file then loses its last 1000 bytes, as after a disk failure. */
function truncatedHistory(): Buffer {
  seedHistory(db);
  const bytes = readFileSync(db);
  writeFileSync(db, bytes.subarray(0, bytes.length - 1000));
  return readFileSync(db);
}

const files = () => readdirSync(dir).sort();
const stamp = new Date('2026-03-01T14:07:00.000Z');

describe('the desktop app opening a damaged history', () => {
  it('keeps a backup with the original bytes, starts a new history and says where the backup is', async () => {
    const damaged = truncatedHistory();
    const dialog = new FakeDialog([resetButton, 'OK']);
    const logged: string[] = [];
    const result = await openHistoryWithRecovery({ dbPath: db, open: openHost, dialog, log: (m) => logged.push(m), now: () => stamp });

    expect(result.outcome).toBe('opened');
    if (result.outcome !== 'opened') return;
    const backup = `${db}.corrupt-2026-03-01T14-07-00-000Z`;
    expect(result.backupPath).toBe(backup);
    expect(readFileSync(backup).equals(damaged)).toBe(true);

    // The offer: the plain reason, both choices, Escape means Quit, no window (nothing is on screen yet).
    const [offer, done] = dialog.shown;
    expect(offer.window).toBeNull();
    expect(offer.options.buttons).toEqual([resetButton, quitButton]);
    expect(offer.options.buttons![offer.options.cancelId!]).toBe(quitButton);
    expect(offer.options.detail).toContain(`${db} is damaged (it is truncated: `);
    expect(offer.options.detail).toContain(db);
    // The dialog's buttons replace the command-line advice of the store's message.
    expect(`${offer.options.message} ${offer.options.detail}`).not.toMatch(/--db|MODELWRIGHT_DB|rename it/);
    expect(done.options.detail).toContain(backup);
    expect(dialog.shown).toHaveLength(2);

    // The services run on a new, empty, sound history at the same path.
    const host = result.value;
    expect(host.store.path).toBe(db);
    expect(host.store.integrityCheck()).toBe('ok');
    expect((await host.api.runs.list({})).total).toBe(0);
    expect(logged.join('\n')).toContain(backup);
  });

  it('offers the same for a file that is not SQLite at all, keeping it byte for byte', async () => {
    writeFileSync(db, 'these are my notes, not a database\n'.repeat(200));
    const original = readFileSync(db);
    const dialog = new FakeDialog([resetButton, 'OK']);
    const result = await openHistoryWithRecovery({ dbPath: db, open: openHost, dialog });
    expect(result.outcome).toBe('opened');
    expect(dialog.shown[0].options.detail).toMatch(/is not a Modelwright history database \(it is not a SQLite file\)/);
    const backups = files().filter((f) => f.startsWith('modelwright.db.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0])).equals(original)).toBe(true);
  });

  it('Quit (or Escape) touches nothing: same bytes, no backup, no new file, services never started', async () => {
    const damaged = truncatedHistory();
    const before = files();
    for (const answer of [quitButton, 'Escape']) {
      let opens = 0;
      const dialog = new FakeDialog([answer]);
      const result = await openHistoryWithRecovery({ dbPath: db, open: () => { opens++; return openHost(); }, dialog });
      expect(result.outcome).toBe('quit');
      expect(opens).toBe(1);
      expect(dialog.shown).toHaveLength(1);
      expect(readFileSync(db).equals(damaged)).toBe(true);
      expect(files()).toEqual(before);
    }
    expect(hosts).toHaveLength(0);
  });

  it('a history from a newer Modelwright is explained with Quit only, never offered a reset', async () => {
    seedHistory(db);
    const raw = new Database(db);
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`);
    raw.close();
    const original = readFileSync(db);
    const before = files();

    const dialog = new FakeDialog([quitButton]);
    const result = await openHistoryWithRecovery({ dbPath: db, open: openHost, dialog });
    expect(result.outcome).toBe('quit');
    expect(dialog.shown).toHaveLength(1);
    const box = dialog.shown[0].options;
    expect(box.buttons).toEqual([quitButton]);
    expect(`${box.message} ${box.detail}`).toMatch(/newer version of Modelwright/);
    expect(box.detail).toContain(`schema ${latestSchemaVersion + 1}`);
    expect(box.detail).toContain('Update Modelwright');
    expect(box.detail).toContain(db);
    expect(readFileSync(db).equals(original)).toBe(true);
    // SQLite's read-only look at a WAL database may leave its own -wal/-shm beside it; nothing else appears.
    const withoutCompanions = (names: string[]) => names.filter((f) => !/-(wal|shm)$/.test(f));
    expect(withoutCompanions(files())).toEqual(withoutCompanions(before));
  });

  it('a sound history opens without any dialog, and errors that are not about the history are not swallowed', async () => {
    seedHistory(db);
    const dialog = new FakeDialog([]);
    const result = await openHistoryWithRecovery({ dbPath: db, open: openHost, dialog });
    expect(result.outcome).toBe('opened');
    if (result.outcome === 'opened') expect((await result.value.api.runs.list({})).total).toBe(3);
    expect(dialog.shown).toHaveLength(0);

    const bug = new TypeError('a programming error');
    await expect(openHistoryWithRecovery({ dbPath: db, open: () => { throw bug; }, dialog })).rejects.toBe(bug);
    expect(dialog.shown).toHaveLength(0);
  });

  it('when the new history cannot be created, says so and quits, the damaged file still kept', async () => {
    const damaged = truncatedHistory();
    const dialog = new FakeDialog([resetButton, quitButton]);
    let opens = 0;
    // The first open meets the damage; the second (after the reset) fails as a full disk would.
    const open = () => {
      if (opens++ === 0) return openHost();
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    const result = await openHistoryWithRecovery({ dbPath: db, open, dialog, now: () => stamp });
    expect(result.outcome).toBe('quit');
    expect(dialog.shown[1].options.buttons).toEqual([quitButton]);
    expect(dialog.shown[1].options.detail).toMatch(/no space left on device/);
    expect(readFileSync(`${db}.corrupt-2026-03-01T14-07-00-000Z`).equals(damaged)).toBe(true);
    expect(existsSync(db)).toBe(true);
    const store = openStore(db, { mustExist: true });
    expect(store.integrityCheck()).toBe('ok');
    store.close();
  });
});
