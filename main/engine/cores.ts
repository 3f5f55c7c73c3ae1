// How many cores a training run computes with: the machine's count, each front end's default (the studio
// leaves one core to the window and the rest of the computer, the CLI takes them all), the clamp of a
// setting made on a bigger machine, and a sweep's share per parallel trial. See docs/training.md#cores.
import { machineCores } from './wasmThreads.ts';

export { machineCores };

/** The studio's default: all cores but one, so the window and other programs stay responsive. */
export function studioDefaultThreads(cores = machineCores()): number {
  return Math.max(1, cores - 1);
}

/** The CLI's default: every core. */
export function cliDefaultThreads(cores = machineCores()): number {
  return cores;
}

/**
 * The cores a run may really use: the setting, at most the machine's cores (a project saved on a bigger
 * machine still trains, and says so).
 */
export function usableThreads(requested: number, cores = machineCores()): { threads: number; warning?: string } {
  const wanted = Math.max(1, Math.floor(requested));
  if (wanted <= cores) return { threads: wanted };
  return { threads: cores, warning: `the settings ask for ${wanted} cores; this computer has ${cores}, so the run uses ${cores}` };
}

/**
 * Cores per trial when `parallel` trials share `total` cores: an equal share, at least one. Parallel trainer
 * processes already keep the cores busy, so a sweep never asks for more threads than its share — with
 * more trials than cores each trial runs on one thread rather than oversubscribing the machine.
 */
export function threadsPerTrial(total: number, parallel: number): number {
  return Math.max(1, Math.floor(Math.max(1, total) / Math.max(1, parallel)));
}
