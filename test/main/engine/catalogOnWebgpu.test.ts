// Every layer type of the catalog trains on the WebGPU backend (lavapipe in CI): the same small models as
// catalogOnWasm. Each gets the same loss and gradients on webgpu as on the cpu backend from identical
// weights (so every gradient kernel webgpu runs is checked against cpu), then a few Adam steps with finite
// losses and every trainable weight changed.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../../main/engine/backends.ts';
import { probeGpuAdapter } from '../../../main/engine/webgpu.ts';
import { CASES, caseLossAndGradients, caseWeights, trainCase } from './catalogCases.ts';
import { relativeMaxDiff } from './parityHelpers.ts';

const probe = await probeGpuAdapter();
if (!probe.ok) console.log(`catalogOnWebgpu.test: skipping, no WebGPU here: ${probe.reason}`);

describe.skipIf(!probe.ok)('every catalog layer trains on webgpu', () => {
  beforeAll(async () => {
    await loadBackend('webgpu');
  });

  it.each(CASES)('$type: loss and gradients match the cpu backend', async (c) => {
    await tf.setBackend('cpu');
    const weights = await caseWeights(c);
    const cpu = await caseLossAndGradients(c, 'cpu', weights);
    const gpu = await caseLossAndGradients(c, 'webgpu', weights);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThan(1e-4 * Math.max(1, cpu.loss));
    expect(gpu.grads.length).toBe(cpu.grads.length);
    for (let i = 0; i < cpu.grads.length; i++) expect(relativeMaxDiff(gpu.grads[i], cpu.grads[i]), `gradient ${i}`).toBeLessThan(1e-3);
  });

  it.each(CASES)('$type: trains', async (c) => {
    await tf.setBackend('webgpu');
    await trainCase(c);
  });
});
