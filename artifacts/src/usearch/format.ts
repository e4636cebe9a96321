/**
 * Parser of the files usearch 2.25 writes with `Index.save(path)`
 * (`index_dense_gt::save_to_stream` + `index_gt::save_to_stream`,
 * usearch/include/usearch/index_dense.hpp and index.hpp). Every integer is
 * little-endian. With the default `serialization_config_t` a file is:
 *
 * | offset       | type                 | size        | field                                            |
 * |--------------|----------------------|-------------|--------------------------------------------------|
 * | 0            | u32                  | 4           | rows: vectors stored = graph nodes, removed incl. |
 * | 4            | u32                  | 4           | bytes per vector (f32: 4·dim, f16: 2·dim, i8: dim)|
 * | 8            | bytes                | rows·bpv    | vectors, row-major by slot                       |
 * | H = 8+rows·bpv | char[7]            | 7           | magic "usearch" (`index_dense_head_t`, 64 bytes) |
 * | H+7          | u16 ×3               | 6           | version major, minor, patch of the writer         |
 * | H+13         | u8                   | 1           | metric kind: 'c' cos, 'i' ip, 'e' l2sq, …         |
 * | H+14         | u8                   | 1           | scalar kind: 11 f32, 12 f16, 23 i8, …             |
 * | H+15         | u8                   | 1           | key kind: 14 u64                                  |
 * | H+16         | u8                   | 1           | compressed slot kind: 15 u32                      |
 * | H+17         | u64 ×3               | 24          | count present, count deleted, dimensions          |
 * | H+41         | bool                 | 1           | multi (several vectors per key)                   |
 * | H+42         | zero                 | 22          | vacant                                            |
 * | G = H+64     | u64 ×5               | 40          | `index_serialized_header_t`: size, connectivity, connectivity_base, max_level (i16 sign-extended), entry_slot |
 * | G+40         | i16                  | 2·size      | level of every node                               |
 * | N = G+40+2·size | node ×size        | Σ node bytes | u64 key, i16 level, then per level 0..L: u32 count + u32 slots[capacity]; capacity is connectivity_base on level 0, connectivity above |
 *
 * A file written with `use_64_bit_dimensions` starts with two u64 instead of
 * two u32; it is recognised the way `index_dense_metadata_from_buffer` does,
 * by finding the magic after the vector block. Files saved without vectors
 * (magic at byte 0) are refused: the edge needs the vectors.
 */
import { GraphrecError } from '../errors.ts';

/**
 * The writer versions this reader accepts: 2.25.x. The native 2.25.3 loader
 * accepts any 2.x (remapping pre-2.10 scalar codes), but the layout, the kind
 * codes and the distance kernels this port replicates are checked against
 * 2.25.3 only; patch releases share them, another minor needs a new check.
 */
export const USEARCH_SUPPORTED_VERSION = { major: 2, minor: 25 } as const;
/** `default_magic()`, the first 7 bytes of the dense header. */
export const USEARCH_MAGIC = 'usearch';
/** `index_dense_head_buffer_t`. */
export const DENSE_HEADER_BYTES = 64;
/** `index_serialized_header_t`. */
export const GRAPH_HEADER_BYTES = 40;
/** Key of a removed entry: `default_free_value<u64>()`, all ones. */
const FREE_KEY_WORD = 0xffffffff;
/** `node_head_bytes_()`: u64 key + i16 level. */
const NODE_HEAD_BYTES = 10;

export type UsearchMetric = 'cos' | 'ip' | 'l2sq';
export type UsearchScalarKind = 'f32' | 'f16' | 'i8';

const METRICS: Record<number, UsearchMetric> = { 0x63: 'cos', 0x69: 'ip', 0x65: 'l2sq' };
const SCALARS: Record<number, { kind: UsearchScalarKind; bytes: number }> = { 11: { kind: 'f32', bytes: 4 }, 12: { kind: 'f16', bytes: 2 }, 23: { kind: 'i8', bytes: 1 } };
const KEY_KIND_U64 = 14;
const SLOT_KIND_U32 = 15;

/** The 64-byte `index_dense_head_t` plus the matrix prefix, validated. */
export interface UsearchHeader {
  /** Writer version, e.g. `'2.25.3'`. */
  version: string;
  metric: UsearchMetric;
  scalarKind: UsearchScalarKind;
  dimensions: number;
  bytesPerVector: number;
  countPresent: number;
  countDeleted: number;
  multi: boolean;
}

/** `index_serialized_header_t`. */
export interface UsearchGraphHeader {
  size: number;
  connectivity: number;
  connectivityBase: number;
  /** -1 for an empty index. */
  maxLevel: number;
  entrySlot: number;
}

/** A parsed file: typed views into the bytes (copied only where alignment demands). */
export interface UsearchFile {
  header: UsearchHeader;
  graph: UsearchGraphHeader;
  /** `[size, dimensions]` stored vectors by slot; f16 as raw bits. */
  vectors: Float32Array | Uint16Array | Int8Array;
  /** Key of every slot; -1 for a removed entry. */
  keys: Float64Array;
  /** Level of every slot's node. */
  levels: Int16Array;
  /** The node region as 16-bit words (nodes start on even bytes). */
  words: Uint16Array;
  /** Per slot, the index in `words` of its level-0 neighbour count. */
  links: Uint32Array;
  /** Words per level-0 list (count + connectivity_base slots). */
  baseStride: number;
  /** Words per upper-level list (count + connectivity slots). */
  upperStride: number;
}

function fail(code: string, message: string, details?: Record<string, unknown>): never {
  throw new GraphrecError(code, message, details);
}

/** Reads a u64 that must be a safe integer; `what` names the field in the error. */
function u64(view: DataView, offset: number, what: string): number {
  const lo = view.getUint32(offset, true);
  const hi = view.getUint32(offset + 4, true);
  if (hi > 0x1fffff) fail('usearch/corrupt', `usearch index is corrupt: ${what} is ${BigInt(hi) * 2n ** 32n + BigInt(lo)}, beyond any possible size`, { field: what });
  return hi * 2 ** 32 + lo;
}

function hasMagic(bytes: Uint8Array, at: number): boolean {
  if (at < 0 || at + DENSE_HEADER_BYTES > bytes.length) return false;
  for (let i = 0; i < USEARCH_MAGIC.length; i++) if (bytes[at + i] !== USEARCH_MAGIC.charCodeAt(i)) return false;
  return true;
}

/** Finds the vector block and the dense header: 32-bit matrix prefix first, then 64-bit (as usearch does). */
function locate(bytes: Uint8Array, view: DataView): { rows: number; bpv: number; vectorsAt: number; headerAt: number } {
  if (bytes.length < 8) fail('usearch/truncated', `usearch index is truncated: ${bytes.length} bytes, fewer than the 8-byte matrix prefix`);
  if (hasMagic(bytes, 0)) fail('usearch/no-vectors', 'usearch index was saved without its vectors (exclude_vectors); save it with the vectors');
  const rows32 = view.getUint32(0, true);
  const bpv32 = view.getUint32(4, true);
  const at32 = 8 + rows32 * bpv32;
  if (hasMagic(bytes, at32)) return { rows: rows32, bpv: bpv32, vectorsAt: 8, headerAt: at32 };
  if (bytes.length >= 16) {
    const rows64 = view.getUint32(4, true) === 0 ? rows32 : Infinity;
    const bpv64 = view.getUint32(12, true) === 0 ? view.getUint32(8, true) : Infinity;
    const at64 = 16 + rows64 * bpv64;
    if (Number.isFinite(at64) && hasMagic(bytes, at64)) return { rows: rows64, bpv: bpv64, vectorsAt: 16, headerAt: at64 };
  }
  if (at32 + DENSE_HEADER_BYTES > bytes.length) {
    fail('usearch/truncated', `usearch index is truncated or not a usearch index: its prefix announces ${rows32} vectors of ${bpv32} bytes, so the header would end at byte ${at32 + DENSE_HEADER_BYTES}, but the file has ${bytes.length} bytes`, { rows: rows32, bytesPerVector: bpv32, length: bytes.length });
  }
  const found = Array.from(bytes.subarray(at32, at32 + 7), (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
  fail('usearch/bad-magic', `not a usearch index: expected the magic "${USEARCH_MAGIC}" at byte ${at32}, found "${found}"`, { offset: at32 });
}

function parseHeader(view: DataView, at: number, rows: number, bpv: number): UsearchHeader {
  const major = view.getUint16(at + 7, true);
  const minor = view.getUint16(at + 9, true);
  const patch = view.getUint16(at + 11, true);
  const version = `${major}.${minor}.${patch}`;
  const supported = USEARCH_SUPPORTED_VERSION;
  if (major !== supported.major || minor !== supported.minor) {
    fail('usearch/unsupported-version', `usearch index format ${version} is not supported; this build reads ${supported.major}.${supported.minor}.x`, { found: version, supported: `${supported.major}.${supported.minor}.x` });
  }
  const metricCode = view.getUint8(at + 13);
  const metric = METRICS[metricCode];
  if (!metric) fail('usearch/unsupported-kind', `usearch index metric ${describeCode(metricCode)} is not supported; allowed: cos ('c'), ip ('i'), l2sq ('e')`, { field: 'metric', found: metricCode });
  const scalarCode = view.getUint8(at + 14);
  const scalar = SCALARS[scalarCode];
  if (!scalar) fail('usearch/unsupported-kind', `usearch index scalar kind ${scalarCode} is not supported; allowed: f32 (11), f16 (12), i8 (23)`, { field: 'scalar', found: scalarCode });
  const keyKind = view.getUint8(at + 15);
  if (keyKind !== KEY_KIND_U64) fail('usearch/unsupported-kind', `usearch index key kind ${keyKind} is not supported; allowed: u64 (${KEY_KIND_U64})`, { field: 'key', found: keyKind });
  const slotKind = view.getUint8(at + 16);
  if (slotKind !== SLOT_KIND_U32) fail('usearch/unsupported-kind', `usearch index slot kind ${slotKind} is not supported; allowed: u32 (${SLOT_KIND_U32})`, { field: 'slot', found: slotKind });
  const countPresent = u64(view, at + 17, 'count_present');
  const countDeleted = u64(view, at + 25, 'count_deleted');
  const dimensions = u64(view, at + 33, 'dimensions');
  const multi = view.getUint8(at + 41);
  if (dimensions === 0 || dimensions * scalar.bytes !== bpv) {
    fail('usearch/corrupt', `usearch index is corrupt: ${dimensions} ${scalar.kind} dimensions need ${dimensions * scalar.bytes} bytes per vector, the prefix says ${bpv}`);
  }
  if (countPresent + countDeleted !== rows) fail('usearch/corrupt', `usearch index is corrupt: ${countPresent} present + ${countDeleted} deleted entries ≠ ${rows} stored vectors`);
  if (multi > 1) fail('usearch/corrupt', `usearch index is corrupt: multi flag is ${multi}`);
  return { version, metric, scalarKind: scalar.kind, dimensions, bytesPerVector: bpv, countPresent, countDeleted, multi: multi === 1 };
}

function describeCode(code: number): string {
  return code >= 32 && code < 127 ? `'${String.fromCharCode(code)}' (${code})` : String(code);
}

function parseGraphHeader(bytes: Uint8Array, view: DataView, at: number, rows: number): UsearchGraphHeader {
  if (at + GRAPH_HEADER_BYTES > bytes.length) fail('usearch/truncated', `usearch index is truncated: the graph header ends at byte ${at + GRAPH_HEADER_BYTES}, the file has ${bytes.length} bytes`);
  const size = u64(view, at, 'graph size');
  const connectivity = u64(view, at + 8, 'connectivity');
  const connectivityBase = u64(view, at + 16, 'connectivity_base');
  const levelLo = view.getUint32(at + 24, true);
  const levelHi = view.getUint32(at + 28, true);
  const entrySlot = u64(view, at + 32, 'entry_slot');
  if (size !== rows) fail('usearch/corrupt', `usearch index is corrupt: the graph has ${size} nodes but the file stores ${rows} vectors`);
  if (connectivity < 2 || connectivityBase < connectivity || connectivityBase > 1 << 16) {
    fail('usearch/corrupt', `usearch index is corrupt: connectivity ${connectivity} / base ${connectivityBase} (need 2 ≤ connectivity ≤ base ≤ 65536)`);
  }
  // max_level is an i16 widened to u64: -1 (all ones) marks an empty graph.
  const maxLevel = levelHi === 0xffffffff && levelLo === 0xffffffff ? -1 : levelHi === 0 && levelLo < 0x8000 ? levelLo : NaN;
  if (Number.isNaN(maxLevel) || (size > 0) !== maxLevel >= 0 || (size > 0 && entrySlot >= size)) {
    fail('usearch/corrupt', `usearch index is corrupt: max level ${levelHi * 2 ** 32 + levelLo}, entry slot ${entrySlot} for ${size} nodes`);
  }
  return { size, connectivity, connectivityBase, maxLevel, entrySlot };
}

/** The vector block as a typed view; copied when the bytes are not aligned for the element type. */
function vectorView(bytes: Uint8Array, at: number, rows: number, header: UsearchHeader): Float32Array | Uint16Array | Int8Array {
  const length = rows * header.dimensions;
  const abs = bytes.byteOffset + at;
  if (header.scalarKind === 'i8') return new Int8Array(bytes.buffer, abs, length);
  const align = header.scalarKind === 'f32' ? 4 : 2;
  const source = abs % align === 0 ? bytes : bytes.slice(at, at + length * align);
  const offset = abs % align === 0 ? abs : 0;
  return header.scalarKind === 'f32' ? new Float32Array(source.buffer, offset, length) : new Uint16Array(source.buffer, offset, length);
}

export interface ParseOptions {
  /**
   * Check that every neighbour slot is inside the graph (default true; about
   * three quarters of the parse time). Skip it only for bytes whose checksum
   * was verified against a manifest written after a full check.
   */
  verifyLinks?: boolean;
}

/**
 * Parses and validates a usearch 2.25 index file without copying its graph or
 * (when aligned) its vectors.
 * @param bytes the whole file as written by `Index.save`.
 * @param options `verifyLinks` (default true).
 * @throws GraphrecError `usearch/bad-magic`, `usearch/unsupported-version`,
 *   `usearch/unsupported-kind`, `usearch/no-vectors`, `usearch/truncated`,
 *   `usearch/corrupt`, `usearch/unsafe-key` (a key above 2^53 − 1).
 */
export function parseUsearchFile(bytes: Uint8Array, options: ParseOptions = {}): UsearchFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { rows, bpv, vectorsAt, headerAt } = locate(bytes, view);
  const header = parseHeader(view, headerAt, rows, bpv);
  const graphAt = headerAt + DENSE_HEADER_BYTES;
  const graph = parseGraphHeader(bytes, view, graphAt, rows);
  const levelsAt = graphAt + GRAPH_HEADER_BYTES;
  const nodesAt = levelsAt + 2 * rows;
  if (nodesAt > bytes.length) fail('usearch/truncated', `usearch index is truncated: node levels end at byte ${nodesAt}, the file has ${bytes.length} bytes`);
  const levels = new Int16Array(rows);
  for (let i = 0; i < rows; i++) levels[i] = view.getInt16(levelsAt + 2 * i, true);
  const baseStride = 2 + 2 * graph.connectivityBase;
  const upperStride = 2 + 2 * graph.connectivity;
  let end = nodesAt;
  for (let i = 0; i < rows; i++) {
    const level = levels[i];
    if (level < 0 || level > graph.maxLevel) fail('usearch/corrupt', `usearch index is corrupt: node ${i} has level ${level}, max level is ${graph.maxLevel}`);
    end += NODE_HEAD_BYTES + 2 * (baseStride + level * upperStride);
  }
  if (end > bytes.length) fail('usearch/truncated', `usearch index is truncated: ${rows} nodes need ${end} bytes, the file has ${bytes.length}`, { expected: end, length: bytes.length });
  if (rows > 0 && levels[graph.entrySlot] !== graph.maxLevel) fail('usearch/corrupt', `usearch index is corrupt: entry slot ${graph.entrySlot} has level ${levels[graph.entrySlot]}, max level is ${graph.maxLevel}`);
  // Nodes are 10 + 4k bytes long, so they all start on even bytes iff the region does.
  const region = (bytes.byteOffset + nodesAt) % 2 === 0 ? bytes.subarray(nodesAt, end) : bytes.slice(nodesAt, end);
  const words = new Uint16Array(region.buffer, region.byteOffset, region.length >>> 1);
  const layout = { baseStride, upperStride, verifyLinks: options.verifyLinks ?? true };
  const { keys, links } = readNodes(region, words, levels, graph, header, layout);
  return { header, graph, vectors: vectorView(bytes, vectorsAt, rows, header), keys, levels, words, links, baseStride, upperStride };
}

/** Reads keys, checks node heads and every neighbour list against the header. */
function readNodes(
  region: Uint8Array,
  words: Uint16Array,
  levels: Int16Array,
  graph: UsearchGraphHeader,
  header: UsearchHeader,
  layout: { baseStride: number; upperStride: number; verifyLinks: boolean },
): { keys: Float64Array; links: Uint32Array } {
  const n = graph.size;
  const view = new DataView(region.buffer, region.byteOffset, region.byteLength);
  const keys = new Float64Array(n);
  const links = new Uint32Array(n);
  let at = 0;
  let removed = 0;
  for (let slot = 0; slot < n; slot++) {
    const lo = view.getUint32(at, true);
    const hi = view.getUint32(at + 4, true);
    if (lo === FREE_KEY_WORD && hi === FREE_KEY_WORD) {
      keys[slot] = -1;
      removed++;
    } else if (hi > 0x1fffff) {
      fail('usearch/unsafe-key', `usearch index key ${BigInt(hi) * 2n ** 32n + BigInt(lo)} (slot ${slot}) is above Number.MAX_SAFE_INTEGER; keys must be below 2^53`, { slot });
    } else keys[slot] = hi * 2 ** 32 + lo;
    const level = levels[slot];
    if (view.getInt16(at + 8, true) !== level) fail('usearch/corrupt', `usearch index is corrupt: node ${slot} says level ${view.getInt16(at + 8, true)}, the level table says ${level}`);
    const link = (at + NODE_HEAD_BYTES) >>> 1;
    links[slot] = link;
    for (let l = 0; l <= level; l++) {
      const list = l === 0 ? link : link + layout.baseStride + (l - 1) * layout.upperStride;
      const count = checkCount(words, list, l === 0 ? graph.connectivityBase : graph.connectivity, slot, l);
      if (layout.verifyLinks) checkSlots(words, list, count, n, slot, l);
    }
    at += NODE_HEAD_BYTES + 2 * (layout.baseStride + level * layout.upperStride);
  }
  if (removed !== header.countDeleted) fail('usearch/corrupt', `usearch index is corrupt: ${removed} removed entries, the header says ${header.countDeleted}`);
  return { keys, links };
}

/** The neighbour count of the list at word `at`, checked against its capacity. */
function checkCount(words: Uint16Array, at: number, capacity: number, slot: number, level: number): number {
  const count = words[at] + words[at + 1] * 65536;
  if (count > capacity) fail('usearch/corrupt', `usearch index is corrupt: node ${slot} has ${count} neighbours on level ${level}, capacity ${capacity}`);
  return count;
}

function checkSlots(words: Uint16Array, at: number, count: number, n: number, slot: number, level: number): void {
  for (let j = 0, w = at + 2; j < count; j++, w += 2) {
    if (words[w] + words[w + 1] * 65536 >= n) fail('usearch/corrupt', `usearch index is corrupt: node ${slot} links to slot ${words[w] + words[w + 1] * 65536} on level ${level}, only ${n} nodes`);
  }
}
