import { coReviewedItem, RandomWalkSampler, type WalkGraph } from '../graph/random-walk.ts';
import type { ReviewGraph } from '../graph/review-graph.ts';
import { pairKey } from '../graph/splits.ts';
import type { PairRows } from '../models/pinsage.ts';
import type { Rng } from '../util/rng.ts';
import type { PinSageConfig } from './pinsage-config.ts';
import { DenseIndex } from '../util/dense-index.ts';

/** A training batch: distinct products to embed, the scored pairs as rows of them, and the pairs hidden from the walks. */
export interface PinSageBatch {
  /** Distinct product ids: heads, tails and negatives. */
  targets: Int32Array;
  rows: PairRows;
  /** `pairKey`s of every (head, tail) and (head, negative) pair. */
  excluded: Set<number>;
}

/**
 * Builds a batch from training interactions `order[from .. to)`: each gives
 * a head (its product), a tail (another product of the same user, drawn with
 * {@link coReviewedItem}, within `pairWindow` interactions of it when > 0;
 * interactions whose user has no other product are skipped) and `negatives`
 * uniform random products other than the head.
 */
export function makePinSageBatch(graph: ReviewGraph, walk: WalkGraph, order: Int32Array, from: number, to: number, negatives: number, rng: Rng, pairWindow = 0): PinSageBatch {
  const index = new DenseIndex();
  const row = (v: number): number => index.row(v);
  const head: number[] = [];
  const tail: number[] = [];
  const neg: number[] = [];
  const excluded = new Set<number>();
  const n = graph.numItems;
  for (let k = from; k < to; k++) {
    const e = order[k];
    const h = graph.item[e];
    const t = coReviewedItem(walk, e, graph.user[e], rng, pairWindow);
    if (t < 0) continue;
    head.push(row(h));
    tail.push(row(t));
    excluded.add(pairKey(h, t, n));
    for (let j = 0; j < negatives; j++) {
      let m = rng.int(n);
      if (m === h) m = (m + 1 + rng.int(n - 1)) % n;
      neg.push(row(m));
      excluded.add(pairKey(h, m, n));
    }
  }
  return {
    targets: index.ids(),
    rows: { head: Int32Array.from(head), tail: Int32Array.from(tail), neg: Int32Array.from(neg), negatives },
    excluded,
  };
}

/**
 * One random-walk sampler per layer (they differ only in the stream each is
 * given), with the run's walk settings; `walks` overrides the walk count
 * (e.g. more walks for the final embeddings).
 */
export function layerSamplers(walk: WalkGraph, config: PinSageConfig, walks = config.walks): RandomWalkSampler[] {
  const options = { walks, walkLength: config.walkLength, restart: config.restart, topT: config.topT, coPurchaseProb: config.coPurchaseProb };
  return Array.from({ length: config.layers }, () => new RandomWalkSampler(walk, options));
}
