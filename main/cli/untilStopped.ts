// Long-running commands (serve, serve-model) wait here until Ctrl+C or SIGTERM, then run their own
// shutdown once; a second Ctrl+C during shutdown exits at once.
import type { CliIO } from './command.ts';

/** Resolves with exit code 0 after the first SIGINT/SIGTERM and `stop()`; `doing` says what stop does. */
export function untilStopped(io: CliIO, doing: string, stop: () => Promise<void>): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) {
        io.stderr('Stopping now.\n');
        process.exit(130);
      }
      stopping = true;
      io.stderr(`\n${signal === 'SIGINT' ? 'Ctrl+C' : signal}: ${doing}...\n`);
      void (async () => {
        await stop();
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
        io.stderr('Stopped.\n');
        resolve(0);
      })();
    };
    const onSigint = () => shutdown('SIGINT');
    const onSigterm = () => shutdown('SIGTERM');
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  });
}
