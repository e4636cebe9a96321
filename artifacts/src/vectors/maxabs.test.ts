import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { int8FromBase64, int8ToBase64 } from './base64.ts';
import { cosineToCodes, dequantize, quantize, quantizeRows, unitFromCodes } from './maxabs.ts';

const vector = fc.array(fc.float({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 128 });

describe('int8 max-abs quantization', () => {
  it('uses the full code range and reconstructs each component within half a step', () => {
    fc.assert(fc.property(vector, (v) => {
      const { codes, scale } = quantize(v);
      const max = Math.max(...v.map(Math.abs));
      if (max === 0) {
        expect(scale).toBe(0);
        return;
      }
      expect(Math.max(...Array.from(codes, Math.abs))).toBe(127);
      const back = dequantize(codes, scale);
      for (let j = 0; j < v.length; j++) expect(Math.abs(back[j]! - v[j]!)).toBeLessThanOrEqual(scale / 2 + 1e-6 * max);
    }));
  });

  it('keeps the cosine of 64-d unit vectors above 0.999', () => {
    fc.assert(fc.property(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 64, maxLength: 64 }).filter((v) => v.some((x) => Math.abs(x) > 1e-3)), (v) => {
      const { codes } = quantize(v);
      expect(cosineToCodes(v, codes)).toBeGreaterThan(0.999);
    }));
  });

  it('maps an all-zero vector to zero codes and a zero scale', () => {
    expect(quantize([0, 0, 0])).toEqual({ codes: new Int8Array(3), scale: 0 });
    expect(Array.from(unitFromCodes(new Int8Array(3)))).toEqual([0, 0, 0]);
  });

  it('quantizes rows independently', () => {
    const rows = new Float32Array([1, -2, 0.5, 100, 0, 0]);
    const { codes, scales } = quantizeRows(rows, 3);
    expect(Array.from(codes)).toEqual([64, -127, 32, 127, 0, 0]);
    expect(scales[0]).toBeCloseTo(2 / 127);
    expect(scales[1]).toBeCloseTo(100 / 127);
  });

  it('round-trips codes through base64', () => {
    fc.assert(fc.property(fc.int8Array({ maxLength: 300 }), (codes) => {
      expect(Array.from(int8FromBase64(int8ToBase64(codes)))).toEqual(Array.from(codes));
    }));
  });
});

describe('int16 max-abs codes', () => {
  it('use the full int16 range and keep the cosine of 64-d vectors above 0.99999', () => {
    fc.assert(fc.property(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 64, maxLength: 64 }).filter((v) => v.some((x) => Math.abs(x) > 1e-3)), (v) => {
      const { codes } = quantizeRows(Float32Array.from(v), 64, 16);
      expect(codes).toBeInstanceOf(Int16Array);
      expect(Math.max(...Array.from(codes, Math.abs))).toBe(32767);
      expect(cosineToCodes(v, codes)).toBeGreaterThan(0.99999);
    }));
  });
});
