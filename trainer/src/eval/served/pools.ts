import { embedNewProduct, type GraphSageWeights } from '../../../../artifacts/src/forward/graphsage.ts';
import { gatherCandidates, type CandidatePool } from '../../../../artifacts/src/ranker/rank.ts';
import type { RankerSettings } from '../../../../artifacts/src/ranker/schema.ts';
import type { Query } from '../types.ts';
import { cosineToCodes } from '../../../../artifacts/src/vectors/maxabs.ts';
import { nearestByCosine, type ServedWorld } from './world.ts';

/** One query as the served ranker sees it: its candidates, its vector, and the cosine of any item to it. */
export interface ServedQuery {
  pool: CandidatePool;
  vector: Float32Array;
  /** Cosine of the query to item `key`'s served code, as export and the Worker compute it. */
  cosineOf(key: number): number;
}

/**
 * The query's vector as the edge has it: a known product's served code, or a
 * new product's inductive embedding from its features and its known
 * neighbours' int8 states (the catalogue's), as `/v1/items/embed` computes it.
 */
function queryVector(world: ServedWorld, weights: GraphSageWeights, q: Query): Float32Array {
  if (q.node >= 0) return world.units.subarray(q.node * world.dim, (q.node + 1) * world.dim);
  return embedNewProduct(weights, q.features, Array.from(q.knownNeighbors, (u) => world.state(u)));
}

/**
 * Builds the candidate pools of a block of queries with the served sources:
 * the known neighbours' lists, a known product's own list (bought together),
 * the embedding's nearest items and the popular list. Only the query itself
 * is excluded here; a protocol's other exclusions are the ranking engine's.
 * Only the embedding's proposals carry a cosine; the ranker asks `cosineOf`
 * for the others when its weights use the embedding.
 */
export function servedPools(world: ServedWorld, weights: GraphSageWeights, queries: readonly Query[], candidates: RankerSettings['candidates']): ServedQuery[] {
  const { dim } = world;
  const vectors = new Float32Array(queries.length * dim);
  queries.forEach((q, i) => vectors.set(queryVector(world, weights, q), i * dim));
  const nearest = nearestByCosine(world, vectors, queries.map((q) => q.node), candidates.embedding);
  return queries.map((q, i) => {
    const self = q.node;
    const allowed = world.allowed;
    const pool = gatherCandidates(
      {
        known: Array.from(new Set(q.knownNeighbors), (u) => world.lists[u]),
        direct: self >= 0 ? world.lists[self] : undefined,
        embedding: nearest[i],
        popular: world.popular,
        excluded: (key) => key === self || (allowed !== undefined && allowed[key] !== 1),
      },
      { candidates },
    );
    const vector = vectors.subarray(i * dim, (i + 1) * dim);
    return { pool, vector, cosineOf: (key) => cosineToCodes(vector, world.units, key * dim) };
  });
}
