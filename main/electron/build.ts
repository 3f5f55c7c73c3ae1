// Bundles the Electron side with esbuild: main process → dist/electron/main.mjs, preload →
// dist/electron/preload.cjs (CommonJS, self-contained, for a sandboxed renderer), trainer → trainer.mjs and its
// replica threads → replica.mjs.
// Run directly (`node main/electron/build.ts`) or through `npm start` / `npm run dist`.
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const electronOutDir = join(repoRoot, 'dist', 'electron');

/** `replica` is the trainer's data-parallel worker thread (main/engine/dataParallel.ts finds it beside trainer.mjs). */
export const bundleNames = { main: 'main.mjs', preload: 'preload.cjs', trainer: 'trainer.mjs', replica: 'replica.mjs' } as const;

/**
 * Node packages stay outside the main and trainer bundles and are loaded from node_modules (inside the
 * asar when packaged): native addons (better-sqlite3, tfjs-node) must, and tfjs-backend-wasm finds its
 * .wasm files next to its own package.
 */
const nodeSide: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  external: ['electron'],
  sourcemap: 'linked',
  logLevel: 'warning',
};

export interface ElectronBuildResult {
  outDir: string;
  files: string[];
  ms: number;
}

export async function buildElectron(options: { outDir?: string; minify?: boolean } = {}): Promise<ElectronBuildResult> {
  const outDir = options.outDir ?? electronOutDir;
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  const minify = options.minify ?? false;
  await Promise.all([
    build({ ...nodeSide, minify, entryPoints: [join(repoRoot, 'main/electron/main.ts')], outfile: join(outDir, bundleNames.main) }),
    build({ ...nodeSide, minify, entryPoints: [join(repoRoot, 'main/trainer/entry.ts')], outfile: join(outDir, bundleNames.trainer) }),
    build({ ...nodeSide, minify, entryPoints: [join(repoRoot, 'main/engine/replicaEntry.ts')], outfile: join(outDir, bundleNames.replica) }),
    // A sandboxed preload can require only `electron` and a few built-ins: everything else is inlined.
    build({
      bundle: true, platform: 'node', format: 'cjs', target: 'chrome130', external: ['electron'], minify, sourcemap: false,
      logLevel: 'warning', entryPoints: [join(repoRoot, 'main/electron/preload.ts')], outfile: join(outDir, bundleNames.preload),
    }),
  ]);
  // Files that bundled modules read beside themselves (import.meta.url): the export runtime module.
  const runtime = join(repoRoot, 'main/export/runtime');
  if (existsSync(runtime)) cpSync(runtime, join(outDir, 'runtime'), { recursive: true });
  return { outDir, files: readdirSync(outDir), ms: Date.now() - started };
}

/** Newest modification time of any file under the folders (0 when none exist). */
export function newestMtime(paths: string[]): number {
  let newest = 0;
  const walk = (p: string) => {
    let info;
    try {
      info = statSync(p);
    } catch {
      return;
    }
    if (info.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules' && !name.startsWith('.')) walk(join(p, name));
    } else if (info.mtimeMs > newest) newest = info.mtimeMs;
  };
  for (const p of paths) walk(p);
  return newest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildElectron({ minify: process.argv.includes('--minify') }).then(
    (r) => console.log(`Built ${r.files.filter((f) => !f.endsWith('.map')).join(', ')} in ${r.outDir} (${r.ms} ms)`),
    (err: unknown) => {
      console.error(`The Electron bundles could not be built: ${(err as Error)?.message ?? err}`);
      process.exitCode = 1;
    },
  );
}
