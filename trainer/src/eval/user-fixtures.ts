import type { ReviewRecord } from '../data/records.ts';
import { buildReviewGraph, type ReviewGraph } from '../graph/review-graph.ts';

/**
 * Review graphs for the user-evaluation tests, built by the real builder so
 * their interaction order (by user, then time) is the one the protocols see.
 */

/** One interaction: user id, item id, time. */
export type ToyInteraction = readonly [user: string, item: string, time: number];

/** The review graph of the given interactions (ratings 5, no votes). */
export async function toyReviewGraph(interactions: readonly ToyInteraction[]): Promise<ReviewGraph> {
  async function* stream(): AsyncGenerator<ReviewRecord> {
    for (const [userId, asin, time] of interactions) yield { userId, asin, rating: 5, helpfulVotes: 0, totalVotes: undefined, time };
  }
  return buildReviewGraph(stream());
}

/** Item ids of a graph by external id, for readable assertions. */
export function itemIdOf(graph: ReviewGraph): (asin: string) => number {
  const index = new Map(graph.asins.map((a, i) => [a, i]));
  return (asin) => {
    const i = index.get(asin);
    if (i === undefined) throw new Error(`no item ${asin} in the toy graph`);
    return i;
  };
}

/** The interaction indices of the graph whose (user, item) pairs are listed, sorted. */
export function interactionsOf(graph: ReviewGraph, pairs: readonly (readonly [string, string])[]): Int32Array {
  const wanted = new Set(pairs.map(([u, i]) => `${u}\u0000${i}`));
  const out: number[] = [];
  for (let e = 0; e < graph.item.length; e++) if (wanted.has(`${graph.userIds[graph.user[e]]}\u0000${graph.asins[graph.item[e]]}`)) out.push(e);
  if (out.length !== wanted.size) throw new Error(`only ${out.length} of ${wanted.size} pairs are interactions of the toy graph`);
  return Int32Array.from(out);
}
