import { describe, expect, it } from 'vitest';
import { evaluateRanking } from '../ranking.ts';
import type { Query, Scorer } from '../types.ts';
import { NEEDS_NEIGHBOURS, adamicAdarScorer, commonNeighborsScorer, itemKnnScorer } from './neighborhood.ts';
import { toyQuery, toyView } from './fixtures.ts';

async function rows(scorer: Scorer, queries: Query[]): Promise<number[][]> {
  const out = new Float32Array(queries.length * 6);
  await scorer.scoreBlock(queries, out);
  return queries.map((_, q) => Array.from(out.subarray(q * 6, (q + 1) * 6)));
}

const expectRowsClose = (got: number[][], want: number[][]) => {
  expect(got.length).toBe(want.length);
  got.forEach((row, q) => row.forEach((s, x) => expect(s, `query ${q} item ${x}`).toBeCloseTo(want[q][x], 6)));
};

// N(1) = {0, 2, 3}, N(2) = {0, 1, 3}, N(4) = {3}; degrees [2, 3, 3, 3, 1, 0].
const warm = toyQuery(0, [1, 2]);
const coldOneNeighbour = toyQuery(-1, [4]);
const coldTitleOnly = toyQuery(-1, [], [[0, 1]]);
const duplicated = toyQuery(0, [1, 1]);

describe('neighbourhood baselines on the toy graph', () => {
  it('common neighbours counts shared neighbours, each known neighbour once', async () => {
    const scorer = commonNeighborsScorer(toyView());
    expect(scorer.name).toBe('common-neighbours');
    expect(await rows(scorer, [warm, coldOneNeighbour, coldTitleOnly, duplicated])).toEqual([
      [2, 1, 1, 2, 0, 0],
      [0, 0, 0, 1, 0, 0],
      [0, 0, 0, 0, 0, 0],
      [1, 0, 1, 1, 0, 0],
    ]);
  });

  it('Adamic-Adar weights a neighbour w by 1/ln(max(deg w, 2))', async () => {
    const scorer = adamicAdarScorer(toyView());
    expect(scorer.name).toBe('adamic-adar');
    const l3 = 1 / Math.log(3);
    expectRowsClose(await rows(scorer, [warm, coldOneNeighbour]), [
      [2 * l3, l3, l3, 2 * l3, 0, 0],
      [0, 0, 0, 1 / Math.log(2), 0, 0],
    ]);
  });

  it('ItemKNN is |K ∩ N(x)| / sqrt(|K| deg x), 0 for isolated items', async () => {
    const scorer = itemKnnScorer(toyView());
    expect(scorer.name).toBe('itemknn');
    const s6 = 1 / Math.sqrt(6);
    expectRowsClose(await rows(scorer, [warm, coldOneNeighbour, coldTitleOnly, duplicated]), [
      [2 / Math.sqrt(4), s6, s6, 2 * s6, 0, 0],
      [0, 0, 0, 1 / Math.sqrt(3), 0, 0],
      [0, 0, 0, 0, 0, 0],
      [1 / Math.sqrt(2), 0, 1 / Math.sqrt(3), 1 / Math.sqrt(3), 0, 0],
    ]);
  });

  it('overwrites stale scores in the buffer', async () => {
    const out = new Float32Array(6).fill(7);
    await commonNeighborsScorer(toyView()).scoreBlock([coldOneNeighbour], out);
    expect(Array.from(out)).toEqual([0, 0, 0, 1, 0, 0]);
  });

  it('cannot score when no query has known neighbours, and says why', async () => {
    for (const make of [commonNeighborsScorer, adamicAdarScorer, itemKnnScorer]) {
      const scorer = make(toyView());
      expect(scorer.cannotScore!([coldTitleOnly, coldTitleOnly])).toBe(NEEDS_NEIGHBOURS);
      expect(scorer.cannotScore!([coldTitleOnly, coldOneNeighbour])).toBeUndefined();
      const result = await evaluateRanking(
        { numItems: 6, queries: [coldTitleOnly], relevant: [Int32Array.of(3)], excluded: [new Int32Array(0)] },
        scorer,
        { seed: 1 },
      );
      expect(result).toEqual({ method: scorer.name, metrics: null, queries: 1, note: NEEDS_NEIGHBOURS });
    }
  });

  it('refuses a known neighbour outside the graph', async () => {
    await expect(async () => rows(commonNeighborsScorer(toyView()), [toyQuery(0, [6])])).rejects.toThrow(/outside \[0, 6\)/);
  });

  it('ranks a held-out edge of the toy graph', async () => {
    // query 0 with training neighbour 1 excluded; hidden edge 0-3: CN(3) = 1 beats CN(4) = CN(5) = 0, ties with 2
    const result = await evaluateRanking(
      { numItems: 6, queries: [toyQuery(0, [1])], relevant: [Int32Array.of(3)], excluded: [Int32Array.of(0, 1)] },
      commonNeighborsScorer(toyView()),
      { seed: 1, ks: [1, 2] },
    );
    expect(result.metrics!['hr@2']).toBe(1);
  });
});
