/**
 * Query casting and distances, computed the way usearch 2.25 does on x86
 * (numkong kernels chosen by `metric_punned_t::configure_with_numkong`,
 * usearch/include/usearch/index_plugins.hpp; numkong/include/numkong/spatial/haswell.h):
 *
 * | scalar | cos                                          | ip                    | l2sq            |
 * |--------|----------------------------------------------|-----------------------|-----------------|
 * | f32    | f64 sums, `1 − ab/(√a2·√b2)`, clamped at 0   | `1 − (float)ab`, ab f64 | Σ(a−b)² in f64 |
 * | i8     | i32 sums, f32 `1 − ab·rsqrt(a2)·rsqrt(b2)`   | `1 − (float)ab`, ab i32 | Σ(a−b)² in i32 |
 * | f16    | sums, f32 `1 − ab·rsqrt(a2)·rsqrt(b2)`       | `1 − (float)ab`         | Σ(a−b)²        |
 *
 * Every distance is rounded to float32, as usearch returns it. Integer sums
 * and f64 sums of f32 products match usearch bit for bit (up to summation
 * order in f64). The f32 normalisation of i8 / f16 uses `_mm_rsqrt_ps` plus a
 * Newton step in usearch, a hardware approximation; here the reciprocal root
 * is correctly rounded, so those distances may differ by one float32 ulp.
 *
 * A float query is first rounded to float32 (the JS binding passes
 * Float32Array). For i8 it is then cast like `cast_to_i8_gt`: scaled by
 * `127/‖q‖` (norm in f64), clamped to ±127 and truncated toward zero, for
 * every metric. For f16 each value is rounded to nearest even.
 */
import type { UsearchFile } from './format.ts';
import { f16Table, f32ToF16Bits } from './half.ts';

const F32_COS = 0;
const F32_IP = 1;
const F32_L2 = 2;
const I8_COS = 3;
const I8_IP = 4;
const I8_L2 = 5;
const F16_COS = 6;
const F16_IP = 7;
const F16_L2 = 8;

const fround = Math.fround;

/** Distance of one prepared query to stored vectors by slot. Not re-entrant: one query at a time. */
export class QueryDistance {
  private readonly kind: number;
  private readonly dim: number;
  private readonly f32: Float32Array;
  private readonly i8: Int8Array;
  private readonly f16: Uint16Array;
  private readonly half: Float32Array;
  /** The cast query: float32 values, i8 codes, or decoded f16 values. */
  private readonly q32: Float32Array;
  private readonly q8: Int32Array;
  private readonly q16: Float64Array;
  /** Per slot, lazily: √b2 for f32 cos; NaN until computed. */
  private readonly norms: Float64Array;
  /** Per slot, lazily: the float32 reciprocal root of b2 for i8 cos (4 bytes keep it cache-friendly); NaN until computed. */
  private readonly reciprocalNorms: Float32Array;
  /** √a2 (f32 cos) or the reciprocal root of a2 (i8 / f16 cos). */
  private queryNorm = 0;
  private queryZero = false;

  constructor(file: UsearchFile) {
    const { metric, scalarKind, dimensions } = file.header;
    const metricIndex = metric === 'cos' ? 0 : metric === 'ip' ? 1 : 2;
    this.kind = (scalarKind === 'f32' ? 0 : scalarKind === 'i8' ? 3 : 6) + metricIndex;
    this.dim = dimensions;
    const empty = { f32: new Float32Array(0), i8: new Int8Array(0), f16: new Uint16Array(0) };
    this.f32 = file.vectors instanceof Float32Array ? file.vectors : empty.f32;
    this.i8 = file.vectors instanceof Int8Array ? file.vectors : empty.i8;
    this.f16 = file.vectors instanceof Uint16Array ? file.vectors : empty.f16;
    this.half = scalarKind === 'f16' ? f16Table() : empty.f32;
    this.q32 = new Float32Array(dimensions);
    this.q8 = new Int32Array(scalarKind === 'i8' ? dimensions : 0);
    this.q16 = new Float64Array(scalarKind === 'f16' ? dimensions : 0);
    this.norms = new Float64Array(this.kind === F32_COS ? file.graph.size : 0).fill(NaN);
    this.reciprocalNorms = new Float32Array(this.kind === I8_COS ? file.graph.size : 0).fill(NaN);
  }

  /** Casts `query` (length = dimensions) into the index's scalar kind. */
  setQuery(query: ArrayLike<number>): void {
    const dim = this.dim;
    const q32 = this.q32;
    let magnitude = 0;
    for (let j = 0; j < dim; j++) {
      q32[j] = query[j];
      magnitude += q32[j] * q32[j];
    }
    if (this.kind >= I8_COS && this.kind <= I8_L2) this.castI8(Math.sqrt(magnitude));
    else if (this.kind >= F16_COS) for (let j = 0; j < dim; j++) this.q16[j] = this.half[f32ToF16Bits(q32[j])];
    let a2 = 0;
    if (this.kind === F32_COS) a2 = magnitude;
    else if (this.kind === I8_COS) for (let j = 0; j < dim; j++) a2 += this.q8[j] * this.q8[j];
    else if (this.kind === F16_COS) for (let j = 0; j < dim; j++) a2 += this.q16[j] * this.q16[j];
    this.queryZero = a2 === 0;
    this.queryNorm = this.kind === F32_COS ? Math.sqrt(a2) : fround(1 / Math.sqrt(fround(a2)));
  }

  /** `cast_to_i8_gt`: scale to ±127 by the f64 norm, truncate toward zero. */
  private castI8(magnitude: number): void {
    const q8 = this.q8;
    if (!(magnitude > 0)) {
      q8.fill(0);
      return;
    }
    for (let j = 0; j < this.dim; j++) {
      const scaled = (this.q32[j] * 127) / magnitude;
      q8[j] = Math.trunc(scaled > 127 ? 127 : scaled < -127 ? -127 : scaled);
    }
  }

  /** The query as the index sees it: float32 values, or the i8 codes for an i8 index. */
  castQuery(): Float32Array | Int8Array {
    if (this.kind >= I8_COS && this.kind <= I8_L2) return Int8Array.from(this.q8);
    if (this.kind >= F16_COS) return Float32Array.from(this.q16);
    return this.q32.slice();
  }

  /** Distance from the current query to the vector in `slot`. */
  measure(slot: number): number {
    switch (this.kind) {
      case I8_COS:
        return this.i8Cos(slot);
      case F32_COS:
        return this.f32Cos(slot);
      case I8_IP:
        return fround(1 - fround(this.i8Dot(slot)));
      case F32_IP:
        return fround(1 - fround(this.f32Dot(slot)));
      case I8_L2:
        return fround(this.i8L2(slot));
      case F32_L2:
        return fround(this.f32L2(slot));
      default:
        return this.f16Measure(slot);
    }
  }

  private i8Dot(slot: number): number {
    const v = this.i8;
    const q = this.q8;
    const dim = this.dim;
    const base = slot * dim;
    let s0 = 0;
    let s1 = 0;
    let j = 0;
    for (; j + 4 <= dim; j += 4) {
      s0 += q[j] * v[base + j] + q[j + 1] * v[base + j + 1];
      s1 += q[j + 2] * v[base + j + 2] + q[j + 3] * v[base + j + 3];
    }
    for (; j < dim; j++) s0 += q[j] * v[base + j];
    return s0 + s1;
  }

  private i8Cos(slot: number): number {
    let rb = this.reciprocalNorms[slot];
    if (rb !== rb) rb = this.reciprocalNorms[slot] = this.i8ReciprocalNorm(slot);
    const ab = this.i8Dot(slot);
    // `nk_angular_normalize_f32_haswell_`; rb is Infinity for a zero vector.
    if (ab === 0) return this.queryZero && rb === Infinity ? 0 : 1;
    const r = fround(1 - fround(fround(fround(ab) * this.queryNorm) * rb));
    return r > 0 ? r : 0;
  }

  private i8ReciprocalNorm(slot: number): number {
    const v = this.i8;
    const base = slot * this.dim;
    let b2 = 0;
    for (let j = 0; j < this.dim; j++) b2 += v[base + j] * v[base + j];
    return fround(1 / Math.sqrt(fround(b2)));
  }

  private i8L2(slot: number): number {
    const v = this.i8;
    const q = this.q8;
    const base = slot * this.dim;
    let s = 0;
    for (let j = 0; j < this.dim; j++) {
      const d = q[j] - v[base + j];
      s += d * d;
    }
    return s;
  }

  private f32Dot(slot: number): number {
    const v = this.f32;
    const q = this.q32;
    const dim = this.dim;
    const base = slot * dim;
    let s0 = 0;
    let s1 = 0;
    let j = 0;
    for (; j + 4 <= dim; j += 4) {
      s0 += q[j] * v[base + j] + q[j + 1] * v[base + j + 1];
      s1 += q[j + 2] * v[base + j + 2] + q[j + 3] * v[base + j + 3];
    }
    for (; j < dim; j++) s0 += q[j] * v[base + j];
    return s0 + s1;
  }

  private f32Cos(slot: number): number {
    let nb = this.norms[slot];
    if (nb !== nb) {
      const v = this.f32;
      const base = slot * this.dim;
      let b2 = 0;
      for (let j = 0; j < this.dim; j++) b2 += v[base + j] * v[base + j];
      nb = this.norms[slot] = Math.sqrt(b2);
    }
    const ab = this.f32Dot(slot);
    // `nk_angular_normalize_f64_haswell_`, then the cast to float.
    if (this.queryZero && nb === 0) return 0;
    if (ab === 0) return 1;
    const r = 1 - ab / (this.queryNorm * nb);
    return fround(r > 0 ? r : 0);
  }

  private f32L2(slot: number): number {
    const v = this.f32;
    const q = this.q32;
    const base = slot * this.dim;
    let s = 0;
    for (let j = 0; j < this.dim; j++) {
      const d = q[j] - v[base + j];
      s += d * d;
    }
    return s;
  }

  private f16Measure(slot: number): number {
    const v = this.f16;
    const half = this.half;
    const q = this.q16;
    const base = slot * this.dim;
    let ab = 0;
    let b2 = 0;
    let l2 = 0;
    for (let j = 0; j < this.dim; j++) {
      const b = half[v[base + j]];
      ab += q[j] * b;
      b2 += b * b;
      l2 += (q[j] - b) * (q[j] - b);
    }
    if (this.kind === F16_IP) return fround(1 - fround(ab));
    if (this.kind === F16_L2) return fround(l2);
    if (this.queryZero && b2 === 0) return 0;
    if (ab === 0) return 1;
    const r = fround(1 - fround(fround(fround(ab) * this.queryNorm) * fround(1 / Math.sqrt(fround(b2)))));
    return r > 0 ? r : 0;
  }
}
