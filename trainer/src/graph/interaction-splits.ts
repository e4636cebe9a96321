import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { ReviewGraph } from './review-graph.ts';

/** A split of a review graph's interactions into index sets (indices into its interaction arrays). */
export interface InteractionSplit {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

/**
 * Temporal split (default 80/10/10): all interactions ordered by review time
 * (ties by interaction index, so the split is deterministic); the earliest
 * `trainFraction` train, the next `valFraction` validate, the rest test.
 */
export function temporalSplit(graph: ReviewGraph, options: { trainFraction?: number; valFraction?: number } = {}): InteractionSplit {
  const trainFraction = options.trainFraction ?? 0.8;
  const valFraction = options.valFraction ?? 0.1;
  if (!(trainFraction > 0 && valFraction >= 0 && trainFraction + valFraction < 1)) {
    throw new GraphrecError('split/bad-fraction', `trainFraction + valFraction must be below 1, got ${trainFraction} + ${valFraction}`);
  }
  const n = graph.time.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => graph.time[a] - graph.time[b] || a - b);
  const nTrain = Math.round(n * trainFraction);
  const nVal = Math.round(n * valFraction);
  return {
    train: order.slice(0, nTrain).sort(),
    val: order.slice(nTrain, nTrain + nVal).sort(),
    test: order.slice(nTrain + nVal).sort(),
  };
}

/**
 * Leave-last-one-out (DGL's protocol): per user, the latest interaction is
 * the test item and the one before it the validation item; users with fewer
 * than `minInteractions` (default 3) keep everything in training.
 * Interactions are already sorted by time within a user.
 */
export function leaveLastOut(graph: ReviewGraph, options: { minInteractions?: number } = {}): InteractionSplit {
  const min = options.minInteractions ?? 3;
  const train: number[] = [];
  const val: number[] = [];
  const test: number[] = [];
  for (let u = 0; u < graph.numUsers; u++) {
    const start = graph.userOffsets[u];
    const end = graph.userOffsets[u + 1];
    if (end - start < min) {
      for (let e = start; e < end; e++) train.push(e);
      continue;
    }
    for (let e = start; e < end - 2; e++) train.push(e);
    val.push(end - 2);
    test.push(end - 1);
  }
  return { train: Int32Array.from(train), val: Int32Array.from(val), test: Int32Array.from(test) };
}
