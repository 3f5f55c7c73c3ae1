// Trainers under Electron: each run in its own utilityProcess (a Node child that Electron manages), so
// tfjs's synchronous ops never block the window, and a crashed trainer only fails its run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { utilityProcessLauncher, type TrainerLauncher, type UtilityProcessModule } from '../trainer/supervisor.ts';

/** File name of the bundled trainer entry beside the bundled main (see build.ts). */
export const trainerBundleName = 'trainer.mjs';

/** The trainer entry the app ships: dist/electron/trainer.mjs next to main.mjs (unpacked from the asar when packaged). */
export function bundledTrainerPath(bundleDir: string): string {
  // Electron runs utility processes from a real file: inside a package, use the asar-unpacked copy.
  const direct = join(bundleDir, trainerBundleName);
  const unpacked = direct.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
  return unpacked !== direct && existsSync(unpacked) ? unpacked : direct;
}

/**
 * A TrainerLauncher for the TrainingSupervisor: pass Electron's `utilityProcess`. The supervisor marks
 * the run failed (with the epochs seen so far) when the process exits without a result.
 */
export function electronTrainerLauncher(utilityProcess: UtilityProcessModule, bundleDir: string): TrainerLauncher {
  return utilityProcessLauncher(utilityProcess, { entry: bundledTrainerPath(bundleDir) });
}
