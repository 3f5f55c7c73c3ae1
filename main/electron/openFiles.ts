// Which files the app was asked to open (command line of the first or a second instance, or macOS's
// open-file event), and holding them until the studio window is ready to receive them.
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { PROJECT_EXTENSION } from '../../app/project/schema.ts';

/** Files Modelwright opens when double-clicked or passed on the command line: projects and Keras model JSON. */
export const openableExtensions = [PROJECT_EXTENSION, '.json'];

/**
 * The existing project/model files named on a command line. Electron's own arguments (the executable,
 * the app path in development, `--flags`) are skipped; relative paths resolve against the caller's cwd.
 */
export function filesFromArgv(argv: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    if (!openableExtensions.includes(extname(arg).toLowerCase())) continue;
    const full = resolve(cwd, arg);
    try {
      if (existsSync(full) && statSync(full).isFile() && !files.includes(full)) files.push(full);
    } catch {
      // unreadable: skip it, as the shell would not have passed it knowingly
    }
  }
  return files;
}

/** Paths waiting for a window; `ready(open)` flushes them and sends later ones straight on. */
export class OpenQueue {
  private pending: string[] = [];
  private target: ((path: string) => void) | null = null;

  push(paths: readonly string[]): void {
    for (const p of paths) {
      if (this.target) this.target(p);
      else if (!this.pending.includes(p)) this.pending.push(p);
    }
  }

  ready(open: (path: string) => void): void {
    this.target = open;
    const waiting = this.pending;
    this.pending = [];
    for (const p of waiting) open(p);
  }

  /** The window went away (reload, close): hold paths again until it is back. */
  unready(): void {
    this.target = null;
  }

  get size(): number {
    return this.pending.length;
  }
}
