/**
 * Integer vectors with a per-vector max-abs scale: `q = round(L·v / max|v|)`,
 * `v ≈ q · scale` with `scale = max|v| / L`; `L` is 127 for int8 codes and
 * 32767 for int16. Every code uses the full range, unlike usearch's own i8
 * cast (`trunc(127·v/|v|)`), which leaves a 64-d unit vector about 16 levels
 * per component.
 *
 * Cosine is invariant to a vector's scale, so cosine search needs only the
 * codes; the scale is kept where the vector's length matters (forward-pass
 * states).
 */

export const INT8_LEVELS = 127;
export const INT16_LEVELS = 32767;

/**
 * Quantizes `dim` values of `src` from `srcOffset` into `out` at `outOffset`.
 * @returns the scale (0 for an all-zero vector, whose codes are all 0).
 */
export function quantizeInto(src: ArrayLike<number>, srcOffset: number, dim: number, out: Int8Array | Int16Array, outOffset: number): number {
  const levels = out instanceof Int8Array ? INT8_LEVELS : INT16_LEVELS;
  let max = 0;
  for (let j = 0; j < dim; j++) {
    const a = Math.abs(src[srcOffset + j]);
    if (a > max) max = a;
  }
  if (!(max > 0) || !Number.isFinite(max)) {
    out.fill(0, outOffset, outOffset + dim);
    return 0;
  }
  const f = levels / max;
  for (let j = 0; j < dim; j++) out[outOffset + j] = Math.round(src[srcOffset + j] * f);
  return max / levels;
}

/** Quantizes one vector to int8. */
export function quantize(v: ArrayLike<number>): { codes: Int8Array; scale: number } {
  const codes = new Int8Array(v.length);
  return { codes, scale: quantizeInto(v, 0, v.length, codes, 0) };
}

/** Quantizes `rows` (row-major `[n, dim]`) row by row, to int8 or int16 codes. */
export function quantizeRows(rows: Float32Array, dim: number, bits: 8 | 16 = 8): { codes: Int8Array | Int16Array; scales: Float32Array } {
  const n = rows.length / dim;
  const codes = bits === 8 ? new Int8Array(rows.length) : new Int16Array(rows.length);
  const scales = new Float32Array(n);
  for (let i = 0; i < n; i++) scales[i] = quantizeInto(rows, i * dim, dim, codes, i * dim);
  return { codes, scales };
}

/** `codes · scale` as floats. */
export function dequantize(codes: ArrayLike<number>, scale: number): Float32Array {
  const out = new Float32Array(codes.length);
  for (let j = 0; j < codes.length; j++) out[j] = codes[j] * scale;
  return out;
}

/** The unit vector a cosine code stands for. */
export function unitFromCodes(codes: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let j = 0; j < codes.length; j++) s += codes[j] * codes[j];
  return dequantize(codes, s > 0 ? 1 / Math.sqrt(s) : 0);
}

/** Cosine between a float query and an integer code at `offset` (asymmetric: the query keeps full precision). */
export function cosineToCodes(query: ArrayLike<number>, codes: ArrayLike<number>, offset = 0): number {
  let dot = 0;
  let qq = 0;
  let cc = 0;
  for (let j = 0; j < query.length; j++) {
    const c = codes[offset + j];
    const q = query[j];
    dot += q * c;
    qq += q * q;
    cc += c * c;
  }
  return qq > 0 && cc > 0 ? dot / Math.sqrt(qq * cc) : 0;
}
