// `modelwright serve`: the studio in a browser — the built renderer and the API over a WebSocket on
// 127.0.0.1, behind a random access token; Ctrl+C stops trainers, closes the history and exits.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, UsageError, intFlag, parseCommandArgs, type CliCommand, type CliIO } from '../command.ts';
import { dbUsage, toCliError } from '../history.ts';
import { resolveDbPath, resolveWorkspace } from '../../store/location.ts';
import { createServiceHost, type ServiceHost } from '../../services/host.ts';
import { startWebServer } from '../../web/server.ts';
import { untilStopped } from '../untilStopped.ts';

const usage = `Usage: modelwright serve [--port N] [--db PATH] [--workspace DIR] [--open]

Runs the Modelwright studio in your browser: serves the user interface and its API on 127.0.0.1 (this
computer only) and prints the address to open. The address includes a random access token; requests
without it, or from another site, are refused.

Options:
  --port N         port to listen on (default: a free port chosen at random)
${dbUsage}
  --workspace DIR  the only folder the page may use: uploads, saved projects and exports
                   (default: $MODELWRIGHT_WORKSPACE, else "workspace" beside the history database)
  --open           open the address in the system browser
  --no-build       do not build the user interface when it is missing (serve a page that explains how)
  --verbose        log refused requests and host errors on stderr

Ctrl+C stops running trainings (keeping what they learned), closes the history and exits.`;

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const rendererDist = join(repoRoot, 'dist', 'renderer');
const buildTimeoutMs = 180_000;

/** Builds the renderer with `npm run build:renderer` when the script exists; false when it cannot. */
async function buildRenderer(io: CliIO): Promise<boolean> {
  let scripts: Record<string, string>;
  try {
    scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  } catch {
    return false;
  }
  if (!scripts['build:renderer']) return false;
  io.stderr('The user interface is not built yet; building it now (npm run build:renderer)...\n');
  return new Promise((resolve) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build:renderer'], {
      cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
    const timer = setTimeout(() => child.kill(), buildTimeoutMs);
    child.on('error', () => { clearTimeout(timer); resolve(false); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        const last = stderr.trim().split('\n').pop();
        io.stderr(`Building the user interface failed${last ? `: ${last}` : ''}; serving a page that explains how to build it.\n`);
      }
      resolve(code === 0 && existsSync(join(rendererDist, 'index.html')));
    });
  });
}

/** Opens a URL in the system browser; a failure is only worth a note, the address is printed anyway. */
function openBrowser(url: string, io: CliIO): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
    : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => io.stderr(`Could not open a browser (${command} is missing); open the address above yourself.\n`));
    child.unref();
  } catch {
    io.stderr('Could not open a browser; open the address above yourself.\n');
  }
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the studio in your browser (UI and API on 127.0.0.1, behind an access token)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      port: { type: 'string' },
      db: { type: 'string' },
      workspace: { type: 'string' },
      open: { type: 'boolean' },
      'no-build': { type: 'boolean' },
      verbose: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got "${positionals[0]}"`);
    const port = intFlag(values.port, '--port', 0);
    if (port !== undefined && port > 65535) throw new UsageError(`--port needs a port number from 0 to 65535, got "${values.port}"`);
    const log = values.verbose ? (m: string) => io.stderr(`[serve] ${m}\n`) : undefined;

    if (!existsSync(join(rendererDist, 'index.html')) && !values['no-build']) await buildRenderer(io);
    if (!existsSync(join(rendererDist, 'index.html'))) {
      io.stderr('Note: the user interface is not built (dist/renderer/ is missing); run "npm run build:renderer". The API works meanwhile.\n');
    }

    let host: ServiceHost;
    try {
      const dbPath = resolveDbPath(values.db);
      host = createServiceHost({
        dbPath, fileAccess: 'workspace', workspace: resolveWorkspace(values.workspace, dbPath), log: (m) => io.stderr(`[serve] ${m}\n`),
      });
    } catch (err) {
      throw toCliError(err);
    }
    let server: Awaited<ReturnType<typeof startWebServer>>;
    try {
      server = await startWebServer({ api: host.api, port, rendererDir: rendererDist, log });
    } catch (err) {
      await host.dispose();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new CliError(`port ${port} is already in use; choose another with --port, or leave it out to get a free one`);
      if (code === 'EACCES') throw new CliError(`not allowed to listen on port ${port}; choose a port above 1023`);
      throw err;
    }

    io.stdout(`Modelwright is running at ${server.url}\n`);
    io.stdout(`History: ${host.store.path}\n`);
    io.stdout(`Workspace (uploads, projects, exports): ${host.files.workspace}\n`);
    io.stdout('Press Ctrl+C to stop.\n');
    if (values.open) openBrowser(server.url, io);

    return untilStopped(io, 'stopping running trainings and closing the history', async () => {
      await server.close().catch(() => {});
      await host.dispose({ graceMs: 5000 }).catch((err: unknown) => io.stderr(`[serve] ${(err as Error)?.message ?? err}\n`));
    });
  },
};
