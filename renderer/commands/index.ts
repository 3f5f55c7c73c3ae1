// The application's command registry, bound to the application's project store. Panels register their
// own commands on it (`commands.register({...})`) and run any command with `commands.execute(id, args)`.
import { projectStore } from '../state/projectStore.ts';
import { createAppCommands } from './appCommands.ts';

export const commands = createAppCommands(projectStore);
export type { CommandSpec, CommandOutcome, CommandContext } from './registry.ts';
export type { CommandArgs, CommandId } from './commandArgs.ts';
