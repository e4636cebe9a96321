import { describe, expect, it } from 'vitest';
import { encodeSimilarLists, NO_NEIGHBOUR, packRef, SimilarLists, similarRecordBytes } from './similar-lists.ts';

describe('similar lists object', () => {
  it('round-trips references and scores to 1/32767, and stops at padding', () => {
    const depth = 3;
    const refs = Uint32Array.from([packRef(2, 7), packRef(0, 65535), NO_NEIGHBOUR, packRef(65535, 0), NO_NEIGHBOUR, NO_NEIGHBOUR]);
    const scores = Float32Array.from([0.99, -0.25, 0, 0.5, 0, 0]);
    const lists = new SimilarLists(1, encodeSimilarLists(refs, scores, 2, depth), 2, depth);
    const first = lists.neighbours(0, 10);
    expect(first.map((n) => [n.shard, n.row])).toEqual([[2, 7], [0, 65535]]);
    expect(first[0]!.score).toBeCloseTo(0.99, 4);
    expect(first[1]!.score).toBeCloseTo(-0.25, 4);
    expect(lists.neighbours(0, 1)).toHaveLength(1);
    expect(lists.neighbours(1, 3).map((n) => [n.shard, n.row])).toEqual([[65535, 0]]);
  });

  it("reads one item's record on its own, as a block read does", () => {
    const depth = 2;
    const refs = Uint32Array.from([packRef(1, 1), packRef(1, 2), packRef(3, 4), packRef(5, 6), packRef(7, 8), NO_NEIGHBOUR]);
    const scores = Float32Array.from([0.9, 0.8, 0.7, 0.6, 0.5, 0]);
    const whole = encodeSimilarLists(refs, scores, 3, depth);
    const second = new SimilarLists(4, whole.subarray(similarRecordBytes(depth), 2 * similarRecordBytes(depth)), 1, depth, 1);
    expect(second.neighbours(1, 2)).toEqual(new SimilarLists(4, whole, 3, depth).neighbours(1, 2));
    expect(second.neighbours(1, 2).map((n) => n.row)).toEqual([4, 6]);
    expect(() => second.neighbours(0, 1)).toThrow(/no similar list for row 0/);
  });

  it('refuses a wrong size, a row it lacks, and references that do not fit 16 bits', () => {
    expect(() => new SimilarLists(0, new Uint8Array(35), 2, 3)).toThrow(/35 bytes, expected 2 × 3 × 6/);
    const lists = new SimilarLists(0, new Uint8Array(36), 2, 3);
    expect(() => lists.neighbours(2, 1)).toThrow(/no similar list/);
    expect(() => packRef(65536, 0)).toThrow(/16-bit/);
    expect(() => packRef(0, 70000)).toThrow(/16-bit/);
  });
});
