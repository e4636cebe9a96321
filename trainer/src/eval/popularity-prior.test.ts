import { describe, expect, it } from 'vitest';
import { popularityPriorScorer, tunePopularityWeight } from './popularity-prior.ts';
import { evaluateRanking } from './ranking.ts';
import type { Query, RankingTask, Scorer } from './types.ts';

const N = 50;
const NO_FEATURES = { indices: new Int32Array(0), weights: new Float32Array(0) };
/** Item degrees: item 0 is by far the most popular, then a long flat tail. */
const DEGREES = Int32Array.from({ length: N }, (_, i) => (i === 0 ? 100 : 1 + (i % 3)));

/** 40 queries; a query's relevant item is item 0 (the best seller) for the first `popular` of them, its own item otherwise. */
function task(popular: number): RankingTask {
  const queries: Query[] = [];
  const relevant: Int32Array[] = [];
  for (let q = 0; q < 40; q++) {
    const own = 10 + q;
    queries.push({ node: own, features: NO_FEATURES, knownNeighbors: new Int32Array(0) });
    relevant.push(Int32Array.of(q < popular ? 0 : own === 0 ? 1 : (own % (N - 1)) + 1));
  }
  return { numItems: N, queries, relevant, excluded: queries.map(() => new Int32Array(0)) };
}

/** Knows each query's own item perfectly, and nothing about the best seller. */
const personal: Scorer = {
  name: 'personal',
  scoreBlock(queries, out) {
    out.fill(0);
    queries.forEach((q, k) => (out[k * N + ((q.node % (N - 1)) + 1)] = 1));
  },
};

describe('popularity prior', () => {
  it('adds β · log(1 + deg) / log(1 + maxDeg) to every score', async () => {
    const scorer = popularityPriorScorer(personal, DEGREES, 0.5, 'personal+popularity');
    const out = new Float32Array(N);
    await scorer.scoreBlock([{ node: 10, features: NO_FEATURES, knownNeighbors: new Int32Array(0) }], out);
    expect(out[0]).toBeCloseTo(0.5);
    expect(out[11]).toBeCloseTo(1 + (0.5 * Math.log1p(DEGREES[11])) / Math.log1p(100));
    expect(scorer.name).toBe('personal+popularity');
  });

  it('keeps β = 0 when the learned scores alone are best on validation', async () => {
    expect(await tunePopularityWeight(task(0), personal, DEGREES, 1)).toEqual({ beta: 0, valHr10: 1 });
  });

  it('picks a β > 0 when the best seller is what users take next, and the blend beats both parts', async () => {
    const validation = task(20);
    const tuned = await tunePopularityWeight(validation, personal, DEGREES, 1);
    expect(tuned.beta).toBeGreaterThan(0);
    const hr = async (s: Scorer) => (await evaluateRanking(task(20), s, { seed: 1, ks: [10] })).metrics!['hr@10'];
    const blended = await hr(popularityPriorScorer(personal, DEGREES, tuned.beta, 'blend'));
    expect(blended).toBe(1);
    expect(await hr(personal)).toBe(0.5);
  });
});
