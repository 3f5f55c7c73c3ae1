// What the engine can use on this machine, for the studio's settings: each backend with whether it can
// start (cheaply: packages present, a GPU adapter found — nothing is loaded into TF.js), the GPU adapter,
// and the cores a run may use.
import { createRequire } from 'node:module';
import type { EngineBackends } from '../../app/api/types.ts';
import { BACKEND_LADDER, type BackendName } from './backends.ts';
import { describeAdapter, type GpuProbe } from './webgpu.ts';
import { probeGpuAdapterQuietly } from './gpuProbe.ts';
import { machineCores, studioDefaultThreads } from './cores.ts';

const require = createRequire(import.meta.url);

function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * Backends and the GPU adapter as the studio shows them; never throws. The adapter is probed in a child
 * process by default (Dawn's native warnings stay out of `modelwright serve`'s terminal, ./gpuProbe.ts).
 */
export async function engineBackends(probeGpu: () => Promise<GpuProbe> = probeGpuAdapterQuietly): Promise<EngineBackends> {
  const probe = await probeGpu();
  const gpuPackage = installed('@tensorflow/tfjs-backend-webgpu');
  const check: Record<BackendName, () => { available: boolean; reason?: string }> = {
    tensorflow: () => (installed('@tensorflow/tfjs-node')
      ? { available: true, reason: 'installed; whether its native library loads is checked when a run starts' }
      : { available: false, reason: 'native TensorFlow (@tensorflow/tfjs-node) is not installed' }),
    webgpu: () => {
      if (!probe.ok) return { available: false, reason: probe.reason };
      if (!gpuPackage) return { available: false, reason: '@tensorflow/tfjs-backend-webgpu is not installed' };
      return probe.adapter.software
        ? { available: true, reason: `runs on ${describeAdapter(probe.adapter)}: correct but slower than WebAssembly, so auto does not pick it` }
        : { available: true, reason: `runs on ${describeAdapter(probe.adapter)}` };
    },
    wasm: () => (installed('@tensorflow/tfjs-backend-wasm') ? { available: true } : { available: false, reason: '@tensorflow/tfjs-backend-wasm is not installed' }),
    cpu: () => ({ available: true }),
  };
  return {
    backends: BACKEND_LADDER.map((backend) => ({ backend, ...check[backend]() })),
    cores: { count: machineCores(), studioDefault: studioDefaultThreads() },
    gpu: probe.ok
      ? { found: true, ...probe.adapter, summary: describeAdapter(probe.adapter) }
      : { found: false, summary: probe.reason },
  };
}
