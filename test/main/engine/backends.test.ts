// The backend ladder: what auto picks here (no tfjs-node), how failures are reported, and the polyfill.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import util from 'node:util';
import { BackendUnavailableError, describeBackend, loadBackend, _forTests } from '../../../main/engine/backends.ts';
import { installNodePolyfills } from '../../../main/engine/nodePolyfills.ts';

const tfjsNodeInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('loadBackend', () => {
  it.skipIf(tfjsNodeInstalled)('auto falls back to wasm when tfjs-node is not installed, and says why in one line', async () => {
    const loaded = await loadBackend('auto');
    expect(loaded.backend).toBe('wasm');
    expect(loaded.tf.getBackend()).toBe('wasm');
    expect(loaded.tried.map((t) => [t.backend, t.ok])).toEqual([['tensorflow', false], ['wasm', true]]);
    expect(loaded.tried[0].reason).toMatch(/not installed/);
    expect(loaded.tried[0].reason).not.toContain('\n');
    expect(describeBackend(loaded)).toMatch(/^wasm \(tensorflow: @tensorflow\/tfjs-node is not installed/);
  });

  it.skipIf(tfjsNodeInstalled)('an explicit request for an unavailable backend is a clear error, not a crash', async () => {
    const err = await loadBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/^The tensorflow backend is not available: @tensorflow\/tfjs-node is not installed.*Choose another backend \(webgpu, wasm, cpu\) or auto\.$/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('reports a missing native library (libtensorflow) as a one-line reason and moves on', async () => {
    const loaded = await loadBackend('auto', {
      requireTfjsNode: () => {
        throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory\n    at Module._extensions..node');
      },
    });
    expect(loaded.backend).toBe('wasm');
    expect(loaded.tried[0]).toEqual({
      backend: 'tensorflow',
      ok: false,
      reason: '@tensorflow/tfjs-node is installed but its native TensorFlow library did not load (libtensorflow.so.2: cannot open shared object file: No such file or directory)',
    });
  });

  it('refuses a tfjs-node whose tensorflow backend does not start', async () => {
    const tf = await import('@tensorflow/tfjs');
    const err = await loadBackend('tensorflow', { requireTfjsNode: () => tf }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/tensorflow backend failed to initialise/);
  });

  it('wasm runs the SIMD binary shipped inside the npm package', async () => {
    const loaded = await loadBackend('wasm');
    expect(loaded.tried).toEqual([{ backend: 'wasm', ok: true }]);
    expect(loaded.tf.env().getBool('WASM_HAS_SIMD_SUPPORT')).toBe(true);
    expect(existsSync(_forTests.wasmBinary('tfjs-backend-wasm-simd.wasm'))).toBe(true);
    const sum = loaded.tf.tensor([1, 2, 3]).sum();
    expect(await sum.data()).toEqual(new Float32Array([6]));
  });

  it('cpu can be chosen explicitly and becomes the active backend', async () => {
    const loaded = await loadBackend('cpu');
    expect(loaded.backend).toBe('cpu');
    expect(loaded.tf.getBackend()).toBe('cpu');
  });

  it('rejects an unknown backend name with the valid choices', async () => {
    await expect(loadBackend('gpu' as never)).rejects.toThrow('Unknown backend "gpu": use auto, tensorflow, webgpu, wasm, cpu.');
  });

  it('makes comparison ops differentiable so ThresholdedReLU can train', async () => {
    const { tf } = await loadBackend('cpu');
    const g = tf.grad((x: import('@tensorflow/tfjs').Tensor) => tf.greater(x, 0.5).cast('float32').mul(x).sum());
    expect(Array.from(await g(tf.tensor([0.2, 1, 3])).data())).toEqual([0, 1, 1]);
  });
});

describe('explaining tfjs-node failures', () => {
  it('tells apart a missing package, a missing native library and anything else', () => {
    const missing = Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node'\nRequire stack:\n- x"), { code: 'MODULE_NOT_FOUND' });
    expect(_forTests.explainTfjsNodeFailure(missing)).toMatch(/^@tensorflow\/tfjs-node is not installed/);
    expect(_forTests.explainTfjsNodeFailure(new Error('The specified module could not be found.\r\n\\?\\C:\\x\\tfjs_binding.node'))).toMatch(/native TensorFlow library did not load/);
    expect(_forTests.explainTfjsNodeFailure(new Error('boom'))).toBe('@tensorflow/tfjs-node failed to load (boom)');
  });
});

describe('installNodePolyfills', () => {
  it('restores util.isNullOrUndefined where Node removed it, for CommonJS callers too', () => {
    const legacy = util as unknown as { isNullOrUndefined?: (v: unknown) => boolean };
    const original = legacy.isNullOrUndefined;
    try {
      delete legacy.isNullOrUndefined;
      expect(installNodePolyfills()).toEqual(['util.isNullOrUndefined']);
      const cjsUtil = createRequire(import.meta.url)('util') as typeof legacy;
      expect(cjsUtil.isNullOrUndefined?.(null)).toBe(true);
      expect(cjsUtil.isNullOrUndefined?.(undefined)).toBe(true);
      expect(cjsUtil.isNullOrUndefined?.(0)).toBe(false);
      expect(installNodePolyfills()).toEqual([]);
    } finally {
      legacy.isNullOrUndefined = original;
    }
  });
});
