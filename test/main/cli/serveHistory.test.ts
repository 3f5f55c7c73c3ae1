// `modelwright serve` on a history it cannot use, through the real CLI process: one line and exit 2,
// the file untouched; a damaged file gets the exact reset command (which works as printed, pasted into a
// shell), a newer Modelwright's history gets no reset offer. (A truncated history: faults/processKill.test.ts.)
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../../main/store/migrations/index.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

const entry = fileURLToPath(new URL('../../../main/cli/modelwright.ts', import.meta.url));

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'mw serve history ')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

/** Runs a printed `modelwright ...` command line through sh, as a user pasting it would. */
function runPasted(commandLine: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const rest = commandLine.replace(/^modelwright /, '');
  return new Promise((resolve) => {
    const child = execFile('sh', ['-c', `"$0" "$1" ${rest}`, process.execPath, entry], { encoding: 'utf8' },
      (_err, stdout, stderr) => resolve({ code: child.exitCode ?? -1, stdout, stderr }));
  });
}

describe('modelwright serve with a history it cannot use', () => {
  it('a file that is not a history: exit 2, one line naming it with the exact reset command, which works as printed', async () => {
    // A space in the folder: the command must be quoted to survive being pasted.
    const db = join(dir, 'my history.db');
    writeFileSync(db, 'these are my notes, not a database\n'.repeat(100));
    const original = readFileSync(db);

    const served = await runCli(['serve', '--no-build', '--db', db]);
    expect(served.code, served.stderr).toBe(2);
    expect(served.stdout).toBe('');
    const line = expectOneLine(served.stderr);
    expect(line).toContain(db);
    const command = /run: (modelwright db reset --db .+)$/.exec(line)?.[1];
    expect(command).toBe(`modelwright db reset --db '${db}'`);
    expect(readFileSync(db).equals(original)).toBe(true);
    expect(readdirSync(dir)).toEqual(['my history.db']);

    const reset = await runPasted(command!);
    expect(reset.code, reset.stderr).toBe(0);
    const backup = /kept the old history as (.+)$/m.exec(reset.stdout)![1];
    expect(readFileSync(backup).equals(original)).toBe(true);
    const check = await runCli(['db', 'check', '--db', db]);
    expect(check.code, check.stderr).toBe(0);
  });

  it('a history from a newer Modelwright: exit 2, one line, no reset offered, the file untouched', async () => {
    const db = join(dir, 'newer.db');
    openStore(db).close();
    const raw = new Database(db);
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`);
    raw.close();
    const original = readFileSync(db);

    const served = await runCli(['serve', '--no-build', '--db', db]);
    expect(served.code, served.stderr).toBe(2);
    const line = expectOneLine(served.stderr);
    expect(line).toMatch(/written by a newer Modelwright .*update Modelwright/);
    expect(line).toContain(db);
    expect(line).not.toMatch(/db reset/);
    expect(readFileSync(db).equals(original)).toBe(true);
  });
});
