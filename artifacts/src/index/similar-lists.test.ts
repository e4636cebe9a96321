import { describe, expect, it } from 'vitest';
import { encodeSimilarLists, NO_NEIGHBOUR, packRef, SimilarLists } from './similar-lists.ts';

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

  it('refuses a wrong size, a row it lacks, and references that do not fit 16 bits', () => {
    expect(() => new SimilarLists(0, new Uint8Array(35), 2, 3)).toThrow(/35 bytes, expected 2 × 3 × 6/);
    const lists = new SimilarLists(0, new Uint8Array(36), 2, 3);
    expect(() => lists.neighbours(2, 1)).toThrow(/no similar list/);
    expect(() => packRef(65536, 0)).toThrow(/16-bit/);
    expect(() => packRef(0, 70000)).toThrow(/16-bit/);
  });
});
