import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GraphLists, encodeGraphLists } from '../index/graph-lists.ts';
import { capNeighbours, gatherCandidates, missingCosines, rankCandidates, signalMatrix, type GraphList } from './rank.ts';
import { DEFAULT_CANDIDATES, RankerSchema, type RankerSettings } from './schema.ts';

const weights = (w: Partial<Record<'adamic-adar' | 'itemknn' | 'embedding' | 'popularity', number>>) => ({
  weights: { 'adamic-adar': 0, itemknn: 0, embedding: 0, popularity: 0, ...w },
  chosen: 'blend' as const,
});
const settings = (warm: ReturnType<typeof weights>, cold = weights({ popularity: 1 })): RankerSettings =>
  RankerSchema.parse({ kind: 'linear-v1', warm, cold, candidates: DEFAULT_CANDIDATES, maxDegree: 10, fittedOn: 'test' });
const list = (degree: number, keys: number[], degrees: number[] = keys.map(() => 1)): GraphList => ({ degree, keys, degrees });

describe('the served ranker', () => {
  it('scores graph candidates by Adamic-Adar: a neighbour shared by two low-degree items beats one from a hub', () => {
    // Item 10 is listed by both known items (degrees 2 and 3); 11 only by the hub (degree 9).
    const pool = gatherCandidates({ known: [list(2, [10, 12]), list(3, [10]), list(9, [11])], embedding: [], popular: [] }, settings(weights({ 'adamic-adar': 1 })));
    const ranked = rankCandidates(pool, settings(weights({ 'adamic-adar': 1 })));
    expect(ranked.map((r) => r.key)).toEqual([10, 12, 11]);
    expect(ranked[0]!.score).toBeCloseTo(1, 6);
    expect(ranked.every((r) => r.reason === 'graph')).toBe(true);
  });

  it("puts a known product's own co-purchases first, labelled bought together, and never the excluded", () => {
    const s = settings(weights({ popularity: 1 }));
    const pool = gatherCandidates(
      { known: [list(1, [5])], direct: list(1, [3], [1]), embedding: [{ key: 4, degree: 9, cosine: 0.9 }], popular: [{ key: 4, degree: 9 }, { key: 7, degree: 8 }], excluded: (k) => k === 7 },
      s,
    );
    const ranked = rankCandidates(pool, s);
    expect(ranked[0]).toMatchObject({ key: 3, reason: 'bought-together' });
    expect(ranked.map((r) => r.key)).not.toContain(7);
    expect(ranked.find((r) => r.key === 4)?.reason).toBe('popular');
  });

  it('uses the cold weights when the query is known by no item, and asks for the cosines it needs', () => {
    const s = settings(weights({ 'adamic-adar': 1 }), weights({ embedding: 1 }));
    const pool = gatherCandidates({ known: [], embedding: [{ key: 2, degree: 1, cosine: 0.2 }], popular: [{ key: 9, degree: 5 }] }, s);
    expect(missingCosines(pool, s)).toEqual([9]);
    expect(() => rankCandidates(pool, s)).toThrow(/no embedding cosine/);
    const ranked = rankCandidates(pool, s, () => 0.8);
    expect(ranked.map((r) => [r.key, r.reason])).toEqual([
      [9, 'embedding'],
      [2, 'embedding'],
    ]);
  });

  it('keeps every score in [-1, 1] and every signal in [-1, 1], whatever the inputs (property)', () => {
    const key = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ degree: fc.integer({ min: 1, max: 50 }), keys: fc.array(key, { maxLength: 8 }) }), { maxLength: 5 }),
        fc.array(fc.record({ key, degree: fc.integer({ min: 0, max: 50 }), cosine: fc.float({ min: -1, max: 1, noNaN: true }) }), { maxLength: 8 }),
        fc.array(fc.float({ min: -3, max: 10, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (known, embedding, w) => {
          const s = settings(weights({ 'adamic-adar': w[0], itemknn: w[1], embedding: w[2], popularity: w[3] }));
          const pool = gatherCandidates({ known: known.map((l) => list(l.degree, l.keys)), embedding, popular: [] }, s);
          const ranked = rankCandidates(pool, { ...s, maxDegree: 50 }, () => 0.5);
          for (const x of signalMatrix(pool, { ...s, maxDegree: 50 })) expect(Math.abs(x)).toBeLessThanOrEqual(1 + 1e-6);
          for (const r of ranked) expect(Math.abs(r.score)).toBeLessThanOrEqual(1 + 1e-6);
          expect(new Set(ranked.map((r) => r.key)).size).toBe(ranked.length);
          for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
        },
      ),
    );
  });

  it('caps a list at its highest-degree neighbours, ties by id', () => {
    const degree = [5, 1, 5, 9];
    const id = (k: number) => ['d', 'c', 'b', 'a'][k]!;
    expect(capNeighbours([0, 1, 2, 3], 3, (k) => degree[k]!, id)).toEqual([3, 2, 0]);
    expect(capNeighbours([1, 0], 3, (k) => degree[k]!, id)).toEqual([1, 0]);
  });
});

describe('graph lists (the exported object the edge reads by the block)', () => {
  it('round-trips variable-length lists and refuses bytes that are not whole records', () => {
    const lists = [
      { degree: 3, refs: [0x10002, 7], degrees: [4, 1] },
      { degree: 0, refs: [], degrees: [] },
      { degree: 70_000, refs: [0xffff0001], degrees: [123_456] },
    ];
    const { bytes, starts } = encodeGraphLists(lists);
    expect(Array.from(starts)).toEqual([0, 22, 28, 42]);
    const read = new GraphLists(0, bytes, 3);
    expect(read.list(0)).toEqual({ degree: 3, keys: [0x10002, 7], degrees: [4, 1] });
    expect(read.list(1)).toEqual({ degree: 0, keys: [], degrees: [] });
    expect(read.list(2)).toEqual({ degree: 70_000, keys: [0xffff0001], degrees: [123_456] });
    const block = new GraphLists(0, bytes.subarray(starts[1], starts[3]), 2, 1);
    expect(block.list(2).degree).toBe(70_000);
    expect(() => block.list(0)).toThrow(/no list for row 0/);
    expect(() => new GraphLists(0, bytes.subarray(0, 30), 2)).toThrow(/artifact|records take|past the end/);
    expect(() => new GraphLists(0, bytes, 2)).toThrow(/records take/);
  });
});
