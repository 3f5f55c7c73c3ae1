// Training checkpoints: the last and the best epoch's weights, saved into `<model folder>/checkpoint/` at
// the end of every epoch, so a killed trainer or host leaves weights to resume from. Each is overwritten in
// place (bounded cost: two model-sized folders at most) and swapped in by rename, so a kill mid-save leaves
// the previous checkpoint whole.
import { cp, mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { folderSaveHandler } from './modelFiles.ts';

type Tf = import('../engine/backends.ts').Tf;

export const CHECKPOINT_DIR = 'checkpoint';
export const CHECKPOINT_STATE = 'checkpoint.json';

/** What a checkpoint folder records beside its model.json and weights. */
export interface CheckpointState {
  format: 'modelwright-checkpoint';
  version: 1;
  /** 0-based index of the last epoch these weights finished. */
  epoch: number;
  /** The learning rate at that point (a plateau schedule may have lowered it). */
  learningRate: number;
  /** The metric the best checkpoint is chosen by, and its value at this epoch. */
  monitor: string;
  value: number | null;
}

export function checkpointPath(modelDir: string, which: 'last' | 'best'): string {
  return join(modelDir, CHECKPOINT_DIR, which);
}

/** Replaces `target` by `staged` with renames: at every moment one whole folder is at `target` or at `target.old`. */
async function swapIn(staged: string, target: string): Promise<void> {
  const old = `${target}.old`;
  await rm(old, { recursive: true, force: true });
  await rename(target, old).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
  await rename(staged, target);
  await rm(old, { recursive: true, force: true });
}

/** Saves checkpoints of one run; `monitor` chooses the best (lower is better unless it measures accuracy or AUC). */
export class CheckpointWriter {
  private best: number | null = null;
  private readonly higherIsBetter: boolean;
  private readonly tf: Tf;
  private readonly modelDir: string;
  private readonly monitor: string;

  constructor(tf: Tf, modelDir: string, monitor: string) {
    this.tf = tf;
    this.modelDir = modelDir;
    this.monitor = monitor;
    this.higherIsBetter = /acc|auc|precision|recall|f1|r2/i.test(monitor);
  }

  /** Saves `last`, and `best` when the monitored value improved (falls back to `loss` when the monitor is absent). */
  async save(model: tfTypes.LayersModel, epoch: number, logs: Record<string, number | null>, learningRate: number): Promise<void> {
    const monitor = this.monitor in logs ? this.monitor : 'loss';
    const value = logs[monitor] ?? null;
    const state: CheckpointState = { format: 'modelwright-checkpoint', version: 1, epoch, learningRate, monitor, value };
    const root = join(this.modelDir, CHECKPOINT_DIR);
    try {
      await this.write(root, model, state, value);
    } catch (err) {
      // A full disk: no half-written folder stays behind, and no empty checkpoint folder when there was none.
      await rm(join(root, 'last.tmp'), { recursive: true, force: true }).catch(() => undefined);
      await rm(join(root, 'best.tmp'), { recursive: true, force: true }).catch(() => undefined);
      await rmdir(root).catch(() => undefined);
      throw err;
    }
  }

  private async write(root: string, model: tfTypes.LayersModel, state: CheckpointState, value: number | null): Promise<void> {
    await mkdir(root, { recursive: true });
    const staged = join(root, 'last.tmp');
    await rm(staged, { recursive: true, force: true });
    await model.save(folderSaveHandler(this.tf, staged));
    await writeFile(join(staged, CHECKPOINT_STATE), JSON.stringify(state));
    const improved = value !== null && (this.best === null || (this.higherIsBetter ? value > this.best : value < this.best));
    if (improved) {
      this.best = value;
      const bestStaged = join(root, 'best.tmp');
      await rm(bestStaged, { recursive: true, force: true });
      await cp(staged, bestStaged, { recursive: true });
      await swapIn(bestStaged, join(root, 'best'));
    }
    await swapIn(staged, join(root, 'last'));
  }
}

/** The state of a checkpoint folder, or null when there is none (or it is not whole). */
export async function readCheckpointState(dir: string): Promise<CheckpointState | null> {
  try {
    const state = JSON.parse(await readFile(join(dir, CHECKPOINT_STATE), 'utf8')) as CheckpointState;
    return state?.format === 'modelwright-checkpoint' && Number.isInteger(state.epoch) ? state : null;
  } catch {
    return null;
  }
}

/** The newest whole checkpoint of a model folder: `last`, or `last.old` when a kill came mid-swap. */
export async function lastCheckpoint(modelDir: string): Promise<{ dir: string; state: CheckpointState } | null> {
  for (const dir of [checkpointPath(modelDir, 'last'), `${checkpointPath(modelDir, 'last')}.old`]) {
    const state = await readCheckpointState(dir);
    if (state) return { dir, state };
  }
  return null;
}

/** Removes a run's checkpoints (once its model is saved, they are not needed). */
export async function removeCheckpoints(modelDir: string): Promise<void> {
  await rm(join(modelDir, CHECKPOINT_DIR), { recursive: true, force: true });
}
