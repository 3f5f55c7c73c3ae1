// The WebGPU rung: TF.js's WebGPU backend in this (trainer) process through Dawn's Node binding (the
// optional `webgpu` npm package: Vulkan on Linux, Metal on macOS, D3D12 on Windows). Both packages are
// optional and imported lazily, so a machine without them (or without a GPU driver) only loses this rung.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tf } from '../../app/graph/tfjs/tf.ts';
import { oneLine } from './errorLine.ts';

/** What the GPU adapter says of itself (WebGPU's GPUAdapterInfo), plus whether it is really a CPU. */
export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a software rasteriser (Mesa's lavapipe/llvmpipe, SwiftShader): correct, but it runs on the CPU. */
  software: boolean;
}

export type GpuProbe = { ok: true; adapter: GpuAdapterInfo } | { ok: false; reason: string };

const NO_ADAPTER_ADVICE = 'install a Vulkan driver for your GPU (on Debian 12: `apt-get install -t bookworm-backports mesa-vulkan-drivers`, see docs/engine.md)';

interface Dawn {
  gpu: GPU;
  adapter: GPUAdapter;
  info: GpuAdapterInfo;
}

let dawn: Promise<Dawn> | null = null;

/** Which GPU adapter WebGPU finds here, or one line on why there is none. Never throws. */
export async function probeGpuAdapter(): Promise<GpuProbe> {
  try {
    return { ok: true, adapter: (await openDawn()).info };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Starts TF.js's WebGPU backend on Dawn's adapter and makes it the active backend. Throws one plain line. */
export async function startWebgpu(tf: Tf): Promise<GpuAdapterInfo> {
  const { gpu, info } = await openDawn();
  // tfjs-backend-webgpu registers itself on import only when navigator.gpu exists, and its backend checks it again.
  const nav = (globalThis as { navigator?: object }).navigator;
  if (!nav) (globalThis as { navigator?: object }).navigator = { gpu };
  else if (!('gpu' in nav) || (nav as { gpu?: unknown }).gpu == null) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  let backendModule: typeof import('@tensorflow/tfjs-backend-webgpu');
  try {
    backendModule = await import('@tensorflow/tfjs-backend-webgpu');
  } catch (err) {
    throw new Error(`@tensorflow/tfjs-backend-webgpu is not installed (optional; \`npm install @tensorflow/tfjs-backend-webgpu\`): ${oneLine(err)}`, { cause: err });
  }
  // Its rank-≥3 Transpose fails on integer buffers (an RNN's mask). Imported here: it loads tfjs-core, which
  // the host process (availability.ts probes the adapter through this module) never does.
  const { registerWebgpuKernels } = await import('./webgpuKernels.ts');
  registerWebgpuKernels(backendModule.webgpu_util);
  let ok: boolean;
  try {
    ok = await tf.setBackend('webgpu');
  } catch (err) {
    throw new Error(`the WebGPU backend failed to initialise on ${describeAdapter(info)}: ${oneLine(err)}`, { cause: err });
  }
  if (!ok) throw new Error(`the WebGPU backend failed to initialise on ${describeAdapter(info)}`);
  await tf.ready();
  recordDeviceErrors((tf.backend() as { device?: GPUDevice }).device);
  return info;
}

// WebGPU reports a shader that does not compile, or a command that is invalid, as an "uncaptured error"
// event, not an exception: the kernel's output is silently left unwritten and training goes on with wrong
// numbers. They are recorded here so the training loop can stop the run with the message instead.
const deviceErrors: string[] = [];
const watchedDevices = new WeakSet<GPUDevice>();

function recordDeviceErrors(device: GPUDevice | undefined): void {
  if (!device || watchedDevices.has(device)) return;
  watchedDevices.add(device);
  device.addEventListener('uncapturederror', (event) => {
    const message = (event as GPUUncapturedErrorEvent).error?.message ?? 'unknown WebGPU error';
    if (deviceErrors.length < 20) deviceErrors.push(message);
  });
}

/** The errors the WebGPU device reported since the last call (each as Dawn worded it), and forgets them. */
export function takeWebgpuErrors(): string[] {
  return deviceErrors.splice(0);
}

/** Throws one line when the WebGPU device reported an error since the last check (results computed since are wrong). */
export function throwOnWebgpuErrors(): void {
  const errors = takeWebgpuErrors();
  if (errors.length === 0) return;
  throw new Error(`the WebGPU backend reported ${errors.length === 1 ? 'an error' : `${errors.length} errors`} (results since are wrong; try another backend): ${oneLine(errors[0])}`);
}

/** "llvmpipe (mesa, software: a CPU, not a GPU)" or "NVIDIA GeForce RTX 3060 (nvidia, ampere)". */
export function describeAdapter(info: GpuAdapterInfo): string {
  const name = info.description || info.device || info.vendor || 'unnamed adapter';
  const detail = [info.vendor, info.software ? 'software: a CPU, not a GPU' : info.architecture].filter(Boolean).join(', ');
  return detail ? `${name} (${detail})` : name;
}

async function openDawn(): Promise<Dawn> {
  dawn ??= openDawnOnce();
  return dawn;
}

async function openDawnOnce(): Promise<Dawn> {
  ensureXdgRuntimeDir();
  let mod: typeof import('webgpu');
  try {
    mod = await import('webgpu');
  } catch (err) {
    const message = oneLine(err);
    if (/Cannot find (package|module) 'webgpu'/.test(message)) throw new Error('the webgpu package (Dawn for Node) is not installed (optional: `npm install webgpu`)', { cause: err });
    throw new Error(`Dawn's Node binding did not load on ${process.platform}-${process.arch}: ${message}`, { cause: err });
  }
  // tfjs-backend-webgpu refers to GPUBufferUsage, GPUMapMode... as globals, as in a browser.
  for (const [key, value] of Object.entries(mod.globals)) {
    if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  const gpu = mod.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(`no WebGPU adapter found: ${NO_ADAPTER_ADVICE}`);
  const raw = adapter.info;
  const info: GpuAdapterInfo = {
    vendor: raw.vendor ?? '', architecture: raw.architecture ?? '', device: raw.device ?? '', description: raw.description ?? '',
    software: isSoftware(raw, adapter),
  };
  return { gpu, adapter, info };
}

function isSoftware(raw: GPUAdapterInfo, adapter: GPUAdapter): boolean {
  if ((adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter) return true;
  const text = `${raw.architecture} ${raw.device} ${raw.description}`.toLowerCase();
  return /software|llvmpipe|lavapipe|swiftshader|cpu/.test(text);
}

/** Vulkan loaders and Mesa expect XDG_RUNTIME_DIR; a private folder under the temp dir when the session has none. */
export function ensureXdgRuntimeDir(): void {
  if (process.env.XDG_RUNTIME_DIR) return;
  const dir = join(tmpdir(), `modelwright-runtime-${process.getuid?.() ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  } catch {
    // Not fatal: Dawn works without it on most systems, it only warns.
  }
}
