// Quantized weights must be what TF.js's own loader decodes them to: float16 bits checked against
// tf.io.decodeWeights, uint8 against the affine formula with zero exactly representable.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { affineRange, float16Bits, quantizeWeights } from '../../../main/export/quantize.ts';
import type { WeightSpec } from '../../../main/model/modelFolder.ts';

function decode(specs: WeightSpec[], data: ArrayBuffer): Record<string, Float32Array | Int32Array> {
  const tensors = tf.io.decodeWeights(data, specs as tf.io.WeightsManifestEntry[]);
  const out: Record<string, Float32Array | Int32Array> = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = t.dataSync() as Float32Array;
    t.dispose();
  }
  return out;
}

function f16(values: number[]): Float32Array {
  const spec: WeightSpec = { name: 'w', shape: [values.length], dtype: 'float32', quantization: { dtype: 'float16' } };
  return decode([spec], new Uint16Array(values.map(float16Bits)).buffer).w as Float32Array;
}

describe('float16', () => {
  it('round-trips values exactly representable in half precision, including subnormals, infinities and signed zero', () => {
    const exact = [0, -0, 1, -1, 0.5, 65504, -65504, 2 ** -14, 2 ** -24, 3 * 2 ** -24, 1023 * 2 ** -24, 1.5, 1 + 2 ** -10];
    expect(Array.from(f16(exact))).toEqual(exact.map((v) => (Object.is(v, -0) ? -0 : v)));
    expect(Array.from(f16([1e6, -1e6, Infinity]))).toEqual([Infinity, -Infinity, Infinity]);
    expect(Number.isNaN(f16([NaN])[0])).toBe(true);
    expect(Array.from(f16([2 ** -26]))).toEqual([0]);
  });

  it('rounds to the nearest half-precision value (ties to even), as a reader decodes it', () => {
    // 1 + 2^-11 is exactly between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(Array.from(f16([1 + 2 ** -11, 1 + 3 * 2 ** -11]))).toEqual([1, 1 + 2 * 2 ** -10]);
    fc.assert(fc.property(fc.float({ min: Math.fround(-60000), max: Math.fround(60000), noNaN: true }), (v) => {
      const back = f16([v])[0];
      const av = Math.abs(v);
      // Half precision: 11 significant bits for normals (relative error ≤ 2^-11), absolute 2^-25 for subnormals.
      const bound = av >= 2 ** -14 ? av * 2 ** -11 : 2 ** -25;
      return Math.abs(back - v) <= bound * (1 + 1e-12);
    }), { numRuns: 2000 });
  });
});

describe('uint8 (affine, TF.js converter scheme)', () => {
  it('keeps 0 exact, stays within half a step, and decodes through tf.io.decodeWeights like the formula', () => {
    fc.assert(fc.property(fc.array(fc.float({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
      const withZero = [...values, 0];
      const specs: WeightSpec[] = [{ name: 'k', shape: [withZero.length], dtype: 'float32' }];
      const q = quantizeWeights({ specs, data: new Float32Array(withZero).buffer }, 'uint8');
      const { min, scale } = q.specs[0].quantization as { min: number; scale: number };
      expect(q.data.byteLength).toBe(withZero.length);
      const decoded = decode(q.specs, q.data).k;
      const bytes = new Uint8Array(q.data);
      decoded.forEach((v, i) => {
        expect(v).toBeCloseTo(Math.fround(bytes[i] * scale + min), 5);
        expect(Math.abs(v - Math.fround(withZero[i]))).toBeLessThanOrEqual(scale / 2 + 1e-6 * Math.max(1, Math.abs(withZero[i])));
      });
      expect(decoded[withZero.length - 1]).toBe(0);
    }), { numRuns: 200 });
  });

  it('widens the range to include 0 and handles constant tensors', () => {
    const r = affineRange(2, 4, 255);
    expect(r.min).toBe(0);
    expect(r.scale).toBeCloseTo(4 / 255, 12);
    expect(affineRange(0, 0, 255)).toEqual({ min: 0, scale: 1 });
    const specs: WeightSpec[] = [{ name: 'c', shape: [3], dtype: 'float32' }];
    const q = quantizeWeights({ specs, data: new Float32Array([-0.25, -0.25, -0.25]).buffer }, 'uint8');
    expect(Array.from(decode(q.specs, q.data).c)).toEqual([-0.25, -0.25, -0.25]);
  });
});

describe('quantizeWeights', () => {
  const specs: WeightSpec[] = [
    { name: 'a', shape: [2, 2], dtype: 'float32' },
    { name: 'ids', shape: [3], dtype: 'int32' },
    { name: 'b', shape: [1], dtype: 'float32' },
  ];
  const data = new Uint8Array([...new Uint8Array(new Float32Array([0.1, -0.2, 0.3, 0.4]).buffer), ...new Uint8Array(new Int32Array([7, -1, 3]).buffer), ...new Uint8Array(new Float32Array([5]).buffer)]).buffer;

  it('quantizes only float32 weights and keeps int32 weights byte for byte', () => {
    for (const mode of ['float16', 'uint8'] as const) {
      const q = quantizeWeights({ specs, data }, mode);
      expect(q.specs.map((s) => s.quantization?.dtype ?? null)).toEqual([mode, null, mode]);
      expect(q.data.byteLength).toBe(mode === 'float16' ? 8 + 12 + 2 : 4 + 12 + 1);
      const decoded = decode(q.specs, q.data);
      expect(Array.from(decoded.ids)).toEqual([7, -1, 3]);
      expect(decoded.b[0]).toBeCloseTo(5, 1);
    }
    const plain = quantizeWeights({ specs, data }, 'none');
    expect(Buffer.from(plain.data)).toEqual(Buffer.from(data));
  });

  it('refuses weights that are already quantized or not finite, and data that does not match the specs', () => {
    expect(() => quantizeWeights({ specs: [{ ...specs[0], quantization: { dtype: 'float16' } }], data: new ArrayBuffer(8) }, 'uint8')).toThrow(/already quantized/);
    expect(() => quantizeWeights({ specs: [specs[2]], data: new Float32Array([NaN]).buffer }, 'uint8')).toThrow(/non-finite/);
    expect(() => quantizeWeights({ specs: [specs[2]], data: new ArrayBuffer(8) }, 'none')).toThrow(/describe 4/);
  });
});
