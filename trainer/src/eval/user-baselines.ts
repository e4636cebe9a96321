import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { csrFromEdges } from '../graph/csr.ts';
import type { ReviewGraph } from '../graph/review-graph.ts';
import { randomScorer } from './baselines.ts';
import { checkOut } from './baselines/shape.ts';
import type { Scorer } from './types.ts';

/**
 * Baselines for user recommendations, learned from the training interactions
 * of a split only. Queries are user queries (see `user-protocols.ts`):
 * `knownNeighbors` is the user's training history, `node` the latest item.
 */

/** The binary users × items matrix of the training interactions, in both orientations. */
export interface TrainingMatrix {
  numUsers: number;
  numItems: number;
  /** `[numUsers + 1]` into `userItems`. */
  userOffsets: Int32Array;
  /** Distinct items of each user, ascending. */
  userItems: Int32Array;
  /** `[numItems + 1]` into `itemUsers`. */
  itemOffsets: Int32Array;
  /** Distinct users of each item, ascending. */
  itemUsers: Int32Array;
}

/**
 * The training matrix of a split: one entry per distinct (user, item) pair
 * among the `train` interactions.
 * @param train indices into the graph's interaction arrays.
 * @throws GraphrecError `eval/bad-split` when an index is out of range.
 */
export function trainingMatrix(graph: ReviewGraph, train: Int32Array): TrainingMatrix {
  const { numUsers, numItems } = graph;
  const n = graph.item.length;
  const src = new Int32Array(train.length);
  const dst = new Int32Array(train.length);
  for (let k = 0; k < train.length; k++) {
    const e = train[k];
    if (!(e >= 0 && e < n)) throw new GraphrecError('eval/bad-split', `train[${k}] = ${e} is outside [0, ${n})`);
    // Users and items share one id space here: users first, then items.
    src[k] = graph.user[e];
    dst[k] = numUsers + graph.item[e];
  }
  const bipartite = csrFromEdges(numUsers + numItems, { src, dst });
  const { offsets, targets } = bipartite;
  const userOffsets = offsets.slice(0, numUsers + 1);
  const userItems = targets.slice(0, offsets[numUsers]).map((t) => t - numUsers);
  const itemOffsets = offsets.slice(numUsers).map((o) => o - offsets[numUsers]);
  const itemUsers = targets.slice(offsets[numUsers]);
  return { numUsers, numItems, userOffsets, userItems, itemOffsets, itemUsers };
}

/** `[numItems]` number of distinct training users of each item: what popularity ranks by. */
export function itemUserCounts(matrix: TrainingMatrix): Int32Array {
  return Int32Array.from({ length: matrix.numItems }, (_, i) => matrix.itemOffsets[i + 1] - matrix.itemOffsets[i]);
}

/**
 * Popularity: every item scored by its number of training users, the same for every user.
 * @param matrix the training matrix; scores are `[numItems]` per query.
 */
export function userPopularityScorer(matrix: TrainingMatrix): Scorer {
  const { numItems } = matrix;
  const counts = Float32Array.from(itemUserCounts(matrix));
  return {
    name: 'popularity',
    scoreBlock(queries, out) {
      checkOut('popularity', queries, out, numItems);
      for (let q = 0; q < queries.length; q++) out.set(counts, q * numItems);
    },
  };
}

/**
 * Uniform random scores, a fresh stream per call (the product-graph random
 * baseline over `numItems` items).
 */
export function userRandomScorer(numItems: number, seed: number): Scorer {
  const none = new Int32Array(0);
  const graph = csrFromEdges(numItems, { src: none, dst: none });
  return randomScorer({ graph, features: { offsets: new Int32Array(numItems + 1), indices: none, weights: new Float32Array(0), dim: 0 } }, seed);
}

/** Which items of the history ItemKNN sums over. */
export type KnnQuery = 'history' | 'latest-item';

/**
 * ItemKNN on the training matrix: `score(i) = Σ_{h ∈ H} cos(h, i)` with
 * `cos(h, i) = |U(h) ∩ U(i)| / sqrt(|U(h)| · |U(i)|)` over the items' training
 * users, and H the user's history (or only the latest item). No neighbour
 * truncation. Computed through the users, never item × item:
 * `w[v] = Σ_{h ∈ H ∩ I(v)} 1/sqrt|U(h)|`, then `score(i) = Σ_v w[v] [i ∈ I(v)] / sqrt|U(i)|`,
 * so a query costs `Σ_h |U(h)| + Σ_{w[v] > 0} |I(v)|`, at most twice the training size.
 * @param matrix the training matrix.
 * @param query `'history'` (default) or `'latest-item'` (`Query.node` only).
 */
export function userItemKnnScorer(matrix: TrainingMatrix, query: KnnQuery = 'history'): Scorer {
  const { numUsers, numItems, userOffsets, userItems, itemOffsets, itemUsers } = matrix;
  const invSqrtUsers = new Float32Array(numItems);
  for (let i = 0; i < numItems; i++) {
    const d = itemOffsets[i + 1] - itemOffsets[i];
    invSqrtUsers[i] = d > 0 ? 1 / Math.sqrt(d) : 0;
  }
  const weight = new Float64Array(numUsers);
  const touched = new Int32Array(numUsers);
  const name = query === 'history' ? 'itemknn' : 'itemknn/latest-item';
  return {
    name,
    scoreBlock(queries, out) {
      checkOut(name, queries, out, numItems);
      for (let q = 0; q < queries.length; q++) {
        const row = out.subarray(q * numItems, (q + 1) * numItems);
        row.fill(0);
        const history = query === 'history' ? queries[q].knownNeighbors : Int32Array.of(queries[q].node);
        let active = 0;
        for (let k = 0; k < history.length; k++) {
          const h = history[k];
          if (!(h >= 0 && h < numItems)) throw new GraphrecError('eval/bad-node-id', `${name}: history item ${h} is outside [0, ${numItems})`);
          for (let p = itemOffsets[h]; p < itemOffsets[h + 1]; p++) {
            const v = itemUsers[p];
            if (weight[v] === 0) touched[active++] = v;
            weight[v] += invSqrtUsers[h];
          }
        }
        for (let a = 0; a < active; a++) {
          const v = touched[a];
          const w = weight[v];
          for (let p = userOffsets[v]; p < userOffsets[v + 1]; p++) row[userItems[p]] += w;
          weight[v] = 0;
        }
        for (let i = 0; i < numItems; i++) row[i] *= invSqrtUsers[i];
      }
    },
  };
}
