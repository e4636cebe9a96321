import type { ReviewGraph } from './review-graph.ts';

/**
 * A review graph built directly from in-memory `(user, item)` pairs, for
 * tests and planted experiments that need no files. Interactions are grouped
 * by user and keep their given order as time order (time = position);
 * ids are `U<u>` and `I<i>`. Pairs must be distinct.
 *
 * @param pairs `[user, item]` with `user < numUsers`, `item < numItems`.
 * @example reviewGraphOf(2, 3, [[0, 0], [0, 1], [1, 2]])
 */
export function reviewGraphOf(numUsers: number, numItems: number, pairs: readonly (readonly [number, number])[]): ReviewGraph {
  const sorted = pairs.map((p, k) => [p[0], p[1], k] as const).sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  const userOffsets = new Int32Array(numUsers + 1);
  for (const [u] of sorted) userOffsets[u + 1]++;
  for (let u = 0; u < numUsers; u++) userOffsets[u + 1] += userOffsets[u];
  const item = Int32Array.from(sorted, (p) => p[1]);
  const itemOffsets = new Int32Array(numItems + 1);
  for (const i of item) itemOffsets[i + 1]++;
  for (let i = 0; i < numItems; i++) itemOffsets[i + 1] += itemOffsets[i];
  const cursor = itemOffsets.slice(0, numItems);
  const itemEdges = new Int32Array(item.length);
  item.forEach((i, e) => (itemEdges[cursor[i]++] = e));
  return {
    userIds: Array.from({ length: numUsers }, (_, u) => `U${u}`),
    asins: Array.from({ length: numItems }, (_, i) => `I${i}`),
    numUsers,
    numItems,
    userOffsets,
    item,
    user: Int32Array.from(sorted, (p) => p[0]),
    rating: new Float32Array(item.length).fill(5),
    helpfulness: new Float32Array(item.length),
    time: Float64Array.from(sorted, (p) => p[2]),
    itemOffsets,
    itemEdges,
    stats: { reviewsRead: pairs.length, duplicateReviews: 0, interactions: pairs.length },
  };
}
