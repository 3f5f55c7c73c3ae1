// The WebGPU rung: it starts on whatever adapter Dawn finds (lavapipe in CI), trains a model, says what
// the adapter is, and a machine without a driver gets one plain line saying what to install.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadBackend } from '../../../main/engine/backends.ts';
import { describeAdapter, probeGpuAdapter, takeWebgpuErrors, throwOnWebgpuErrors } from '../../../main/engine/webgpu.ts';
import { studioCallbacks, studioFitOptions } from '../../../main/trainer/fitLoop.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';

const probe = await probeGpuAdapter();
if (!probe.ok) console.log(`webgpuBackend.test: skipping the WebGPU training tests: ${probe.reason}`);

describe.skipIf(!probe.ok)('webgpu backend (on the adapter Dawn finds)', () => {
  it('starts, becomes the active backend and trains an MLP (loss falls)', async () => {
    const { tf, backend, tried } = await loadBackend('webgpu');
    expect(backend).toBe('webgpu');
    expect(tried).toEqual([{ backend: 'webgpu', ok: true }]);
    expect(tf.getBackend()).toBe('webgpu');
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    const x = tf.randomNormal([64, 8], 0, 1, 'float32', 1);
    const labels = tf.argMax(x.slice([0, 0], [64, 3]), 1);
    const y = tf.oneHot(labels, 3);
    const history = await model.fit(x, y, { epochs: 15, batchSize: 32, verbose: 0 });
    const loss = history.history.loss as number[];
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.7);
    expect(tf.getBackend()).toBe('webgpu');
  });

  it('an invalid shader, which WebGPU does not throw for, is recorded and thrown as one line', async () => {
    const { tf } = await loadBackend('webgpu');
    takeWebgpuErrors();
    expect(() => throwOnWebgpuErrors()).not.toThrow();
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    device.createShaderModule({ code: 'fn main( { not wgsl' });
    await device.queue.onSubmittedWorkDone();
    await new Promise((resolve) => setTimeout(resolve, 50));
    let message = '';
    try {
      throwOnWebgpuErrors();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^the WebGPU backend reported an error \(results since are wrong; try another backend\): Error while parsing WGSL/);
    expect(message).not.toContain('\n');
    expect(() => throwOnWebgpuErrors()).not.toThrow();
  });

  it('the studio training loop stops a webgpu run on a WebGPU error instead of training on with wrong numbers', async () => {
    const { tf } = await loadBackend('webgpu');
    takeWebgpuErrors();
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const x = tf.randomNormal([64, 4], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.argMax(x.slice([0, 0], [64, 2]), 1), 2);
    const config = makeTrainingConfig({ batchSize: 16 });
    let steps = 0;
    const loop = studioCallbacks({
      tf, model, optimizer: model.optimizer, config, epochs: 3, batchSize: 16, nTrain: 64, backend: 'webgpu',
      // What a kernel with an invalid shader does on webgpu: an error event, no exception.
      hooks: { afterStep: () => { if (++steps === 2) device.createShaderModule({ code: 'fn main( { not wgsl' }); } },
    });
    try {
      await expect(model.fit(x, y, { ...studioFitOptions(config), epochs: 3, batchSize: 16, callbacks: loop.callbacks }))
        .rejects.toThrow(/^the WebGPU backend reported an error \(results since are wrong; try another backend\): Error while parsing WGSL/);
      expect(steps).toBeLessThan(12);
    } finally {
      loop.dispose();
      tf.dispose([x, y]);
      model.dispose();
    }
  });

  it('names the adapter, and says plainly when it is a CPU (lavapipe/llvmpipe)', () => {
    if (!probe.ok) return;
    const text = describeAdapter(probe.adapter);
    expect(text.length).toBeGreaterThan(0);
    if (/llvmpipe|lavapipe/i.test(`${probe.adapter.description} ${probe.adapter.device}`)) {
      expect(probe.adapter.software).toBe(true);
      expect(text).toMatch(/llvmpipe.*software: a CPU, not a GPU/);
    }
  });
});

describe.runIf(process.platform === 'linux')('webgpu without a GPU driver', () => {
  it('an explicit --backend webgpu is one line saying what to install', () => {
    const backends = fileURLToPath(new URL('../../../main/engine/backends.ts', import.meta.url));
    const script = `import { loadBackend } from ${JSON.stringify(backends)};
      try { await loadBackend('webgpu'); console.log('STARTED'); } catch (e) { console.log('ERROR ' + e.message); }`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      // An ICD list naming no driver: the Vulkan loader finds no device, as on a machine without one.
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' },
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    });
    const line = out.split('\n').find((l) => l.startsWith('ERROR ')) ?? out;
    expect(line).toMatch(/^ERROR The webgpu backend is not available: (no WebGPU adapter found: install a Vulkan driver|the webgpu package)/);
    expect(line).toMatch(/Choose another backend \(tensorflow, wasm, cpu\) or auto\.$/);
  });
});
