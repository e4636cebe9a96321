import type { GraphSageWeights } from '../../../../artifacts/src/forward/graphsage.ts';
import { popularitySignal, rankCandidates } from '../../../../artifacts/src/ranker/rank.ts';
import type { RankerSettings } from '../../../../artifacts/src/ranker/schema.ts';
import { checkOut } from '../baselines/shape.ts';
import type { Scorer } from '../types.ts';
import { servedPools } from './pools.ts';
import type { ServedWorld } from './world.ts';

/** Lifts the query's own co-purchases above every blended score (which lie in [-1, 1]). */
const DIRECT = 4;

/**
 * The served ranking as a scorer: the `artifacts/` ranker over the served
 * sources, so `served` rows rank exactly as the edge does. Candidates keep
 * the ranker's scores (in [-1, 1]); every other item ranks below them in
 * popularity order, as the edge pads a short list with popular items.
 */
export function servedScorer(name: string, world: ServedWorld, weights: GraphSageWeights, settings: RankerSettings): Scorer {
  const n = world.numItems;
  const below = Float32Array.from(world.degrees, (d) => -3 + popularitySignal(d, world.maxDegree));
  return {
    name,
    scoreBlock(queries, out) {
      checkOut(name, queries, out, n);
      const pools = servedPools(world, weights, queries, settings.candidates);
      pools.forEach(({ pool, cosineOf }, q) => {
        const row = out.subarray(q * n, (q + 1) * n);
        row.set(below);
        // Known co-purchases lead the served list (the ranker's order); ties keep the engine's seeded tie-break.
        for (const item of rankCandidates(pool, settings, cosineOf)) row[item.key] = item.score + (item.reason === 'bought-together' ? DIRECT : 0);
      });
    },
  };
}
