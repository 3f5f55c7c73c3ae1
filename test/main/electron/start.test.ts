// `npm start` without an Electron binary: one plain line pointing to `modelwright serve`, exit code 1,
// no stack trace and no download attempt in tests. Finding the binary reads path.txt and dist/ only.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findElectronBinary, missingElectronMessage } from '../../../main/cli/start.ts';

const startScript = fileURLToPath(new URL('../../../main/cli/start.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mw-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start', () => {
  it('prints one line and exits 1 when the Electron binary is missing', async () => {
    const empty = join(dir, 'no-electron-here');
    mkdirSync(empty);
    const started = Date.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      // ELECTRON_OVERRIDE_DIST_PATH at an empty folder: the binary is absent even where one is installed.
      const child = execFile(process.execPath, [startScript], {
        env: { ...process.env, MODELWRIGHT_ELECTRON_NO_DOWNLOAD: '1', ELECTRON_OVERRIDE_DIST_PATH: empty },
        timeout: 30_000,
      }, (_err, out, err) => resolve({ code: child.exitCode, stdout: out, stderr: err }));
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${missingElectronMessage}\n`);
    expect(stderr).toContain('npm run modelwright -- serve');
    expect(stderr).not.toMatch(/\s+at \S+|Error:/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('finds the binary through path.txt and dist/, and reports null when either is missing', () => {
    const pkg = join(dir, 'electron');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    expect(findElectronBinary(pkg, {})).toBeNull();
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    expect(findElectronBinary(pkg, {})).toBeNull();
    writeFileSync(join(pkg, 'dist', 'electron'), '#!/bin/sh\n');
    chmodSync(join(pkg, 'dist', 'electron'), 0o755);
    expect(findElectronBinary(pkg, {})).toBe(join(pkg, 'dist', 'electron'));
    expect(findElectronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'elsewhere') })).toBeNull();
    mkdirSync(join(pkg, 'dist', 'Electron.app'));
    writeFileSync(join(pkg, 'path.txt'), 'Electron.app');
    expect(findElectronBinary(pkg, {})).toBeNull();
  });
});
