// Registers Modelwright's additions to the tfjs wasm backend: the gradient kernels it lacks (so every
// layer type trains on wasm) and the faster matmul. Idempotent; call before or after the backend starts.
import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './conv2DBackpropFilter.ts';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwiseConv2dNativeBackpropFilter.ts';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwiseConv2dNativeBackpropInput.ts';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum.ts';
import { conv2dBiasReluConfig, reluBiasGradConfig } from './convBiasRelu.ts';
import { adamStepConfig } from './adam.ts';
import { BATCH_MAT_MUL, FUSED_MAT_MUL, withMaterialisedTransposes, withPlannedMatMul } from './batchMatMul.ts';
import { CONV2D_BACKPROP_INPUT, replaceConv2DBackpropInput } from './conv2DBackpropInput.ts';
import { MAX_POOL_GRAD, withHeapMaxPoolGrad } from './maxPoolGrad.ts';
import { CAST, GATHER_V2, IDENTITY, withRowGather, withSharedIdentity, withSharedSameTypeCast } from './copyKernels.ts';
import { SUM, withPooledLeadingSum } from './sumLeadingAxes.ts';
import { TILE, withBlockTile } from './tile.ts';
import { ADD, withRowAdd } from './biasAdd.ts';
import { wrapKernel, WASM } from './compose.ts';

/** Kernels the stock wasm backend does not have at all (the last three are ours alone: ./convBiasRelu.ts, ./adam.ts). */
export const ADDED_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
  conv2dBiasReluConfig,
  reluBiasGradConfig,
  adamStepConfig,
];

/** Kernels whose stock wasm version is replaced by a faster wrapper around it. */
export const REPLACED_KERNELS: readonly string[] = [BATCH_MAT_MUL, FUSED_MAT_MUL, CONV2D_BACKPROP_INPUT, MAX_POOL_GRAD, IDENTITY, CAST, GATHER_V2, SUM, TILE, ADD];

export { useStockKernel } from './compose.ts';

/** Registers the added kernels (skipping any a future tfjs provides itself) and the faster matmul. Returns what it registered. */
export function registerWasmKernels(): string[] {
  // The wasm package registers its own kernels when imported (above); the matmul wrapper needs them in place.
  const registered: string[] = [];
  for (const config of ADDED_KERNELS) {
    if (getKernel(config.kernelName, WASM) != null) continue;
    registerKernel(config);
    registered.push(config.kernelName);
  }
  const registry = { registerKernel, unregisterKernel };
  if (wrapKernel(BATCH_MAT_MUL, withPlannedMatMul, registry)) registered.push(BATCH_MAT_MUL);
  if (wrapKernel(FUSED_MAT_MUL, withMaterialisedTransposes, registry)) registered.push(FUSED_MAT_MUL);
  if (wrapKernel(CONV2D_BACKPROP_INPUT, replaceConv2DBackpropInput, registry)) registered.push(CONV2D_BACKPROP_INPUT);
  if (wrapKernel(MAX_POOL_GRAD, withHeapMaxPoolGrad, registry)) registered.push(MAX_POOL_GRAD);
  if (wrapKernel(IDENTITY, withSharedIdentity, registry)) registered.push(IDENTITY);
  if (wrapKernel(CAST, withSharedSameTypeCast, registry)) registered.push(CAST);
  if (wrapKernel(GATHER_V2, withRowGather, registry)) registered.push(GATHER_V2);
  if (wrapKernel(SUM, withPooledLeadingSum, registry)) registered.push(SUM);
  if (wrapKernel(TILE, withBlockTile, registry)) registered.push(TILE);
  if (wrapKernel(ADD, withRowAdd, registry)) registered.push(ADD);
  return registered;
}
