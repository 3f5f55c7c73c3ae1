// Starts trainer processes and turns their messages into a TrainingSession; a trainer that crashes,
// exits or is killed still ends its session with a `failed` result, so callers never hang.
import { withoutDawnNoise } from '../engine/dawnNoise.ts';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  failedResult, fromTrainerSchema, trainingJobSchema, type StartedInfo, type TrainingJob, type TrainingJobInput, type TrainingResult,
} from '../../app/training/protocol.ts';
import type { ProgressEvent } from '../../app/training/progress.ts';

/** A running trainer process, whichever way it was started. */
export interface TrainerHandle {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process is gone; `reason` is a plain sentence (exit code, signal, spawn error). */
  onExit(listener: (info: { code: number | null; signal: string | null; reason: string }) => void): void;
  kill(): void;
}

/** Starts trainer processes: child_process.fork in the CLI and web host, utilityProcess under Electron. */
export interface TrainerLauncher {
  launch(): TrainerHandle;
}

export const trainerEntry = fileURLToPath(new URL('./entry.ts', import.meta.url));

const STDERR_TAIL = 2000;

/** Forks main/trainer/entry.ts with this Node (which strips TypeScript types itself). */
export function forkLauncher(options: { entry?: string; execArgv?: string[]; env?: NodeJS.ProcessEnv } = {}): TrainerLauncher {
  return {
    launch() {
      // silent: TF.js prints banners on stdout, which must not mix into the CLI's --json output.
      const child = fork(options.entry ?? trainerEntry, [], {
        execArgv: options.execArgv ?? [],
        env: options.env ?? process.env,
        serialization: 'advanced',
        silent: true,
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL); });
      child.stdout?.resume();
      let exited = false;
      const exitListeners: ((info: { code: number | null; signal: string | null; reason: string }) => void)[] = [];
      const emitExit = (code: number | null, signal: string | null, reason: string) => {
        if (exited) return;
        exited = true;
        for (const l of exitListeners) l({ code, signal, reason });
      };
      child.on('error', (err) => emitExit(null, null, `the trainer process could not be started: ${err.message}`));
      child.on('exit', (code, signal) => {
        // Let the last stderr chunk arrive before describing the exit.
        setImmediate(() => emitExit(code, signal, describeExit(code, signal, stderr)));
      });
      return {
        get pid() { return child.pid; },
        send(message) { if (child.connected) child.send(message as never); },
        onMessage(listener) { child.on('message', listener); },
        onExit(listener) { exitListeners.push(listener); },
        kill() { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); },
      };
    },
  };
}

function describeExit(code: number | null, signal: string | null, stderr: string): string {
  const lastLine = lastErrorLine(stderr);
  const detail = lastLine ? `: ${lastLine}` : '';
  if (signal) return `the trainer process was killed (${signal})${detail}`;
  return `the trainer process exited with code ${code} before reporting a result${detail}`;
}

/** The most telling line of a crash log: the first "Error:"-looking line, else the last non-empty one. */
function lastErrorLine(stderr: string): string {
  // Dawn's warnings about its own limits (main/engine/dawnNoise.ts) are never why a trainer died.
  const lines = withoutDawnNoise(stderr).split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /(^|\s)(\w*Error|FATAL|Fatal|RangeError|Aborted)\b/.test(l));
  return (error ?? lines[lines.length - 1] ?? '').slice(0, 300);
}

export interface TrainingSession {
  readonly runId: string;
  readonly pid: number | undefined;
  /** Resolves once with the result; never rejects. */
  readonly done: Promise<TrainingResult>;
  onStarted(listener: (info: StartedInfo) => void): () => void;
  onProgress(listener: (event: ProgressEvent) => void): () => void;
  onDone(listener: (result: TrainingResult) => void): () => void;
  /** Ends the run after the current batch (status `stopped`); kills the trainer if it does not finish in time. */
  stop(): void;
  /** Ends the trainer at once (status `failed`). */
  kill(): void;
  /** Lets a trainer waiting at one of the job's `checkpoints` go on (stop() ends it there instead). */
  proceed(): void;
}

export interface SupervisorOptions {
  launcher?: TrainerLauncher;
  /** Time for the trainer process to come up and say `ready`. */
  handshakeTimeoutMs?: number;
  /** Time after stop() for the trainer to report before it is killed. */
  stopTimeoutMs?: number;
}

export class TrainingSupervisor {
  private readonly launcher: TrainerLauncher;
  private readonly handshakeTimeoutMs: number;
  private readonly stopTimeoutMs: number;

  constructor(options: SupervisorOptions = {}) {
    this.launcher = options.launcher ?? forkLauncher();
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 30_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 60_000;
  }

  /** Validates the job (throws a ZodError on a bad one, before any process starts) and starts a trainer. */
  start(jobInput: TrainingJobInput): TrainingSession {
    const job: TrainingJob = trainingJobSchema.parse(jobInput);
    const handle = this.launcher.launch();
    const started = new Set<(info: StartedInfo) => void>();
    const progress = new Set<(event: ProgressEvent) => void>();
    const doneListeners = new Set<(result: TrainingResult) => void>();
    let result: TrainingResult | null = null;
    let ready = false;
    let stopTimer: NodeJS.Timeout | undefined;
    let resolveDone!: (r: TrainingResult) => void;
    const done = new Promise<TrainingResult>((resolve) => { resolveDone = resolve; });

    const finish = (r: TrainingResult) => {
      if (result) return;
      result = r;
      clearTimeout(handshakeTimer);
      clearTimeout(stopTimer);
      resolveDone(r);
      for (const l of doneListeners) safely(() => l(r));
    };
    // Epoch events seen so far: a trainer that dies still leaves the user the curves it had drawn.
    const history: Record<string, (number | null)[]> = {};
    let epochsSeen = 0;
    let backend: string | null = null;
    const fail = (message: string, advice?: string) => finish({ ...failedResult(job.runId, job.config.epochs, message, advice), history, epochsCompleted: epochsSeen, backend });

    const handshakeTimer = setTimeout(() => {
      if (ready) return;
      fail(`the trainer process did not start within ${Math.round(this.handshakeTimeoutMs / 1000)} s`, 'the machine may be overloaded; try again');
      handle.kill();
    }, this.handshakeTimeoutMs);

    handle.onMessage((raw) => {
      const parsed = fromTrainerSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        fail(`the trainer sent an invalid message (${issue?.path.join('.') || 'message'}: ${issue?.message})`);
        handle.kill();
        return;
      }
      const message = parsed.data;
      switch (message.type) {
        case 'ready':
          ready = true;
          clearTimeout(handshakeTimer);
          handle.send({ type: 'start', job });
          break;
        case 'started':
          backend = message.backend;
          for (const l of started) safely(() => l(message));
          break;
        case 'progress':
          if (message.event.type === 'epoch') {
            const e = message.event;
            for (const [key, value] of Object.entries({ ...e.logs, lr: e.learningRate })) (history[key] ??= []).push(value);
            epochsSeen = e.epoch + 1;
          }
          for (const l of progress) safely(() => l(message.event));
          break;
        case 'done':
          finish(message.result);
          break;
      }
    });
    handle.onExit(({ reason }) => fail(reason));

    const subscribe = <T>(set: Set<T>, listener: T) => { set.add(listener); return () => { set.delete(listener); }; };
    return {
      runId: job.runId,
      get pid() { return handle.pid; },
      done,
      onStarted: (l) => subscribe(started, l),
      onProgress: (l) => subscribe(progress, l),
      onDone: (l) => {
        if (result) { const r = result; queueMicrotask(() => l(r)); return () => {}; }
        return subscribe(doneListeners, l);
      },
      stop: () => {
        if (result || stopTimer) return;
        handle.send({ type: 'stop' });
        stopTimer = setTimeout(() => {
          fail(`the trainer did not stop within ${Math.round(this.stopTimeoutMs / 1000)} s and was ended`);
          handle.kill();
        }, this.stopTimeoutMs);
      },
      kill: () => {
        fail('the run was cancelled and the trainer process ended');
        handle.kill();
      },
      proceed: () => {
        if (!result) handle.send({ type: 'continue' });
      },
    };
  }
}

/** Starts one run with a default supervisor (fork launcher). */
export function startTraining(job: TrainingJobInput, options: SupervisorOptions = {}): TrainingSession {
  return new TrainingSupervisor(options).start(job);
}

function safely(fn: () => void): void {
  try { fn(); } catch { /* a listener's bug must not take the session down */ }
}

/** The part of Electron's `utilityProcess` module the launcher uses (typed here so main/trainer never imports electron). */
export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'pipe' | 'inherit' | 'ignore'; execArgv?: string[]; env?: NodeJS.ProcessEnv }): UtilityChild;
}

interface UtilityChild {
  readonly pid: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  readonly stdout: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  kill(): boolean;
}

/**
 * Starts trainers as Electron utility processes: pass Electron's `utilityProcess` from the main process.
 * `entry` is the trainer entry as the packaged app ships it (a bundled .js next to main, or entry.ts in development).
 */
export function utilityProcessLauncher(utilityProcess: UtilityProcessModule, options: { entry?: string; execArgv?: string[] } = {}): TrainerLauncher {
  return {
    launch() {
      const child = utilityProcess.fork(options.entry ?? trainerEntry, [], { serviceName: 'Modelwright trainer', stdio: 'pipe', execArgv: options.execArgv });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL); });
      child.stdout?.resume();
      let exited = false;
      const exitListeners: ((info: { code: number | null; signal: string | null; reason: string }) => void)[] = [];
      // Electron reports a killed utility process as an exit code only; there is no signal name.
      child.on('exit', (code) => {
        exited = true;
        setImmediate(() => { for (const l of exitListeners) l({ code, signal: null, reason: describeExit(code, null, stderr) }); });
      });
      return {
        get pid() { return child.pid; },
        send(message) { if (!exited) child.postMessage(message); },
        onMessage(listener) { child.on('message', listener); },
        onExit(listener) { exitListeners.push(listener); },
        kill() { if (!exited) child.kill(); },
      };
    },
  };
}
