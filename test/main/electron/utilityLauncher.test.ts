// Trainers in Electron utility processes: a trainer that dies fails only its run (with the reason and the
// epochs seen) and the next run works; the esbuild-bundled trainer entry really trains.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron, repoRoot } from '../../../main/electron/build.ts';
import { bundledTrainerPath, electronTrainerLauncher } from '../../../main/electron/utilityLauncher.ts';
import { TrainingSupervisor, type UtilityProcessModule } from '../../../main/trainer/supervisor.ts';
import { blobsJob } from '../trainer/fixtures.ts';

/** A utilityProcess whose child says ready, then crashes like a native abort once it is given a job. */
function crashingUtility(forked: string[]): UtilityProcessModule {
  return {
    fork(modulePath) {
      forked.push(modulePath);
      const events = new EventEmitter();
      const stderr = new PassThrough();
      let exited = false;
      setTimeout(() => events.emit('message', { type: 'ready', pid: 4242 }), 5);
      return {
        pid: 4242,
        stderr,
        stdout: new PassThrough(),
        postMessage(message: unknown) {
          if ((message as { type?: string }).type !== 'start' || exited) return;
          stderr.write('Starting training...\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n');
          setTimeout(() => { exited = true; events.emit('exit', 134); }, 5);
        },
        on(event: string, listener: (arg: never) => void) { events.on(event, listener as (arg: unknown) => void); },
        kill() { return true; },
      } as never;
    },
  };
}

/** A utilityProcess stand-in backed by a real child process running the given entry (postMessage → IPC). */
function forkingUtility(): UtilityProcessModule {
  return {
    fork(modulePath) {
      const child = fork(modulePath, [], { execArgv: [], serialization: 'advanced', silent: true });
      return {
        get pid() { return child.pid; },
        stderr: child.stderr,
        stdout: child.stdout,
        postMessage: (m: unknown) => { child.send(m as never); },
        on: (event: string, listener: (arg: never) => void) => { child.on(event === 'exit' ? 'exit' : 'message', (a: unknown) => (listener as (x: unknown) => void)(a)); },
        kill: () => child.kill('SIGKILL'),
      } as never;
    },
  };
}

describe('utility-process trainer launcher', () => {
  let bundleDir: string;
  beforeAll(async () => {
    // Inside the checkout, as dist/electron is, so the bundle's packages resolve from node_modules.
    bundleDir = join(repoRoot, 'dist', `electron-test-${process.pid}`);
    await buildElectron({ outDir: bundleDir });
  });
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

  it('forks the bundled trainer and marks the run failed when the process dies, with the reason', async () => {
    const forked: string[] = [];
    const supervisor = new TrainingSupervisor({ launcher: electronTrainerLauncher(crashingUtility(forked), '/opt/Modelwright/resources/app.asar/dist/electron') });
    const result = await supervisor.start(blobsJob({ config: { epochs: 3 } })).done;
    expect(forked).toEqual(['/opt/Modelwright/resources/app.asar/dist/electron/trainer.mjs']);
    expect(result.status).toBe('failed');
    expect(result.message).toBe('the trainer process exited with code 134 before reporting a result: FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
  });

  it('uses an asar-unpacked trainer when the package has one, else the one beside main', () => {
    const app = mkdtempSync(join(tmpdir(), 'mw-packaged-'));
    try {
      const packed = join(app, 'resources', 'app.asar', 'dist', 'electron');
      const unpacked = join(app, 'resources', 'app.asar.unpacked', 'dist', 'electron');
      expect(bundledTrainerPath(packed)).toBe(join(packed, 'trainer.mjs'));
      mkdirSync(unpacked, { recursive: true });
      writeFileSync(join(unpacked, 'trainer.mjs'), '');
      expect(bundledTrainerPath(packed)).toBe(join(unpacked, 'trainer.mjs'));
      expect(bundledTrainerPath(bundleDir)).toBe(join(bundleDir, 'trainer.mjs'));
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it('the bundled trainer trains; killed mid-run it fails with the epochs seen, and the next run still works', async () => {
    const supervisor = new TrainingSupervisor({ launcher: electronTrainerLauncher(forkingUtility(), bundleDir) });
    const ok = await supervisor.start(blobsJob({ config: { epochs: 2 } })).done;
    expect(ok.status, ok.message).toBe('completed');
    expect(ok.history.loss).toHaveLength(2);

    const doomed = supervisor.start(blobsJob({ config: { epochs: 5000 } }));
    doomed.onProgress((e) => { if (e.type === 'epoch' && e.epoch === 1 && doomed.pid) process.kill(doomed.pid, 'SIGKILL'); });
    const failed = await doomed.done;
    expect(failed.status).toBe('failed');
    expect(failed.message).toMatch(/^the trainer process exited with code (null|\d+) before reporting a result/);
    expect(failed.epochsCompleted).toBeGreaterThanOrEqual(2);
    expect(failed.history.loss).toHaveLength(failed.epochsCompleted);

    const again = await supervisor.start(blobsJob({ config: { epochs: 1 } })).done;
    expect(again.status, again.message).toBe('completed');
  });
});
