// The GPU adapter probe for processes whose output a user reads (`modelwright serve`'s Settings, the CLI):
// Dawn prints "Warning: max…PerPipelineLayout artificially reduced…" natively whenever it opens an adapter,
// so the probe runs in a child process whose output is filtered (./quietChild.ts). The trainer, whose
// stderr the supervisor already reads, probes in-process (./webgpu.ts).
import { fileURLToPath } from 'node:url';
import { runQuietChild } from './quietChild.ts';
import type { GpuProbe } from './webgpu.ts';

export const gpuProbeEntry = fileURLToPath(new URL('./gpuProbeEntry.ts', import.meta.url));

/** Dawn takes about a second to enumerate adapters on lavapipe; a driver that hangs must not hang Settings. */
const PROBE_TIMEOUT_MS = 30_000;

let cached: Promise<GpuProbe> | null = null;

/** probeGpuAdapter in a child process (once per process: the adapter does not change while it runs). Never throws. */
export function probeGpuAdapterQuietly(options: { entry?: string; forward?: (text: string) => void } = {}): Promise<GpuProbe> {
  cached ??= runQuietChild<GpuProbe>(options.entry ?? gpuProbeEntry, { type: 'probe' }, { forward: options.forward, timeoutMs: PROBE_TIMEOUT_MS })
    .catch((err: unknown) => ({ ok: false as const, reason: `the GPU probe failed: ${(err as Error).message}` }));
  return cached;
}
