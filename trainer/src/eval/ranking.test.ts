import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { Rng } from '../util/rng.ts';
import { rankRelevant, selectTop, tieBreakOrder } from './rank-pass.ts';
import { evaluateRanking, linkPredictionScores } from './ranking.ts';
import type { Query, RankingTask, Scorer } from './types.ts';

const query = (node = 0): Query => ({
  node,
  features: { indices: new Int32Array(0), weights: new Float32Array(0) },
  knownNeighbors: new Int32Array(0),
});

/** A task of `rows.length` queries over `numItems` items with one relevant list each. */
function task(numItems: number, relevant: number[][], excluded: number[][] = relevant.map(() => []), candidates?: number[]): RankingTask {
  return {
    numItems,
    queries: relevant.map((_, q) => query(q)),
    relevant: relevant.map((r) => Int32Array.from(r)),
    excluded: excluded.map((e) => Int32Array.from(e)),
    ...(candidates ? { candidates: Uint8Array.from(candidates) } : {}),
  };
}

/** A scorer returning fixed rows, one per query in order (block-size independent). */
function fixedScorer(rows: number[][]): Scorer & { calls: number } {
  let next = 0;
  return {
    name: 'fixed',
    calls: 0,
    scoreBlock(queries, out) {
      this.calls++;
      const n = out.length / queries.length;
      for (let q = 0; q < queries.length; q++) out.set(rows[next++], q * n);
    },
  };
}

const oneQueryRank = async (t: RankingTask, rows: number[][], seed = 1): Promise<number> => {
  const r = await evaluateRanking(t, fixedScorer(rows), { seed, ks: [1] });
  return Math.round(1 / r.metrics!.mrr);
};

describe('evaluateRanking', () => {
  it('ignores an excluded item scored highest', async () => {
    expect(await oneQueryRank(task(4, [[1]]), [[9, 5, 1, 0]])).toBe(2);
    expect(await oneQueryRank(task(4, [[1]], [[0]]), [[9, 5, 1, 0]])).toBe(1);
  });

  it('ignores items outside the candidate mask, NaN ones included', async () => {
    expect(await oneQueryRank(task(4, [[1]], [[]], [1, 1, 0, 1]), [[1, 5, 9, 0]])).toBe(1);
    expect(await oneQueryRank(task(4, [[1]], [[3]], [0, 1, 1, 1]), [[NaN, 5, 1, NaN]])).toBe(1);
  });

  it('counts other relevant items as candidates that can rank above', async () => {
    const r = await evaluateRanking(task(5, [[1, 3]]), fixedScorer([[0, 3, 2, 4, 1]]), { seed: 1, ks: [1, 2] });
    // ranks: item 3 → 1, item 1 → 2
    expect(r.metrics).toMatchObject({ 'hr@1': 1, 'recall@1': 0.5, 'recall@2': 1, 'ndcg@2': 1, mrr: 1 });
  });

  it('throws when a relevant item is excluded or masked', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (isGraphrecError(e) ? e.code : String(e)));
    expect(await code(evaluateRanking(task(3, [[1]], [[1]]), fixedScorer([[0, 1, 2]]), { seed: 1 }))).toBe('eval/relevant-not-candidate');
    expect(await code(evaluateRanking(task(3, [[1]], [[]], [1, 0, 1]), fixedScorer([[0, 1, 2]]), { seed: 1 }))).toBe('eval/relevant-not-candidate');
    expect(await code(evaluateRanking(task(3, [[1]]), fixedScorer([[0, NaN, 2]]), { seed: 1 }))).toBe('eval/nan-score');
    expect(await code(evaluateRanking(task(3, [[1]]), fixedScorer([[NaN, 1, 2]]), { seed: 1 }))).toBe('eval/nan-score');
    expect(await code(evaluateRanking(task(3, [[3]]), fixedScorer([[0, 1, 2]]), { seed: 1 }))).toBe('eval/bad-task');
    expect(await code(evaluateRanking(task(3, [[]]), fixedScorer([[0, 1, 2]]), { seed: 1 }))).toBe('eval/bad-task');
  });

  it('reports a method that cannot score without calling it', async () => {
    const scorer = { ...fixedScorer([]), cannotScore: () => 'needs known neighbours' };
    const r = await evaluateRanking(task(3, [[1], [2]]), scorer, { seed: 1 });
    expect(r).toEqual({ method: 'fixed', metrics: null, queries: 2, note: 'needs known neighbours' });
    expect(scorer.calls).toBe(0);
  });

  it('breaks ties randomly, reproducibly per seed and not by id', async () => {
    const n = 51;
    const numQueries = 400;
    const rng = new Rng(7);
    const relevant = Array.from({ length: numQueries }, () => [rng.int(n)]);
    const zeros = new Array<number[]>(numQueries).fill(new Array<number>(n).fill(0));
    const r = await evaluateRanking(task(n, relevant), fixedScorer(zeros), { seed: 3, topN: n, blockSize: 64 });
    const ranks = relevant.map(([item], q) => r.topItems![q].indexOf(item) + 1);
    const meanRank = ranks.reduce((a, b) => a + b, 0) / numQueries;
    expect(meanRank).toBeGreaterThan((n + 1) / 2 - 3);
    expect(meanRank).toBeLessThan((n + 1) / 2 + 3);
    expect(r.metrics!.mrr).toBeCloseTo(ranks.reduce((a, b) => a + 1 / b, 0) / numQueries, 10);

    const firstItemRank = (seed: number) => oneQueryRank(task(n, [[0]]), [new Array<number>(n).fill(1)], seed);
    const bySeed = await Promise.all(Array.from({ length: 30 }, (_, s) => firstItemRank(s)));
    expect(new Set(bySeed).size).toBeGreaterThan(10);
    expect(bySeed.reduce((a, b) => a + b, 0) / bySeed.length).toBeGreaterThan(10);
    expect(await firstItemRank(5)).toBe(bySeed[5]);
  });

  it('gives the same metrics for every block size', async () => {
    const rng = new Rng(11);
    const rows = Array.from({ length: 13 }, () => Array.from({ length: 20 }, () => rng.int(5)));
    const t = task(20, rows.map((_, q) => [q % 20, (q + 7) % 20]), rows.map((_, q) => [(q + 1) % 20]));
    const results = await Promise.all([1, 4, 256].map((blockSize) => evaluateRanking(t, fixedScorer(rows), { seed: 2, blockSize, topN: 5 })));
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('returns the top-N candidates, best first, ties by the seeded order', async () => {
    const rows = [[3, 9, 3, 7, 3, 9]];
    const r = await evaluateRanking(task(6, [[0]], [[5]], [1, 1, 1, 1, 0, 1]), fixedScorer(rows), { seed: 4, topN: 4 });
    const order = tieBreakOrder(6, 4);
    const tiedFirst = order[0] < order[2] ? [0, 2] : [2, 0];
    expect(Array.from(r.topItems![0])).toEqual([1, 3, ...tiedFirst]);
    const all = await evaluateRanking(task(6, [[0]], [[5]], [1, 1, 1, 1, 0, 1]), fixedScorer(rows), { seed: 4, topN: 10 });
    expect(all.topItems![0].length).toBe(4);
  });

  it('returns each query’s best relevant rank, the one HR@K is a threshold of', async () => {
    // Query 0: relevant items rank 3rd (score 7) and 5th (score 1); query 1: its only relevant item ranks 1st.
    const rows = [[9, 8, 7, 5, 1], [0, 9, 1, 2, 3]];
    const r = await evaluateRanking(task(5, [[2, 4], [1]]), fixedScorer(rows), { seed: 1, ks: [1, 3] });
    expect(Array.from(r.bestRanks!)).toEqual([3, 1]);
    expect(r.metrics).toMatchObject({ 'hr@1': 0.5, 'hr@3': 1 });
  });
});

describe('rankRelevant and selectTop', () => {
  it('agree with a brute-force ranking on random rows with ties and blocked items', () => {
    const arb = fc.integer({ min: 2, max: 40 }).chain((n) =>
      fc.record({
        scores: fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(-Infinity)), { minLength: n, maxLength: n }),
        blocked: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
        seed: fc.nat(),
        topN: fc.integer({ min: 1, max: n + 2 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ scores, blocked, seed, topN }) => {
        const n = scores.length;
        const mask = Uint8Array.from(blocked, (b) => (b === 0 ? 1 : 0));
        const relevant = Int32Array.from(scores.map((_, i) => i).filter((i) => mask[i] === 0 && i % 3 === 0));
        const row = Float32Array.from(scores);
        const tie = tieBreakOrder(n, seed);
        const better = (a: number, b: number) => row[a] > row[b] || (row[a] === row[b] && tie[a] < tie[b]);
        const sorted = scores.map((_, i) => i).filter((i) => mask[i] === 0).sort((a, b) => (better(a, b) ? -1 : 1));
        const ranks = new Float64Array(relevant.length);
        const sunk = row.map((s, i) => (mask[i] === 1 ? -Infinity : s));
        rankRelevant(sunk, relevant, mask, tie, ranks);
        expect(Array.from(ranks)).toEqual(Array.from(relevant, (r) => sorted.indexOf(r) + 1));
        expect(Array.from(selectTop(row, mask, tie, topN, new Int32Array(topN)))).toEqual(sorted.slice(0, topN));
      }),
    );
  });
});

describe('rankRelevant with many relevant items (the one-pass path)', () => {
  it('agrees with a brute-force ranking', () => {
    const arb = fc.integer({ min: 30, max: 80 }).chain((n) =>
      fc.record({ scores: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }), excludedEvery: fc.integer({ min: 3, max: 7 }), seed: fc.nat() }),
    );
    fc.assert(
      fc.property(arb, ({ scores, excludedEvery, seed }) => {
        const n = scores.length;
        const mask = Uint8Array.from(scores, (_, i) => (i % excludedEvery === 1 ? 1 : 0));
        const relevant = Int32Array.from(scores.map((_, i) => i).filter((i) => mask[i] === 0 && i % 2 === 0));
        expect(relevant.length).toBeGreaterThan(8);
        const row = Float32Array.from(scores, (s, i) => (mask[i] === 1 ? -Infinity : s));
        const tie = tieBreakOrder(n, seed);
        const better = (a: number, b: number) => row[a] > row[b] || (row[a] === row[b] && tie[a] < tie[b]);
        const sorted = scores.map((_, i) => i).filter((i) => mask[i] === 0).sort((a, b) => (better(a, b) ? -1 : 1));
        const ranks = new Float64Array(relevant.length);
        rankRelevant(row, relevant, mask, tie, ranks);
        expect(Array.from(ranks)).toEqual(Array.from(relevant, (r) => sorted.indexOf(r) + 1));
      }),
    );
  });
});

describe('linkPredictionScores', () => {
  it('scores pairs with the given function', () => {
    const pos = { src: Int32Array.of(0, 1), dst: Int32Array.of(2, 3) };
    const neg = { src: Int32Array.of(2, 3), dst: Int32Array.of(4, 5) };
    // u + v: positives 2, 4 below negatives 6, 8; AP = .5·(1/3) + .5·(2/4)
    const low = linkPredictionScores(pos, neg, (u, v) => u + v);
    expect(low.auc).toBe(0);
    expect(low.ap).toBeCloseTo(5 / 12, 12);
    expect(linkPredictionScores(pos, neg, (u, v) => -(u + v))).toEqual({ auc: 1, ap: 1 });
  });
});
