import { csrFromEdges } from '../../graph/csr.ts';
import type { Query, TrainingView } from '../types.ts';

/**
 * A hand-drawn training view for the baseline tests: edges 0-1, 0-2, 1-2, 1-3,
 * 2-3, 3-4 and isolated node 5, so degrees are [2, 3, 3, 3, 1, 0]. Features:
 * item 0 = {f0}, 1 = {f0, f1}/√2, 2 = {f2: 3, f3: 4} (not unit length), 3-5 empty.
 */
export function toyView(): TrainingView {
  const graph = csrFromEdges(6, { src: Int32Array.of(0, 0, 1, 1, 2, 3), dst: Int32Array.of(1, 2, 2, 3, 3, 4) });
  const h = Math.SQRT1_2;
  return {
    graph,
    features: {
      offsets: Int32Array.of(0, 1, 3, 5, 5, 5, 5),
      indices: Int32Array.of(0, 0, 1, 2, 3),
      weights: Float32Array.of(1, h, h, 3, 4),
      dim: 5,
    },
  };
}

/** A query with the given known neighbours and sparse features. */
export function toyQuery(node: number, known: number[], features: [number, number][] = []): Query {
  return {
    node,
    knownNeighbors: Int32Array.from(known),
    features: { indices: Int32Array.from(features, (f) => f[0]), weights: Float32Array.from(features, (f) => f[1]) },
  };
}
