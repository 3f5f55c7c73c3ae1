#!/usr/bin/env node
// The `modelwright` command line: dispatches to one module per command; every failure ends in one
// line on stderr and a non-zero exit code, never a stack trace (MODELWRIGHT_DEBUG=1 shows it).
import { CliError, type CliIO } from './command.ts';
import { commands } from './commands/index.ts';
import { followParent, needsDawnFilter, runDawnFiltered } from './dawnFiltered.ts';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: modelwright <command> [options]',
    '',
    'Commands:',
    ...lines,
    `  ${'help'.padEnd(width)}  Show help for a command: modelwright help <command>`,
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout(helpText());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { version } = await import('../../package.json', { with: { type: 'json' } }).then((m) => m.default);
    io.stdout(`${version}\n`);
    return 0;
  }
  if (name === 'help') {
    const target = commands.find((c) => c.name === rest[0]);
    io.stdout(target ? `${target.usage}\n` : helpText());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`modelwright: unknown command "${name}". Run "modelwright help" to see the commands.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      const hint = err.name === 'UsageError' ? ` (see "modelwright help ${name}")` : '';
      io.stderr(`modelwright ${name}: ${err.message}${hint}\n`);
      return err.exitCode;
    }
    if (process.env.MODELWRIGHT_DEBUG) io.stderr(`${(err as Error)?.stack ?? err}\n`);
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`modelwright ${name}: unexpected error: ${message.split('\n')[0]}\n`);
    return 70;
  }
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry || process.env.MODELWRIGHT_CLI_ENTRY === '1') {
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
  };
  const argv = process.argv.slice(2);
  followParent();
  // predict, serve-model, export on webgpu: run as a child whose stderr is filtered of Dawn's native warnings.
  (needsDawnFilter(argv) ? runDawnFiltered(argv) : main(argv, io)).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`modelwright: ${(err as Error).message}\n`); process.exitCode = 70; },
  );
}
