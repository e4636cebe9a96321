/**
 * IEEE 754 half precision, as usearch converts it (numkong
 * `nk_f32_to_f16_serial` / `nk_f16_to_f32_serial`,
 * usearch/numkong/include/numkong/cast/serial.h): round to nearest even,
 * overflow to infinity, NaN kept NaN.
 */

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);
let table: Float32Array | undefined;

/** The float32 value of every f16 bit pattern (256 KB, built on first use). */
export function f16Table(): Float32Array {
  if (table) return table;
  const out = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >>> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) out[bits] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) out[bits] = mantissa === 0 ? sign * Infinity : NaN;
    else out[bits] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  table = out;
  return out;
}

/** The f16 bits nearest to `value` (first rounded to float32, as the C++ cast does). */
export function f32ToF16Bits(value: number): number {
  scratchF32[0] = value;
  const x = scratchU32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : mantissa >>> 13 || 1);
  if (exponent <= 102) return exponent === 102 && mantissa > 0 ? sign | 1 : sign;
  if (exponent < 113) {
    const full = 0x800000 | mantissa;
    const shift = 126 - exponent;
    let m = full >>> shift;
    const roundBit = (full >>> (shift - 1)) & 1;
    const sticky = full & ((1 << (shift - 1)) - 1);
    if (roundBit && (sticky || m & 1)) m++;
    return sign | m;
  }
  if (exponent >= 143) return sign | 0x7c00;
  let e = exponent - 112;
  let m = mantissa >>> 13;
  if ((mantissa >>> 12) & 1 && (mantissa & 0xfff || m & 1)) {
    m++;
    if (m > 0x3ff) {
      m = 0;
      e++;
    }
  }
  return e > 30 ? sign | 0x7c00 : sign | (e << 10) | m;
}
