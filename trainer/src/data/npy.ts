import { GraphrecError } from '../../../artifacts/src/errors.ts';

/*
 * NumPy `.npy`, as written by numpy/lib/format.py (NEP 1):
 *
 * | field      | type                                   | size       | offset  |
 * |------------|----------------------------------------|------------|---------|
 * | magic      | bytes `\x93NUMPY`                      | 6          | 0       |
 * | major      | uint8: 1, 2 or 3                       | 1          | 6       |
 * | minor      | uint8: 0                               | 1          | 7       |
 * | header_len | uint16 LE (v1), uint32 LE (v2, v3)     | 2 or 4     | 8       |
 * | header     | Python dict literal, latin1 (v1, v2) or UTF-8 (v3), space-padded, ends in `\n` | header_len | 10 or 12 |
 * | data       | elements in C order                    | count × itemsize | 10 or 12 + header_len |
 *
 * The header dict has `descr` (dtype string such as `'<f4'`), `fortran_order`
 * and `shape` (a tuple of ints).
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Element values of a `.npy` array, flattened in C order. */
export type NpyData = Int32Array | Float32Array | Float64Array | Uint8Array | string[];

/** A decoded `.npy` array. */
export interface NpyArray {
  /** Dimensions; `[]` for a scalar. */
  shape: number[];
  /** The dtype as written in the file, e.g. `'<i8'`, `'<U7'`. */
  dtype: string;
  /** `product(shape)` values, C order. */
  data: NpyData;
}

/** The parsed header dict of a `.npy` file. */
export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/**
 * Decodes a `.npy` file held in memory.
 *
 * Integers become `Int32Array` when every value fits (`|i1 <i2 <i4 <u2`, and
 * `<i8 <u4` when in range), else `Float64Array` (`<i8` must stay within
 * ±2^53). `<f4` → `Float32Array`, `<f8` → `Float64Array`, `|b1 |u1` →
 * `Uint8Array`; `<U<n>` (UTF-32) and `|S<n>` (bytes, read as UTF-8) →
 * `string[]` without trailing NULs.
 *
 * @param bytes the whole file.
 * @throws GraphrecError `codec/bad-magic`, `codec/unsupported-version`, `codec/bad-header`,
 *   `codec/truncated`, `codec/out-of-range`, and `codec/unsupported-dtype` for object
 *   arrays (`|O`, pickles), structured or big-endian dtypes and `fortran_order: True`.
 * @example
 * const { shape, data } = parseNpy(await readFile('labels.npy')); // shape [2708], Int32Array
 */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new GraphrecError('codec/bad-magic', 'npy: bytes do not start with the magic "\\x93NUMPY"');
  }
  const major = bytes[6];
  if (major < 1 || major > 3) {
    throw new GraphrecError('codec/unsupported-version', `npy: version ${major}.${bytes[7]} is not one of 1.0, 2.0, 3.0`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw truncated('header length', 8 + lenBytes, bytes.length);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (bytes.length < dataStart) throw truncated('header', dataStart, bytes.length);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, dataStart));
  const header = parseNpyHeader(text);
  if (header.fortranOrder) {
    throw new GraphrecError('codec/unsupported-dtype', 'npy: fortran_order True is not supported; save the array in C order');
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  return { shape: header.shape, dtype: header.descr, data: decodeData(bytes, dataStart, count, header.descr) };
}

/**
 * Parses the header dict of a `.npy` file, e.g.
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (5429,), }`.
 *
 * @param text the header text, padding included.
 * @throws GraphrecError `codec/bad-header` when it is not such a dict;
 *   `codec/unsupported-dtype` when `descr` is a structured dtype (a list).
 */
export function parseNpyHeader(text: string): NpyHeader {
  const dict = parsePyLiteral(text);
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) throw badHeader('header is not a dict', text);
  const { descr, fortran_order: fortranOrder, shape } = dict;
  if (Array.isArray(descr)) {
    throw new GraphrecError('codec/unsupported-dtype', 'npy: structured dtypes (descr is a list) are not supported');
  }
  if (typeof descr !== 'string') throw badHeader("'descr' is missing or not a string", text);
  if (typeof fortranOrder !== 'boolean') throw badHeader("'fortran_order' is missing or not a bool", text);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw badHeader("'shape' is missing or not a tuple of non-negative ints", text);
  }
  return { descr, fortranOrder, shape: shape as number[] };
}

function decodeData(bytes: Uint8Array, offset: number, count: number, descr: string): NpyData {
  const m = /^([<>|=])([a-zA-Z])(\d*)$/.exec(descr);
  const order = m?.[1];
  const kind = m?.[2];
  const size = Number(m?.[3] || 0);
  if (kind === 'O') {
    throw new GraphrecError('codec/unsupported-dtype', `npy: object dtype '${descr}' holds pickles, which are not read`);
  }
  const width = kind === 'U' ? 4 * size : size;
  const multiByte = kind === 'U' || (kind !== 'S' && size > 1);
  if (m === null || (multiByte && order !== '<')) throw unsupportedDtype(descr);
  const end = offset + count * width;
  if (bytes.length < end) throw truncated('data', end, bytes.length);
  const at = (w: number) => leBuffer(bytes, offset, count, w);
  switch (`${kind}${kind === 'U' || kind === 'S' ? '' : size}`) {
    case 'b1':
    case 'u1':
      return new Uint8Array(at(1));
    case 'i1':
      return Int32Array.from(new Int8Array(at(1)));
    case 'i2':
      return Int32Array.from(new Int16Array(at(2)));
    case 'u2':
      return Int32Array.from(new Uint16Array(at(2)));
    case 'i4':
      return new Int32Array(at(4));
    case 'u4':
      return narrowIntegers(new Uint32Array(at(4)), descr);
    case 'i8':
      return narrowIntegers(new BigInt64Array(at(8)), descr);
    case 'f4':
      return new Float32Array(at(4));
    case 'f8':
      return new Float64Array(at(8));
    case 'U':
      return decodeUnicode(new Uint32Array(leBuffer(bytes, offset, count * size, 4)), size, count);
    case 'S':
      return decodeBytes(bytes, offset, size, count);
    default:
      throw unsupportedDtype(descr);
  }
}

/** A fresh, aligned copy of `count × width` little-endian bytes, swapped to host order. */
function leBuffer(bytes: Uint8Array, offset: number, count: number, width: number): ArrayBuffer {
  // Not bytes.slice(): on a Node Buffer that is a view into a shared pool, not a copy.
  const copy = new Uint8Array(count * width);
  copy.set(bytes.subarray(offset, offset + count * width));
  if (!LITTLE_ENDIAN_HOST && width > 1) {
    for (let i = 0; i < copy.length; i += width) copy.subarray(i, i + width).reverse();
  }
  return copy.buffer;
}

function narrowIntegers(values: Uint32Array | BigInt64Array, descr: string): Int32Array | Float64Array {
  let fitsInt32 = true;
  for (const v of values) {
    if (v > 2147483647 || v < -2147483648) fitsInt32 = false;
    if (v > Number.MAX_SAFE_INTEGER || v < Number.MIN_SAFE_INTEGER) {
      throw new GraphrecError('codec/out-of-range', `npy: ${descr} value ${v} does not fit a float64 exactly (|v| > 2^53 - 1)`);
    }
  }
  const out = fitsInt32 ? new Int32Array(values.length) : new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  return out;
}

function decodeUnicode(codePoints: Uint32Array, width: number, count: number): string[] {
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    let end = (i + 1) * width;
    while (end > i * width && codePoints[end - 1] === 0) end--;
    const chars = codePoints.subarray(i * width, end);
    if (chars.some((c) => c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))) {
      throw new GraphrecError('codec/bad-data', `npy: element ${i} holds an invalid UTF-32 code point`);
    }
    out[i] = String.fromCodePoint(...chars);
  }
  return out;
}

function decodeBytes(bytes: Uint8Array, offset: number, width: number, count: number): string[] {
  const decoder = new TextDecoder('utf-8');
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const start = offset + i * width;
    let end = start + width;
    while (end > start && bytes[end - 1] === 0) end--;
    out[i] = decoder.decode(bytes.subarray(start, end));
  }
  return out;
}

/** Parses the Python literals a `.npy` header uses: dicts, tuples, lists, strings, ints, True/False/None. */
function parsePyLiteral(text: string): PyValue {
  let pos = 0;
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const expect = (c: string): void => {
    skipSpace();
    if (text[pos] !== c) throw badHeader(`expected '${c}' at offset ${pos}`, text);
    pos++;
  };
  const str = (): string => {
    const quote = text[pos++];
    let out = '';
    while (pos < text.length && text[pos] !== quote) {
      if (text[pos] === '\\') pos++;
      out += text[pos++] ?? '';
    }
    if (pos >= text.length) throw badHeader('unterminated string', text);
    pos++;
    return out;
  };
  // Items separated by commas, a trailing comma allowed: `(5429,)`, `{'a': 1, }`.
  const items = (close: string, item: () => void): void => {
    for (skipSpace(); text[pos] !== close; skipSpace()) {
      item();
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== close) throw badHeader(`expected ',' or '${close}' at offset ${pos}`, text);
    }
    pos++;
  };
  const value = (): PyValue => {
    skipSpace();
    const c = text[pos];
    if (c === "'" || c === '"') return str();
    if (c === '(' || c === '[') {
      const list: PyValue[] = [];
      pos++;
      items(c === '(' ? ')' : ']', () => list.push(value()));
      return list;
    }
    if (c === '{') {
      const dict: { [key: string]: PyValue } = {};
      pos++;
      items('}', () => {
        const key = value();
        if (typeof key !== 'string') throw badHeader('dict keys must be strings', text);
        expect(':');
        dict[key] = value();
      });
      return dict;
    }
    // Python 2 wrote long ints with an `L` suffix: `(5429L,)`.
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(pos, pos + 32));
    if (m === null) throw badHeader(`unexpected character at offset ${pos}`, text);
    pos += m[0].length;
    return m[0] === 'True' ? true : m[0] === 'False' ? false : m[0] === 'None' ? null : Number(m[0].replace('L', ''));
  };
  const result = value();
  skipSpace();
  if (pos !== text.length) throw badHeader(`unexpected text after the dict at offset ${pos}`, text);
  return result;
}

function badHeader(what: string, text: string): GraphrecError {
  return new GraphrecError('codec/bad-header', `npy header: ${what} in ${JSON.stringify(text.trimEnd())}`);
}

function unsupportedDtype(descr: string): GraphrecError {
  return new GraphrecError(
    'codec/unsupported-dtype',
    `npy: dtype '${descr}' is not supported; expected one of |b1 |u1 |i1 <i2 <u2 <i4 <u4 <i8 <f4 <f8 <U<n> |S<n>`,
  );
}

function truncated(what: string, needed: number, actual: number): GraphrecError {
  return new GraphrecError('codec/truncated', `npy: ${what} needs ${needed} bytes, the file has ${actual}`);
}
