// Work that opens Dawn (the GPU adapter probe, a webgpu benchmark) in a child process, so Dawn's native
// warnings never reach the user's terminal: native writes to fd 2 cannot be filtered inside the process
// that makes them, but a child's piped output can. Every line the child prints that is not Dawn noise
// (./dawnNoise.ts) is passed on, so real errors still come through.
import { fork } from 'node:child_process';
import { isDawnNoise } from './dawnNoise.ts';
import { oneLine } from './errorLine.ts';

/** What a quiet child sends its parent. */
type ChildMessage =
  | { type: 'progress'; message: string }
  | { type: 'result'; value: unknown }
  | { type: 'error'; message: string };

export interface QuietChildOptions {
  /** Where the child's own lines (not Dawn's noise) go; default: this process's stderr. */
  forward?: (text: string) => void;
  onProgress?: (message: string) => void;
  /** The child is killed and the call fails after this long (default: no limit). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Passes whole lines that are not Dawn noise to `write`; `end()` flushes a last line without a newline. */
export function dawnNoiseFilter(write: (text: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  const emit = (line: string) => { if (!isDawnNoise(line)) write(`${line}\n`); };
  return {
    push(chunk) {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        emit(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    },
    end() {
      if (pending !== '') emit(pending);
      pending = '';
    },
  };
}

/**
 * Forks `entry` (a module that calls `serveQuietChild`), sends it `request` and resolves with its result.
 * Its stdout and stderr are piped, filtered of Dawn's noise and forwarded; a child that fails or exits
 * without a result rejects with one line.
 */
export function runQuietChild<T>(entry: string, request: unknown, options: QuietChildOptions = {}): Promise<T> {
  const forward = options.forward ?? ((text: string) => { process.stderr.write(text); });
  return new Promise<T>((resolve, reject) => {
    const child = fork(entry, [], { silent: true, serialization: 'advanced', env: options.env ?? process.env, execArgv: [] });
    const out = dawnNoiseFilter(forward);
    const err = dawnNoiseFilter(forward);
    let lastErrorLine = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err.push(chunk);
      // The line that says what went wrong: Node ends a crash with a stack and its version, so the last error line.
      const lines = chunk.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !isDawnNoise(l) && !l.startsWith('at ') && !/^Node\.js v\d/.test(l));
      const errorLines = lines.filter((l) => /error/i.test(l));
      if (errorLines.length) lastErrorLine = errorLines[errorLines.length - 1];
      else if (lines.length && !lastErrorLine) lastErrorLine = lines[lines.length - 1];
    });
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      fn();
    };
    if (options.timeoutMs) {
      const limitMs = options.timeoutMs;
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        settle(() => reject(new Error(`the child process did not answer within ${Math.round(limitMs / 1000)} s`)));
      }, limitMs);
    }
    child.on('message', (raw: ChildMessage) => {
      if (raw?.type === 'progress') options.onProgress?.(raw.message);
      else if (raw?.type === 'result') settle(() => resolve(raw.value as T));
      else if (raw?.type === 'error') settle(() => reject(new Error(raw.message)));
    });
    child.on('error', (e) => settle(() => reject(new Error(`the child process could not be started: ${oneLine(e)}`, { cause: e }))));
    child.on('exit', (code, signal) => {
      // The last output may still be in the pipes: flush it before saying why the child ended.
      setImmediate(() => {
        out.end();
        err.end();
        settle(() => reject(new Error(`the child process ended (${signal ?? `exit code ${code}`}) without a result${lastErrorLine ? `: ${lastErrorLine}` : ''}`)));
      });
    });
    child.send(request as never);
  });
}

/** In the child: answers the parent's one request with `handler`'s result (or its error in one line), then exits. */
export function serveQuietChild<Request, Result>(handler: (request: Request, progress: (message: string) => void) => Promise<Result>): void {
  const send = (message: ChildMessage) => new Promise<void>((done) => {
    if (!process.send) return done();
    process.send(message, undefined, undefined, () => done());
  });
  process.once('message', (request: Request) => {
    void handler(request, (message) => void send({ type: 'progress', message }))
      .then((value) => send({ type: 'result', value }), (e: unknown) => send({ type: 'error', message: oneLine(e) }))
      // TF.js backends and Dawn keep handles open; the answer is sent, so the process is done.
      .finally(() => process.exit(0));
  });
}
