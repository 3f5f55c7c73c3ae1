// `modelwright predict`, `serve-model` and `export --run` with `--backend webgpu` load the model in their own
// process, so Dawn's native "Warning: …artificially reduced…" lines (main/engine/dawnNoise.ts) would reach the user's
// terminal: a native write to fd 2 cannot be filtered inside the process that makes it. For those, the
// CLI runs itself again as a child whose stderr it reads and filters line by line (every other line is passed
// on); stdout goes straight to the terminal or pipe. The child gets its own process group, so a terminal's
// Ctrl+C reaches it once, forwarded by this process like SIGTERM and SIGHUP; it exits when this process does.
// On Windows a detached child would open a console window of its own, so there it shares this console, which
// delivers Ctrl+C to both: this process only waits for the child to finish (not run on Windows here).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { dawnNoiseFilter } from '../engine/quietChild.ts';

/** Set in the child: it is already filtered and must not start another. */
const FILTERED_ENV = 'MODELWRIGHT_DAWN_FILTERED';
/** Commands that load a model in the CLI's own process on the backend their `--backend` names. */
const LOADS_MODEL_HERE = new Set(['predict', 'serve-model', 'export']);
const WINDOWS = process.platform === 'win32';

/** The value of `flag` in `args` (`--flag V` or `--flag=V`); the last one wins, as parseArgs does. */
function flagValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') break;
    if (args[i] === flag) value = args[i + 1];
    else if (args[i].startsWith(`${flag}=`)) value = args[i].slice(flag.length + 1);
  }
  return value;
}

/** Whether this command line opens Dawn in this process and has not been filtered yet. */
export function needsDawnFilter(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const [name, ...rest] = argv;
  if (env[FILTERED_ENV] === '1' || !LOADS_MODEL_HERE.has(name ?? '')) return false;
  if (rest.includes('--help') || rest.includes('-h')) return false;
  return flagValue(rest, '--backend') === 'webgpu';
}

/** In the filtered child: end with the parent, which holds the terminal and forwards its signals. */
export function followParent(env: NodeJS.ProcessEnv = process.env): void {
  if (env[FILTERED_ENV] !== '1' || !process.connected) return;
  process.once('disconnect', () => process.exit(130));
  // The channel is only a lifeline: it must not keep a finished command running.
  process.channel?.unref();
}

/**
 * Runs this CLI again with `argv` as a child whose stderr is filtered of Dawn's noise; resolves with its exit
 * code (128 + the signal's number when a signal ended it, as a shell reports it).
 */
export function runDawnFiltered(argv: readonly string[]): Promise<number> {
  const readsStdin = flagValue(argv.slice(1), '--input') === '-';
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv], {
    stdio: [readsStdin ? 'pipe' : 'ignore', 'inherit', 'pipe', 'ipc'],
    env: { ...process.env, [FILTERED_ENV]: '1' },
    detached: !WINDOWS,
  });
  if (readsStdin && child.stdin) {
    process.stdin.pipe(child.stdin);
    child.stdin.on('error', () => { /* the child stopped reading (it failed); its exit says why */ });
  }
  const filter = dawnNoiseFilter((text) => { process.stderr.write(text); });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => filter.push(chunk));
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal: NodeJS.Signals) => { if (!WINDOWS) child.kill(signal); };
  for (const s of signals) process.on(s, forward);
  return new Promise<number>((resolve) => {
    child.on('error', (err) => {
      process.stderr.write(`modelwright: could not start the filtered process: ${err.message}\n`);
      resolve(70);
    });
    child.on('close', (code, signal) => {
      filter.end();
      for (const s of signals) process.off(s, forward);
      if (readsStdin) process.stdin.unpipe().destroy();
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
