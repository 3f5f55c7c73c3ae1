// `--threads N` of train, sweep and bench: the cores a run computes with, from 1 to this computer's.
import { UsageError } from './command.ts';
import { machineCores } from '../engine/cores.ts';

/** The flag's value, or undefined when not given; anything but a whole number from 1 to the cores is a UsageError. */
export function threadsFlag(value: string | undefined, cores = machineCores()): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > cores) {
    throw new UsageError(`--threads needs a whole number from 1 to ${cores} (the cores of this computer), got "${value}"`);
  }
  return n;
}
