// Post-training weight quantization in TF.js's own scheme (as its converter writes it): float16, or
// affine uint8/uint16 with a per-tensor `min` and `scale`, recorded in the manifest so loading dequantizes.
import type { WeightSpec } from '../model/modelFolder.ts';

export const quantizations = ['none', 'float16', 'uint8'] as const;
export type Quantization = (typeof quantizations)[number];

/** Weight specs and their bytes, in manifest order. */
export interface WeightBytes {
  specs: WeightSpec[];
  data: ArrayBuffer;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half precision bits of a float32, rounding to nearest even (overflow → ±Infinity, NaN kept). */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa, with its implicit 1, into place and round.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let out = mant >>> shift;
    if (rest > half || (rest === half && (out & 1))) out++;
    return sign | out;
  }
  const rest = mant & 0x1fff;
  mant >>>= 13;
  if (rest > 0x1000 || (rest === 0x1000 && (mant & 1))) {
    mant++;
    if (mant === 0x400) {
      mant = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | mant;
}

/**
 * Affine parameters as TF.js's converter computes them: the range is widened to include 0 and nudged
 * so that 0.0 is exactly representable (zero padding and ReLU outputs stay exact).
 */
export function affineRange(min: number, max: number, levels: number): { min: number; scale: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  if (hi - lo === 0) return { min: 0, scale: 1 };
  const scale = (hi - lo) / levels;
  const zeroPoint = Math.round(-lo / scale);
  return { min: -zeroPoint * scale, scale };
}

/** Quantizes the float32 weights of a manifest; other dtypes are kept as they are. `none` returns a copy. */
export function quantizeWeights(input: WeightBytes, quantization: Quantization): WeightBytes {
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const spec of input.specs) {
    if (spec.quantization) throw new Error(`weight "${spec.name}" is already quantized (${spec.quantization.dtype}); export from the trained float32 model`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = count * (spec.dtype === 'bool' ? 1 : 4);
    const raw = new Uint8Array(input.data, offset, bytes);
    offset += bytes;
    if (quantization === 'none' || spec.dtype !== 'float32') {
      specs.push({ ...spec });
      parts.push(raw.slice());
      continue;
    }
    const values = new Float32Array(raw.slice().buffer);
    if (quantization === 'float16') {
      const out = new Uint16Array(count);
      for (let i = 0; i < count; i++) out[i] = float16Bits(values[i]);
      specs.push({ ...spec, quantization: { dtype: 'float16' } });
      parts.push(new Uint8Array(out.buffer));
    } else {
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) {
        if (!Number.isFinite(v)) throw new Error(`weight "${spec.name}" holds ${v}; a model with non-finite weights cannot be quantized`);
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const range = count === 0 ? { min: 0, scale: 1 } : affineRange(min, max, 255);
      // A float32 scale and min = -zeroPoint × scale (exact in a double): every reader then decodes the
      // zero point to exactly 0, whatever precision it computes in.
      const qScale = Math.fround(range.scale);
      const qMin = -Math.round(-range.min / range.scale) * qScale;
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = Math.min(255, Math.max(0, Math.round((values[i] - qMin) / qScale)));
      specs.push({ ...spec, quantization: { dtype: 'uint8', min: qMin, scale: qScale } });
      parts.push(out);
    }
  }
  if (offset !== input.data.byteLength) throw new Error(`the weight data holds ${input.data.byteLength} bytes but the specs describe ${offset}`);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const data = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  return { specs, data: data.buffer };
}
