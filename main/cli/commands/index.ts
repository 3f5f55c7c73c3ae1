// The registry of CLI commands: one module per command, listed here in the order `help` shows them.
import type { CliCommand } from '../command.ts';

export const commands: CliCommand[] = [];
