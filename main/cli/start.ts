#!/usr/bin/env node
// `npm start`: builds what is stale (renderer, Electron bundles) and launches the desktop app. Where the
// Electron binary is missing and cannot be downloaded, says so in one line and points to `serve`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNames, electronOutDir, newestMtime, repoRoot } from '../electron/build.ts';

export const electronPackageDir = join(repoRoot, 'node_modules', 'electron');
export const missingElectronMessage =
  'Modelwright: the Electron binary is not installed and could not be downloaded here, so the desktop app cannot start; run the same studio in your browser with "npm run modelwright -- serve".';

/** How long `npm start` lets Electron's own installer try to download the binary. */
const installTimeoutMs = 120_000;

/**
 * The Electron executable, or null when it is not there. Reads the package's path.txt and dist/
 * directly: requiring the `electron` package instead would start a download with noisy output.
 */
export function findElectronBinary(packageDir: string = electronPackageDir, env: NodeJS.ProcessEnv = process.env): string | null {
  let relative: string;
  try {
    relative = readFileSync(join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    return null;
  }
  if (!relative) return null;
  const full = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, relative) : join(packageDir, 'dist', relative);
  try {
    return statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

/** Runs the electron package's installer quietly; resolves when it ends or the time is up (never rejects). */
export function tryInstallElectron(packageDir: string = electronPackageDir, timeoutMs = installTimeoutMs): Promise<boolean> {
  const installer = join(packageDir, 'install.js');
  if (!existsSync(installer)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [installer], { cwd: packageDir, stdio: 'ignore', env: { ...process.env } });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', () => { clearTimeout(timer); resolve(false); });
    child.on('exit', (code) => { clearTimeout(timer); resolve(code === 0); });
  });
}

const rendererDist = join(repoRoot, 'dist', 'renderer');

/** True when dist/renderer is missing or older than the renderer or core sources. */
export function rendererIsStale(): boolean {
  const index = join(rendererDist, 'index.html');
  if (!existsSync(index)) return true;
  return newestMtime([join(repoRoot, 'renderer'), join(repoRoot, 'app')]) > statSync(index).mtimeMs;
}

async function buildRenderer(): Promise<void> {
  process.stderr.write('Building the user interface (renderer/ → dist/renderer/)...\n');
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

export async function start(argv: string[]): Promise<number> {
  let binary = findElectronBinary();
  if (!binary && process.env.MODELWRIGHT_ELECTRON_NO_DOWNLOAD !== '1') {
    // On a terminal the progress note is erased afterwards, so a failure still leaves one line.
    const tty = process.stderr.isTTY;
    if (tty) process.stderr.write('The Electron binary is missing; trying to download it (up to 2 minutes)...');
    await tryInstallElectron();
    if (tty) process.stderr.write('\r\x1b[K');
    binary = findElectronBinary();
  }
  if (!binary) {
    process.stderr.write(`${missingElectronMessage}\n`);
    return 1;
  }
  if (rendererIsStale()) await buildRenderer();
  const { buildElectron } = await import('../electron/build.ts');
  await buildElectron();
  const child = spawn(binary, [join(electronOutDir, bundleNames.main), ...argv], { stdio: 'inherit', cwd: repoRoot });
  const forward = (signal: NodeJS.Signals) => () => { if (child.exitCode === null) child.kill(signal); };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve) => {
    child.on('error', (err) => {
      process.stderr.write(`Modelwright: Electron could not be started (${err.message}); try "npm run modelwright -- serve" instead.\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  start(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      if (process.env.MODELWRIGHT_DEBUG) console.error(err);
      process.stderr.write(`Modelwright could not start: ${(err as Error)?.message?.split('\n')[0] ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
