// Adam's update as one kernel per weight on wasm. TF.js's AdamOptimizer updates each weight with a dozen
// elementwise kernels (moments, bias correction, square root, step), each a full pass over the weight and a
// call through the engine: 1.9 ms per step for the reference CNN's 8 weights (56,714 floats) and 2.2 ms for
// the reference MLP's, a fifth of the MLP's whole training step at batch 128, and a part of every split
// training step that the other thread waits through (../dataParallel.ts). Here the same operations, in the
// same order and float32 precision (so the weights and moments come out the same), are one pass of our SIMD
// loop (./simd.ts, `adam`) per weight. Everything else about the optimizer is TF.js's own: its moment
// variables (saved and restored with the optimizer's weights), the accumulated β powers, the iteration count
// and a learning rate that a schedule changes between steps. Other backends, the threaded build and
// non-float32 weights keep TF.js's own update.
import { util, type KernelConfig, type NamedAttrMap, type Tensor, type TensorInfo, type Variable } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../backends.ts';
import { Bypass, WASM, wasmKernel, type KernelArgs } from './compose.ts';
import { heapOffset, simdKernels } from './simd.ts';

export const ADAM_STEP = 'ModelwrightAdam';

/** The step's constants, each already rounded to float32 as TF.js's scalar tensors would be. */
interface AdamAttrs { b1: number; c1: number; b2: number; c2: number; d1: number; d2: number; eps: number; nlr: number }

/** [new weight, new first moment, new second moment] from the weight, its moments and its gradient. */
export const adamStepConfig: KernelConfig = {
  kernelName: ADAM_STEP,
  backendName: WASM,
  kernelFunc: wasmKernel(({ inputs, backend, attrs }: KernelArgs): TensorInfo[] => {
    const { value, m, v, grad } = inputs as Record<'value' | 'm' | 'v' | 'grad', TensorInfo>;
    const simd = simdKernels(backend);
    if (!simd) throw new Error(`${ADAM_STEP} needs the SIMD kernels, which this wasm backend does not have.`);
    const n = util.sizeFromShape(value.shape);
    for (const t of [m, v, grad]) {
      if (util.sizeFromShape(t.shape) !== n) throw new Error(`${ADAM_STEP}: a ${t.shape} operand for a ${value.shape} weight.`);
    }
    const outs = [value, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
    const { b1, c1, b2, c2, d1, d2, eps, nlr } = attrs as unknown as AdamAttrs;
    const at = (t: TensorInfo) => heapOffset(backend, t);
    if (n > 0) simd.adam(at(value), at(m), at(v), at(grad), at(outs[0]), at(outs[1]), at(outs[2]), n, b1, c1, b2, c2, d1, d2, eps, nlr);
    return outs;
  }),
};

/** The parts of TF.js's AdamOptimizer its applyGradients uses (protected or private in its types). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: Variable } | undefined)[];
  incrementIterations(): void;
  applyGradients(gradients: Record<string, Tensor> | { name: string; tensor: Tensor }[]): void;
}

const installed = new WeakSet<object>();
const bypass = new Bypass();

/** Runs `body` with Adam taking TF.js's own way (for parity tests and benchmarks). */
export const withoutFusedAdam = <T>(body: () => Promise<T>): Promise<T> => bypass.during(body);

/**
 * Makes AdamOptimizer.applyGradients update each weight with ADAM_STEP while the wasm backend with our SIMD
 * kernels is active and every weight and gradient is float32 of the weight's size; otherwise TF.js's own. Idempotent.
 */
export function installFusedAdam(tf: Tf): void {
  const proto = tf.AdamOptimizer.prototype as unknown as AdamInternals;
  if (installed.has(proto)) return;
  installed.add(proto);
  const stock = proto.applyGradients;
  proto.applyGradients = function applyGradients(this: AdamInternals, variableGradients) {
    const list = Array.isArray(variableGradients);
    const names = list ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
    const gradientOf = (name: string, i: number) => (list ? variableGradients[i].tensor : variableGradients[name]);
    const variables = tf.engine().registeredVariables;
    const usable = !bypass.active && tf.getBackend() === WASM && simdKernels(tf.backend() as unknown as BackendWasm) !== null
      && names.every((name, i) => {
        const value = variables[name];
        const gradient = gradientOf(name, i);
        const sized = (t: { size: number } | undefined) => t === undefined || t.size === value?.size;
        // TF.js keeps the moments by position in the list: a list that changed order gets TF.js's own error.
        return value?.dtype === 'float32' && (gradient == null || (gradient.dtype === 'float32' && sized(gradient)))
          && sized(this.accumulatedFirstMoment[i]?.variable) && sized(this.accumulatedSecondMoment[i]?.variable);
      });
    if (!usable) {
      stock.call(this, variableGradients);
      return;
    }
    const f = Math.fround;
    // TF.js computes 1 − β^t as a float32 subtraction, and 1 − β in double before making it a float32 scalar.
    const attrs: AdamAttrs = {
      b1: f(this.beta1), c1: f(1 - this.beta1), b2: f(this.beta2), c2: f(1 - this.beta2),
      d1: f(1 - (this.accBeta1.dataSync()[0] as number)), d2: f(1 - (this.accBeta2.dataSync()[0] as number)),
      eps: f(this.epsilon), nlr: f(-this.learningRate),
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = variables[name];
        const moment = (slots: AdamInternals['accumulatedFirstMoment'], suffix: string) =>
          (slots[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) }).variable;
        const m = moment(this.accumulatedFirstMoment, 'm');
        const v = moment(this.accumulatedSecondMoment, 'v');
        const grad = gradientOf(name, i);
        if (grad == null) return;
        const [newValue, newM, newV] = tf.engine().runKernel(ADAM_STEP, { value, m, v, grad }, attrs as unknown as NamedAttrMap) as Tensor[];
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  };
}
