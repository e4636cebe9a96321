/**
 * The pure-TS usearch reader against native usearch 2.25.3: indexes are built
 * and saved natively, read from bytes, and searched by both.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphrecError } from '../artifacts/src/errors.ts';
import { openUsearchIndex, type UsearchIndexView } from '../artifacts/src/usearch/index.ts';
import { buildNativeIndex, corpusAndQueries, exactTopK, recall } from './bench/usearch-search.bench.ts';

const DIM = 64;
const ITEMS = 20_000;
const QUERIES = 1000;
const K = 10;

const dir = mkdtempSync(join(tmpdir(), 'graphrec-usearch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { data, queries } = corpusAndQueries(7, ITEMS, QUERIES);
const query = (i: number): Float32Array => queries.subarray(i * DIM, i * DIM + DIM);
const row = (i: number): Float32Array => data.subarray(i * DIM, i * DIM + DIM);
const sequentialKeys = (n: number): BigUint64Array => BigUint64Array.from({ length: n }, (_, i) => BigInt(i));
let fileCount = 0;

async function build(rows: Float32Array, keys: BigUint64Array, metric: MetricKind, quantization: ScalarKind): Promise<{ index: Index; bytes: Uint8Array; view: UsearchIndexView }> {
  const built = await buildNativeIndex(join(dir, `index-${fileCount++}.usearch`), rows, keys, { dimensions: DIM, metric, quantization });
  return { ...built, view: openUsearchIndex(built.bytes) };
}

interface Comparison {
  identical: number;
  /** Largest |TS − native| distance at the same rank, over every query. */
  maxRankDistanceGap: number;
  /** Largest |TS − native| distance for the same key. */
  maxKeyDistanceGap: number;
  tsLists: number[][];
  nativeLists: number[][];
}

function compare(index: Index, view: UsearchIndexView, count: number, k = K): Comparison {
  let identical = 0;
  let maxRankDistanceGap = 0;
  let maxKeyDistanceGap = 0;
  const tsLists: number[][] = [];
  const nativeLists: number[][] = [];
  for (let i = 0; i < count; i++) {
    const native = index.search(query(i), k, 1);
    const ts = view.search(query(i), k);
    const nativeKeys = Array.from(native.keys, Number);
    const tsKeys = Array.from(ts.keys);
    nativeLists.push(nativeKeys);
    tsLists.push(tsKeys);
    if (nativeKeys.length === tsKeys.length && nativeKeys.every((key, j) => key === tsKeys[j])) identical++;
    expect(tsKeys.length).toBe(nativeKeys.length);
    for (let j = 0; j < tsKeys.length; j++) {
      maxRankDistanceGap = Math.max(maxRankDistanceGap, Math.abs(ts.distances[j] - native.distances[j]));
      const at = nativeKeys.indexOf(tsKeys[j]);
      if (at >= 0) maxKeyDistanceGap = Math.max(maxKeyDistanceGap, Math.abs(ts.distances[j] - native.distances[at]));
    }
  }
  return { identical: identical / count, maxRankDistanceGap, maxKeyDistanceGap, tsLists, nativeLists };
}

function thrown(fn: () => unknown): GraphrecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GraphrecError) return err;
    throw err;
  }
  throw new Error('expected a GraphrecError');
}

/** Byte offset of the 64-byte dense header (after the u32 matrix prefix and the vectors). */
function headerAt(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return 8 + view.getUint32(0, true) * view.getUint32(4, true);
}

describe('usearch reader matches native usearch 2.25.3', () => {
  it('f32 cos, 20,000 items: the same top-10 as native, distances within 1e-5', async () => {
    const { index, view } = await build(data, sequentialKeys(ITEMS), MetricKind.Cos, ScalarKind.F32);
    expect(view).toMatchObject({ dimensions: DIM, metric: 'cos', scalarKind: 'f32', size: ITEMS, connectivity: 16, connectivityBase: 32, version: '2.25.3', multi: false });
    const result = compare(index, view, QUERIES);
    console.info(`f32 cos: ${(result.identical * 100).toFixed(1)}% identical top-10, max distance gap ${result.maxRankDistanceGap}`);
    expect(result.identical).toBeGreaterThanOrEqual(0.995);
    // Any reordering can only be between near-equal distances: rank by rank the distances agree.
    expect(result.maxRankDistanceGap).toBeLessThanOrEqual(1e-5);
    expect(view.vector(123)).toEqual(row(123));
    expect(view.rawVector(123)).toBeInstanceOf(Float32Array);
  });

  it('i8 cos: recall@10 against exact f32 equals native within 0.01; lists identical for most queries', async () => {
    const { index, view } = await build(data, sequentialKeys(ITEMS), MetricKind.Cos, ScalarKind.I8);
    const result = compare(index, view, QUERIES);
    let tsRecall = 0;
    let nativeRecall = 0;
    for (let i = 0; i < QUERIES; i++) {
      const truth = exactTopK(data, DIM, query(i), K);
      tsRecall += recall(result.tsLists[i], truth) / QUERIES;
      nativeRecall += recall(result.nativeLists[i], truth) / QUERIES;
    }
    console.info(`i8 cos: ${(result.identical * 100).toFixed(1)}% identical top-10, recall@10 TS ${tsRecall.toFixed(4)} native ${nativeRecall.toFixed(4)}, max distance gap ${result.maxKeyDistanceGap}`);
    expect(Math.abs(tsRecall - nativeRecall)).toBeLessThanOrEqual(0.01);
    expect(result.identical).toBeGreaterThanOrEqual(0.95);
    expect(result.maxKeyDistanceGap).toBeLessThanOrEqual(1e-5);
    // Stored codes are usearch's cast: trunc(127·v/‖v‖); `vector` divides by 127 like usearch's `get`.
    const v = row(42);
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const codes = Int8Array.from(v, (x) => Math.trunc((x * 127) / norm));
    expect(view.rawVector(42)).toEqual(codes);
    expect(view.vector(42)).toEqual(Float32Array.from(codes, (c) => c / 127));
    expect(view.castQuery(v)).toEqual(codes);
  });

  it('ip metric with sparse keys far from 0..n-1', async () => {
    const n = 5000;
    const keys = BigUint64Array.from({ length: n }, (_, i) => BigInt(i) * 1_000_000_007n + 2n ** 40n);
    const rows = data.subarray(0, n * DIM);
    for (const quantization of [ScalarKind.F32, ScalarKind.I8]) {
      const { index, view } = await build(rows, keys, MetricKind.IP, quantization);
      expect(view.metric).toBe('ip');
      const result = compare(index, view, 300);
      expect(result.identical).toBeGreaterThanOrEqual(0.995);
      expect(result.maxRankDistanceGap).toBeLessThanOrEqual(1e-5);
      const key = Number(keys[4321]);
      // Parallel inserts assign slots in any order; the key map finds them.
      expect(view.keys[view.slotOf(key)]).toBe(key);
      expect(view.slotOf(key + 1)).toBe(-1);
      expect(view.vector(key + 1)).toBeUndefined();
      expect(view.search(row(4321), 1).keys[0]).toBe(key);
    }
  });

  it('l2sq (f32, i8) and f16 cos match too', async () => {
    const n = 3000;
    const rows = data.subarray(0, n * DIM);
    const cases: [MetricKind, ScalarKind][] = [[MetricKind.L2sq, ScalarKind.F32], [MetricKind.L2sq, ScalarKind.I8], [MetricKind.Cos, ScalarKind.F16]];
    for (const [metric, quantization] of cases) {
      const { index, view } = await build(rows, sequentialKeys(n), metric, quantization);
      const result = compare(index, view, 200);
      expect(result.identical, `${metric} ${quantization}`).toBeGreaterThanOrEqual(0.99);
      expect(result.maxKeyDistanceGap).toBeLessThanOrEqual(1e-5);
    }
  });

  it('skips removed entries as native does, while still walking through them', async () => {
    const n = 3000;
    const { index } = await build(data.subarray(0, n * DIM), sequentialKeys(n), MetricKind.Cos, ScalarKind.F32);
    const removed = BigUint64Array.from({ length: 600 }, (_, i) => BigInt(i * 5));
    index.remove(removed);
    const path = join(dir, 'removed.usearch');
    index.save(path);
    const view = openUsearchIndex(new Uint8Array(readFileSync(path)));
    expect(view.size).toBe(n - 600);
    expect(view.slots).toBe(n);
    expect(view.slotOf(5)).toBe(-1);
    const result = compare(index, view, 300);
    expect(result.identical).toBeGreaterThanOrEqual(0.995);
    for (const list of result.tsLists) for (const key of list) expect(key % 5 === 0 && key < 3000).toBe(false);
  });

  it('tiny indexes: one item and two items', async () => {
    for (const n of [1, 2]) {
      const { index, view } = await build(data.subarray(0, n * DIM), BigUint64Array.from({ length: n }, (_, i) => BigInt(100 + i)), MetricKind.Cos, ScalarKind.F32);
      expect(view.size).toBe(n);
      const result = compare(index, view, 20);
      expect(result.identical).toBe(1);
      expect(result.tsLists[0].length).toBe(n);
      expect(Array.from(view.search(query(0), 5, { exact: true }).keys).sort()).toEqual(result.tsLists[0].slice().sort());
    }
  });

  it('an empty index (usearch saves one) opens and finds nothing', async () => {
    const { view } = await build(new Float32Array(0), new BigUint64Array(0), MetricKind.Cos, ScalarKind.I8);
    expect(view).toMatchObject({ size: 0, slots: 0, maxLevel: -1, dimensions: DIM });
    expect(view.search(query(0), 10).keys.length).toBe(0);
    expect(view.slotOf(0)).toBe(-1);
  });
});

describe('usearch reader refuses what it cannot read', () => {
  let small: { bytes: Uint8Array; view: UsearchIndexView } | undefined;
  const sample = async (): Promise<Uint8Array> => {
    small ??= await build(data.subarray(0, 50 * DIM), sequentialKeys(50), MetricKind.Cos, ScalarKind.I8);
    return small.bytes.slice();
  };

  it('another format version, naming the found and the supported one', async () => {
    const bytes = await sample();
    new DataView(bytes.buffer).setUint16(headerAt(bytes) + 9, 26, true);
    const err = thrown(() => openUsearchIndex(bytes));
    expect(err.code).toBe('usearch/unsupported-version');
    expect(err.message).toBe('usearch index format 2.26.3 is not supported; this build reads 2.25.x');
    new DataView(bytes.buffer).setUint16(headerAt(bytes) + 7, 3, true);
    expect(thrown(() => openUsearchIndex(bytes)).message).toContain('3.26.3');
  });

  it('a wrong magic', async () => {
    const bytes = await sample();
    bytes[headerAt(bytes)] = 'U'.charCodeAt(0);
    const err = thrown(() => openUsearchIndex(bytes));
    expect(err.code).toBe('usearch/bad-magic');
    expect(err.message).toMatch(/^not a usearch index/);
    expect(thrown(() => openUsearchIndex(new TextEncoder().encode('{"not":"an index"}'))).code).toMatch(/^usearch\/(bad-magic|truncated)$/);
  });

  it('a truncated file, wherever it is cut', async () => {
    const bytes = await sample();
    for (const length of [4, 100, headerAt(bytes) + 30, headerAt(bytes) + 80, bytes.length - 1]) {
      expect(thrown(() => openUsearchIndex(bytes.subarray(0, length))).code, `cut at ${length}`).toBe('usearch/truncated');
    }
  });

  it('unsupported metric, scalar, key and slot kinds', async () => {
    for (const [offset, value] of [[13, 'p'.charCodeAt(0)], [14, 4], [15, 2], [16, 2]]) {
      const bytes = await sample();
      bytes[headerAt(bytes) + offset] = value;
      expect(thrown(() => openUsearchIndex(bytes)).code).toBe('usearch/unsupported-kind');
    }
  });

  it('a neighbour slot outside the graph', async () => {
    const bytes = await sample();
    const nodes = headerAt(bytes) + 64 + 40 + 2 * 50;
    new DataView(bytes.buffer).setUint32(nodes + 10 + 4, 999, true);
    expect(thrown(() => openUsearchIndex(bytes)).code).toBe('usearch/corrupt');
    // Checksum-verified bytes may skip the slot check; counts are still checked.
    expect(openUsearchIndex(bytes, { verifyLinks: false }).slots).toBe(50);
    new DataView(bytes.buffer).setUint32(nodes + 10, 33, true);
    expect(thrown(() => openUsearchIndex(bytes, { verifyLinks: false })).code).toBe('usearch/corrupt');
  });

  it('keys above Number.MAX_SAFE_INTEGER', async () => {
    const options = { dimensions: DIM, metric: MetricKind.Cos, quantization: ScalarKind.F32 };
    const { bytes } = await buildNativeIndex(join(dir, 'unsafe.usearch'), data.subarray(0, 2 * DIM), BigUint64Array.of(1n, 2n ** 53n + 5n), options);
    const err = thrown(() => openUsearchIndex(bytes));
    expect(err.code).toBe('usearch/unsafe-key');
    expect(err.message).toContain('9007199254740997');
  });

  it('a query of the wrong length', async () => {
    const view = openUsearchIndex(await sample());
    expect(thrown(() => view.search(new Float32Array(DIM - 1), 10)).code).toBe('index/dim-mismatch');
    expect(thrown(() => view.search(query(0), -1)).code).toBe('usearch/bad-argument');
  });
});
