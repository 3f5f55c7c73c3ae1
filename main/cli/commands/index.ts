// The registry of CLI commands: one module per command, listed here in the order `help` shows them.
import type { CliCommand } from '../command.ts';
import { newCommand } from './new.ts';
import { templatesCommand } from './templates.ts';
import { validateCommand } from './validate.ts';

export const commands: CliCommand[] = [validateCommand, templatesCommand, newCommand];
