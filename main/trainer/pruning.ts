// Magnitude pruning inside a training run (issue 15): after every optimizer step the pruned weights of
// each Dense and convolution kernel are set back to exactly zero, and while the schedule rises
// (app/training/pruning.ts) the masks are recomputed from the weights' magnitudes. The fit loop calls
// `afterStep` (main/trainer/fitLoop.ts, hook `afterStep`); the run calls `finish` before it is tested
// and saved, so the saved kernels are at least the target sparsity whatever ended the training.
import type * as tfTypes from '@tensorflow/tfjs';
import { isMaskUpdateStep, prunableLayerClasses, prunedCount, scheduledSparsity, type PrunedLayer, type PruneSpec } from '../../app/training/pruning.ts';
import type { Tf } from './runtime.ts';

type Tensor = tfTypes.Tensor;

interface Target {
  layer: string;
  className: string;
  variable: tfTypes.LayerVariable;
  size: number;
  mask: Tensor | null;
  /** Zeros the current mask keeps. */
  zeros: number;
}

/** The kernels pruning applies to: every Dense / convolution layer's `kernel` (never biases). */
function targetsOf(model: tfTypes.LayersModel): Target[] {
  const out: Target[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (!prunableLayerClasses.includes(className)) continue;
    const kernel = layer.trainableWeights.find((w) => w.originalName.endsWith('/kernel') || w.originalName === 'kernel');
    if (!kernel) continue;
    out.push({ layer: layer.name, className, variable: kernel, size: kernel.shape.reduce((a: number, b) => a * (b ?? 1), 1), mask: null, zeros: 0 });
  }
  return out;
}

/** Indices 0…n-1 sorted by |values[i]| ascending (ties by index, so masks repeat run to run). */
function byMagnitude(values: Float32Array): Uint32Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const abs = values.map(Math.abs);
  return order.sort((a, b) => abs[a] - abs[b] || a - b);
}

export class Pruner {
  private readonly tf: Tf;
  private readonly spec: PruneSpec;
  private readonly totalSteps: number;
  private readonly targets: Target[];
  private step = 0;

  constructor(tf: Tf, model: tfTypes.LayersModel, spec: PruneSpec, totalSteps: number) {
    this.tf = tf;
    this.spec = spec;
    this.totalSteps = totalSteps;
    this.targets = targetsOf(model);
  }

  /** Names of the layers whose kernels are pruned. */
  get layers(): string[] {
    return this.targets.map((t) => t.layer);
  }

  /** After one optimizer step: new masks when the schedule says so, then every mask applied. */
  async afterStep(): Promise<void> {
    const step = this.step++;
    if (isMaskUpdateStep(this.spec, step, this.totalSteps)) await this.updateMasks(scheduledSparsity(this.spec, step, this.totalSteps));
    this.applyMasks();
  }

  /** The target sparsity applied once more (a run stopped early, weights restored by early stopping), and what each kernel holds. */
  async finish(): Promise<PrunedLayer[]> {
    await this.updateMasks(this.spec.sparsity);
    this.applyMasks();
    const out: PrunedLayer[] = [];
    for (const t of this.targets) {
      const values = await t.variable.read().data();
      let zeros = 0;
      for (const v of values) if (v === 0) zeros++;
      out.push({ layer: t.layer, className: t.className, weights: t.size, zeros });
    }
    return out;
  }

  dispose(): void {
    for (const t of this.targets) t.mask?.dispose();
  }

  /**
   * Masks that zero the `sparsity` share of each kernel's smallest weights (already-zero weights are the smallest, so they stay pruned).
   * Reads are asynchronous: the WebGPU backend cannot read a tensor synchronously.
   */
  private async updateMasks(sparsity: number): Promise<void> {
    const { tf } = this;
    for (const t of this.targets) {
      const zeros = prunedCount(t.size, sparsity);
      if (t.mask && zeros <= t.zeros) continue;
      const order = byMagnitude(await t.variable.read().data() as Float32Array);
      const mask = new Uint8Array(t.size).fill(1);
      for (let i = 0; i < zeros; i++) mask[order[i]] = 0;
      t.mask?.dispose();
      t.mask = tf.keep(tf.tensor(mask, t.variable.shape as number[], 'bool'));
      t.zeros = zeros;
    }
  }

  private applyMasks(): void {
    const { tf } = this;
    for (const t of this.targets) {
      if (!t.mask || t.zeros === 0) continue;
      const mask = t.mask;
      // `where`, not a product: a negative weight times 0 is -0, whose bytes are not the zeros a file reader counts.
      tf.tidy(() => {
        const value = t.variable.read();
        t.variable.write(tf.where(mask, value, tf.zerosLike(value)));
      });
    }
  }
}
