// The child process of probeGpuAdapterQuietly (./gpuProbe.ts): asks Dawn for the GPU adapter and answers.
import { serveQuietChild } from './quietChild.ts';
import { probeGpuAdapter } from './webgpu.ts';

serveQuietChild(() => probeGpuAdapter());
