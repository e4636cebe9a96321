import { evaluateRanking } from './ranking.ts';
import type { RankingTask, Scorer } from './types.ts';

/**
 * A learned scorer plus a popularity prior, `score + β · log(1 + deg) / log(1 + maxDeg)`,
 * where deg is each item's degree in the training data. Popularity alone is a
 * strong baseline on small dense graphs and on test periods dominated by best
 * sellers; the prior lets a model keep its personal signal on top of it.
 * β is chosen on validation ({@link tunePopularityWeight}), never on test rows.
 */

/** The weights {@link tunePopularityWeight} tries; 0 keeps the learned scores alone. */
export const POPULARITY_WEIGHTS = [0, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2] as const;

/**
 * @param degrees `[numItems]` training degree of each item.
 * @param name the scorer's name, e.g. `'graphsage+popularity'`.
 */
export function popularityPriorScorer(base: Scorer, degrees: ArrayLike<number>, beta: number, name: string): Scorer {
  const n = degrees.length;
  let maxDeg = 1;
  for (let v = 0; v < n; v++) maxDeg = Math.max(maxDeg, degrees[v]);
  const prior = new Float32Array(n);
  for (let v = 0; v < n; v++) prior[v] = (beta * Math.log1p(degrees[v])) / Math.log1p(maxDeg);
  return {
    name,
    async scoreBlock(queries, out) {
      await base.scoreBlock(queries, out);
      for (let q = 0; q < queries.length; q++) for (let v = 0; v < n; v++) out[q * n + v] += prior[v];
    },
  };
}

/** The β with the best validation HR@10 (the smallest on ties, so 0 wins when the prior does not help). */
export async function tunePopularityWeight(validation: RankingTask, base: Scorer, degrees: ArrayLike<number>, seed: number): Promise<{ beta: number; valHr10: number }> {
  let best = { beta: 0, valHr10: -1 };
  for (const beta of POPULARITY_WEIGHTS) {
    const r = await evaluateRanking(validation, popularityPriorScorer(base, degrees, beta, 'tuning'), { seed, ks: [10] });
    const hr = r.metrics?.['hr@10'] ?? 0;
    if (hr > best.valHr10) best = { beta, valHr10: hr };
  }
  return best;
}
