import { describe, expect, it } from 'vitest';
import { GraphrecError } from '../errors.ts';
import { CandidateHeap, TopBuffer } from './candidates.ts';
import { parseUsearchFile } from './format.ts';
import { f16Table, f32ToF16Bits } from './half.ts';
import { openUsearchIndex } from './hnsw.ts';

interface Node {
  key: bigint;
  /** Neighbour slots per level, level 0 first. */
  links: number[][];
}

/**
 * Writes a usearch 2.25.3 file by hand (the layout documented in format.ts):
 * f32 cos vectors, connectivity 2 / base 4.
 */
function writeIndex(vectors: number[][], nodes: Node[], options: { wide?: boolean; entry?: number } = {}): Uint8Array {
  const dim = vectors[0]?.length ?? 2;
  const [c, cb] = [2, 4];
  const maxLevel = nodes.length ? Math.max(...nodes.map((n) => n.links.length - 1)) : -1;
  const out: number[] = [];
  const u8 = (v: number): void => void out.push(v & 0xff);
  const u16 = (v: number): void => [v, v >> 8].forEach(u8);
  const u32 = (v: number): void => [v, v >>> 8, v >>> 16, v >>> 24].forEach(u8);
  const u64 = (v: bigint): void => {
    u32(Number(v & 0xffffffffn));
    u32(Number((v >> 32n) & 0xffffffffn));
  };
  if (options.wide) [BigInt(nodes.length), BigInt(dim * 4)].forEach(u64);
  else [nodes.length, dim * 4].forEach(u32);
  const f = new DataView(new ArrayBuffer(4));
  for (const v of vectors) for (const x of v) {
    f.setFloat32(0, x, true);
    for (let i = 0; i < 4; i++) u8(f.getUint8(i));
  }
  for (const ch of 'usearch') u8(ch.charCodeAt(0));
  [2, 25, 3].forEach(u16);
  [0x63, 11, 14, 15].forEach(u8);
  [BigInt(nodes.length), 0n, BigInt(dim)].forEach(u64);
  while (out.length < (options.wide ? 16 : 8) + vectors.length * dim * 4 + 64) u8(0);
  [BigInt(nodes.length), BigInt(c), BigInt(cb), maxLevel < 0 ? 2n ** 64n - 1n : BigInt(maxLevel), BigInt(options.entry ?? 0)].forEach(u64);
  for (const n of nodes) u16(n.links.length - 1);
  for (const n of nodes) {
    u64(n.key);
    u16(n.links.length - 1);
    n.links.forEach((list, level) => {
      u32(list.length);
      for (let i = 0; i < (level === 0 ? cb : c); i++) u32(list[i] ?? 0);
    });
  }
  return Uint8Array.from(out);
}

const square = [[1, 0], [0.8, 0.6], [0, 1], [-1, 0]];
const squareNodes: Node[] = [
  { key: 10n, links: [[1, 3], [2]] },
  { key: 11n, links: [[0, 2]] },
  { key: 12n, links: [[1, 3], [0]] },
  { key: 13n, links: [[2, 0]] },
];

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof GraphrecError) return err.code;
    throw err;
  }
  return 'none';
}

describe('parseUsearchFile', () => {
  it('reads the header, keys, levels and lists of a hand-written file', () => {
    const file = parseUsearchFile(writeIndex(square, squareNodes));
    expect(file.header).toEqual({ version: '2.25.3', metric: 'cos', scalarKind: 'f32', dimensions: 2, bytesPerVector: 8, countPresent: 4, countDeleted: 0, multi: false });
    expect(file.graph).toEqual({ size: 4, connectivity: 2, connectivityBase: 4, maxLevel: 1, entrySlot: 0 });
    expect(Array.from(file.keys)).toEqual([10, 11, 12, 13]);
    expect(Array.from(file.levels)).toEqual([1, 0, 1, 0]);
    expect(Array.from(file.vectors.subarray(2, 4))).toEqual([Math.fround(0.8), Math.fround(0.6)]);
  });

  it('searches it, through the graph and exhaustively', () => {
    const index = openUsearchIndex(writeIndex(square, squareNodes));
    const found = index.search([0.9, 0.1], 4);
    expect(Array.from(found.keys)).toEqual([10, 11, 12, 13]);
    expect(found.distances[0]).toBeCloseTo(1 - 0.9 / Math.hypot(0.9, 0.1), 6);
    expect(Array.from(index.search([0.9, 0.1], 4, { exact: true }).keys)).toEqual([10, 11, 12, 13]);
    expect(Array.from(index.search([-1, 0.2], 2).keys)).toEqual([13, 12]);
  });

  it('accepts the 64-bit matrix prefix and bytes at an odd offset (copying where needed)', () => {
    expect(parseUsearchFile(writeIndex(square, squareNodes, { wide: true })).graph.size).toBe(4);
    const bytes = writeIndex(square, squareNodes);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const index = openUsearchIndex(shifted.subarray(1));
    expect(Array.from(index.search([0, 1], 2).keys)).toEqual([12, 11]);
  });

  it('refuses corrupt graphs', () => {
    expect(code(() => parseUsearchFile(writeIndex(square, squareNodes, { entry: 1 })))).toBe('usearch/corrupt');
    const tooMany: Node[] = squareNodes.map((n) => ({ ...n, links: [[0, 1, 2, 3, 0], ...n.links.slice(1)] }));
    expect(code(() => parseUsearchFile(writeIndex(square, tooMany)))).toBe('usearch/corrupt');
    expect(code(() => parseUsearchFile(new Uint8Array(3)))).toBe('usearch/truncated');
  });
});

describe('half precision', () => {
  it('rounds like numkong and decodes every pattern', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001);
    expect(f32ToF16Bits(2 ** -25)).toBe(0x0000);
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16Bits(NaN) & 0x7c00).toBe(0x7c00);
    const table = f16Table();
    for (let bits = 0; bits < 0x7c00; bits += 7) expect(f32ToF16Bits(table[bits])).toBe(bits);
  });
});

describe('candidate lists', () => {
  it('TopBuffer keeps the best `limit`, a newcomer going before equal distances', () => {
    const top = new TopBuffer(4);
    top.reset(3);
    for (const [d, s] of [[0.5, 1], [0.2, 2], [0.5, 3], [0.9, 4], [0.1, 5]]) top.insert(d, s, 3);
    expect(Array.from(top.slot.subarray(0, top.size))).toEqual([5, 2, 3]);
    expect(top.worst()).toBe(0.5);
  });

  it('CandidateHeap pops closest first', () => {
    const heap = new CandidateHeap(2);
    const input = [0.7, 0.1, 0.4, 0.4, 0.9, 0.05];
    input.forEach((d, i) => heap.push(d, i));
    const order: number[] = [];
    while (heap.size > 0) {
      order.push(heap.dist[0]);
      heap.pop();
    }
    expect(order).toEqual([...input].map(Math.fround).sort((a, b) => a - b));
  });
});
