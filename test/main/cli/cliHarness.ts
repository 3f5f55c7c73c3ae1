// Runs the real `modelwright` CLI as a child process (as a user would) and captures what it prints.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../../main/cli/modelwright.ts', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [entry, ...args],
      { cwd, encoding: 'utf8', env: { ...process.env, MODELWRIGHT_DEBUG: '' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Failures end with exactly one line on stderr and no stack trace. */
export function expectOneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}:\n${stderr}`);
  if (/\n\s+at |Error:/.test(stderr)) throw new Error(`stack trace or raw error on stderr:\n${stderr}`);
  return lines[0];
}

export interface CliServer {
  child: ChildProcess;
  /** The address the command printed (the first capture group of its pattern). */
  url: string;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output: () => string;
  /** Ctrl+C, as a user would stop it; waits for it to exit (killed outright after `graceMs`). */
  stop: (graceMs?: number) => Promise<number | null>;
}

/**
 * Starts a long-running CLI command (serve, serve-model) as a child and resolves once it prints an
 * address matching `address` (first capture group); rejects if it exits first or prints none in time.
 */
export function startCliServer(args: string[], address: RegExp, options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const stop = async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`modelwright ${args[0]} printed no address in time:\n${out.slice(-600)}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = address.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`modelwright ${args[0]} exited (${code}) before printing its address:\n${out.slice(-600)}`));
    });
  });
}
