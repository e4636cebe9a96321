import { describe, expect, it } from 'vitest';
import { parseNpy, parseNpyHeader } from './npy.ts';
import { errorCode } from '../../../test/helpers/fixtures.ts';

/** Builds a `.npy` file the way numpy does: header padded with spaces to a multiple of 64, ending in `\n`. */
function npy(header: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const padding = (64 - ((prefix + header.length + 1) % 64)) % 64;
  const text = Buffer.from(header + ' '.repeat(padding) + '\n', major === 3 ? 'utf8' : 'latin1');
  const head = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(head);
  if (major === 1) head.writeUInt16LE(text.length, 8);
  else head.writeUInt32LE(text.length, 8);
  return Buffer.concat([head, text, data]);
}

const dict = (descr: string, shape: string, fortran = 'False'): string =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

function bytesOf(width: number, values: (number | bigint)[], write: (b: Buffer, v: never, at: number) => void): Buffer {
  const b = Buffer.alloc(width * values.length);
  values.forEach((v, i) => write(b, v as never, i * width));
  return b;
}
const i4 = (v: number[]) => bytesOf(4, v, (b, x: number, at) => b.writeInt32LE(x, at));
const i8 = (v: bigint[]) => bytesOf(8, v, (b, x: bigint, at) => b.writeBigInt64LE(x, at));
const f4 = (v: number[]) => bytesOf(4, v, (b, x: number, at) => b.writeFloatLE(x, at));
const f8 = (v: number[]) => bytesOf(8, v, (b, x: number, at) => b.writeDoubleLE(x, at));
const u4 = (v: number[]) => bytesOf(4, v, (b, x: number, at) => b.writeUInt32LE(x, at));
const i2 = (v: number[]) => bytesOf(2, v, (b, x: number, at) => b.writeInt16LE(x, at));
const u2 = (v: number[]) => bytesOf(2, v, (b, x: number, at) => b.writeUInt16LE(x, at));

/** Fixed-width UTF-32LE strings, NUL-padded, as numpy stores `<U<width>`. */
function utf32(values: string[], width: number): Buffer {
  const b = Buffer.alloc(4 * width * values.length);
  values.forEach((s, i) => [...s].forEach((ch, k) => b.writeUInt32LE(ch.codePointAt(0)!, 4 * (i * width + k))));
  return b;
}

describe('parseNpy dtypes', () => {
  it('<i4 → Int32Array', () => {
    const a = parseNpy(npy(dict('<i4', '(3,)'), i4([1, -2, 2147483647])));
    expect(a).toEqual({ shape: [3], dtype: '<i4', data: Int32Array.from([1, -2, 2147483647]) });
  });

  it('<i8 → Int32Array when every value fits, else Float64Array', () => {
    expect(parseNpy(npy(dict('<i8', '(2,)'), i8([2708n, -5n]))).data).toEqual(Int32Array.from([2708, -5]));
    expect(parseNpy(npy(dict('<i8', '(2,)'), i8([1n, 2n ** 40n]))).data).toEqual(Float64Array.from([1, 2 ** 40]));
  });

  it('<i8 beyond ±2^53 is codec/out-of-range', () => {
    expect(errorCode(() => parseNpy(npy(dict('<i8', '(1,)'), i8([2n ** 60n]))))).toBe('codec/out-of-range');
  });

  it('<f4 → Float32Array, <f8 → Float64Array, in C order with their shape', () => {
    const a = parseNpy(npy(dict('<f4', '(2, 3)'), f4([0, 1.5, -2, 3.25, 4, Number.NaN])));
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toEqual(Float32Array.from([0, 1.5, -2, 3.25, 4, Number.NaN]));
    expect(parseNpy(npy(dict('<f8', '(2,)'), f8([Math.PI, -1e300]))).data).toEqual(Float64Array.from([Math.PI, -1e300]));
  });

  it('|b1 and |u1 → Uint8Array', () => {
    expect(parseNpy(npy(dict('|b1', '(3,)'), Buffer.from([1, 0, 1]))).data).toEqual(Uint8Array.from([1, 0, 1]));
    expect(parseNpy(npy(dict('|u1', '(2,)'), Buffer.from([0, 255]))).data).toEqual(Uint8Array.from([0, 255]));
  });

  it('|i1 <i2 <u2 <u4 → Int32Array, <u4 above int32 → Float64Array', () => {
    expect(parseNpy(npy(dict('|i1', '(3,)'), Buffer.from([0, 6, 0xff]))).data).toEqual(Int32Array.from([0, 6, -1]));
    expect(parseNpy(npy(dict('<i2', '(2,)'), i2([-300, 300]))).data).toEqual(Int32Array.from([-300, 300]));
    expect(parseNpy(npy(dict('<u2', '(1,)'), u2([65535]))).data).toEqual(Int32Array.from([65535]));
    expect(parseNpy(npy(dict('<u4', '(1,)'), u4([7]))).data).toEqual(Int32Array.from([7]));
    expect(parseNpy(npy(dict('<u4', '(1,)'), u4([4294967295]))).data).toEqual(Float64Array.from([4294967295]));
  });

  it('<U<n> → string[] without NUL padding, astral characters included', () => {
    const values = ['Case_Based', 'Theory', '', 'π≈3 😀'];
    const a = parseNpy(npy(dict('<U10', '(4,)'), utf32(values, 10)));
    expect(a).toEqual({ shape: [4], dtype: '<U10', data: values });
  });

  it('|S<n> → string[] without NUL padding', () => {
    const data = Buffer.from('ab\0\0abcdx\0\0\0', 'latin1');
    expect(parseNpy(npy(dict('|S4', '(3,)'), data)).data).toEqual(['ab', 'abcd', 'x']);
  });

  it('reads scalars and empty arrays', () => {
    expect(parseNpy(npy(dict('<f8', '()'), f8([2.5])))).toEqual({ shape: [], dtype: '<f8', data: Float64Array.from([2.5]) });
    expect(parseNpy(npy(dict('<i4', '(0,)'), Buffer.alloc(0))).data).toEqual(new Int32Array(0));
  });

  it('reads versions 2.0 and 3.0 and input at an unaligned offset', () => {
    expect(parseNpy(npy(dict('<i4', '(2,)'), i4([5, 6]), 2)).data).toEqual(Int32Array.from([5, 6]));
    expect(parseNpy(npy(dict('<f4', '(1,)'), f4([0.5]), 3)).data).toEqual(Float32Array.from([0.5]));
    const file = npy(dict('<f8', '(2,)'), f8([1, 2]));
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    expect(parseNpy(shifted.subarray(3)).data).toEqual(Float64Array.from([1, 2]));
  });
});

describe('parseNpy refusals', () => {
  it.each([
    ['|O', 'object arrays (pickles)'],
    ['>i4', 'big-endian'],
    ['<c16', 'complex'],
    ['<M8[ns]', 'datetime'],
  ])('refuses %s (%s) with codec/unsupported-dtype', (descr) => {
    expect(errorCode(() => parseNpy(npy(dict(descr, '(1,)'), Buffer.alloc(16))))).toBe('codec/unsupported-dtype');
  });

  it('names pickles when refusing |O', () => {
    expect(() => parseNpy(npy(dict('|O', '(1,)'), Buffer.alloc(8)))).toThrow(/pickles/);
  });

  it('refuses fortran_order True with codec/unsupported-dtype', () => {
    expect(errorCode(() => parseNpy(npy(dict('<i4', '(2, 2)', 'True'), i4([1, 2, 3, 4]))))).toBe('codec/unsupported-dtype');
  });

  it('refuses structured dtypes', () => {
    const header = "{'descr': [('x', '<i4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }";
    expect(errorCode(() => parseNpy(npy(header, Buffer.alloc(8))))).toBe('codec/unsupported-dtype');
  });

  it('checks magic, version and length', () => {
    const good = npy(dict('<i4', '(2,)'), i4([1, 2]));
    const badMagic = Uint8Array.from(good);
    badMagic[1] = 0x4f;
    const v4 = Uint8Array.from(good);
    v4[6] = 4;
    expect(errorCode(() => parseNpy(badMagic))).toBe('codec/bad-magic');
    expect(errorCode(() => parseNpy(new Uint8Array(4)))).toBe('codec/bad-magic');
    expect(errorCode(() => parseNpy(v4))).toBe('codec/unsupported-version');
    expect(errorCode(() => parseNpy(good.subarray(0, good.length - 1)))).toBe('codec/truncated');
    expect(errorCode(() => parseNpy(good.subarray(0, 40)))).toBe('codec/truncated');
  });
});

describe('parseNpyHeader', () => {
  it('reads the dict numpy writes, with any spacing and trailing commas', () => {
    expect(parseNpyHeader("{'descr': '<U7', 'fortran_order': False, 'shape': (2708,), }          \n")).toEqual({
      descr: '<U7',
      fortranOrder: false,
      shape: [2708],
    });
    expect(parseNpyHeader('{"shape":(2,3),"fortran_order":True,"descr":"<f8"}')).toEqual({
      descr: '<f8',
      fortranOrder: true,
      shape: [2, 3],
    });
  });

  it('accepts the L suffix of Python 2 long ints', () => {
    expect(parseNpyHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (5429L, 2L), }").shape).toEqual([5429, 2]);
  });

  it.each([
    "{'descr': '<i4', 'fortran_order': False}",
    "{'descr': '<i4', 'fortran_order': 0, 'shape': (1,)}",
    "{'descr': '<i4', 'fortran_order': False, 'shape': (-1,)}",
    "{'descr': '<i4', 'fortran_order': False, 'shape': (1,)} extra",
    "{'descr': '<i4', 'fortran_order': False, 'shape': (1,)",
    "{'descr: '<i4'}",
    '(1, 2)',
    '',
  ])('throws codec/bad-header on %j', (text) => {
    expect(errorCode(() => parseNpyHeader(text))).toBe('codec/bad-header');
  });
});
