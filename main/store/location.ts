// Where the experiment history lives: `--db PATH`, else MODELWRIGHT_DB, else ~/.modelwright/modelwright.db.
// The Electron app passes its own user-data folder instead (see docs/history.md).
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const defaultDbFileName = 'modelwright.db';

/** The database file to use, from a `--db` flag, the environment, or the per-user default, as an absolute path. */
export function resolveDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (flag !== undefined && flag.trim() !== '') return resolve(flag);
  const fromEnv = env.MODELWRIGHT_DB;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return resolve(fromEnv);
  return join(home, '.modelwright', defaultDbFileName);
}

/** The default database inside an application data folder (Electron's `app.getPath('userData')`). */
export function dbPathInFolder(folder: string): string {
  return join(folder, defaultDbFileName);
}

/**
 * The workspace folder of the web host and the desktop app (uploads, saved projects, exports): `--workspace`,
 * else MODELWRIGHT_WORKSPACE, else `workspace` beside the history database (so `--db`/MODELWRIGHT_DB in tests
 * moves it too).
 */
export function resolveWorkspace(flag: string | undefined, dbPath: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag.trim() !== '') return resolve(flag);
  const fromEnv = env.MODELWRIGHT_WORKSPACE;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return resolve(fromEnv);
  return join(dirname(resolve(dbPath)), 'workspace');
}
