import { encodeGraphLists } from '../../../artifacts/src/index/graph-lists.ts';
import { packRef } from '../../../artifacts/src/index/similar-lists.ts';
import { shardGraphKey } from '../../../artifacts/src/manifest/keys.ts';
import type { BlockedObjectRef } from '../../../artifacts/src/manifest/schema.ts';
import { capNeighbours, gatherCandidates, rankCandidates, type GraphList } from '../../../artifacts/src/ranker/rank.ts';
import type { RankerSettings } from '../../../artifacts/src/ranker/schema.ts';
import { cosineToCodes, unitFromCodes } from '../../../artifacts/src/vectors/maxabs.ts';
import { writeBlockedObject } from './files.ts';
import type { SimilarRanking } from './similar.ts';

/** The co-purchase graph a GraphSAGE version serves its ranker from, in the catalogue's product order. */
export interface ServedGraphInput {
  /** Neighbours of product `p` (product indices). */
  neighbours(p: number): ArrayLike<number>;
  degree(p: number): number;
}

/** The graph in served keys: each key's capped list, and the writer of the per-shard list objects. */
export interface ServedGraph {
  /** Key `key`'s list, neighbours as served keys. */
  list(key: number): GraphList;
  /** Every neighbour of key `key` (uncapped), as served keys: whose lists the ranker reads for a known product. */
  neighbours(key: number): number[];
  degrees: Int32Array;
  maxDegree: number;
}

/**
 * Maps the co-purchase lists into served keys, capped as the ranker expects
 * (the same `capNeighbours` the evaluator ranks with).
 * @param product `[n]` the product each served key stands for; `idOf` names products.
 */
export function servedGraph(input: ServedGraphInput, product: Int32Array, idOf: (p: number) => string, cap: number): ServedGraph {
  const n = product.length;
  const keyOf = new Int32Array(n);
  product.forEach((p, key) => (keyOf[p] = key));
  const degrees = Int32Array.from(product, (p) => input.degree(p));
  const maxDegree = degrees.reduce((m, d) => Math.max(m, d), 0);
  const lists = new Array<GraphList | undefined>(n);
  return {
    degrees,
    maxDegree,
    neighbours: (key) => Array.from(input.neighbours(product[key]), (u) => keyOf[u]),
    list(key) {
      let l = lists[key];
      if (!l) {
        const p = product[key];
        const kept = capNeighbours(input.neighbours(p), cap, input.degree, idOf).map((u) => keyOf[u]);
        l = lists[key] = { degree: degrees[key], keys: kept, degrees: kept.map((k) => degrees[k]) };
      }
      return l;
    },
  };
}

/**
 * Writes one graph-lists object per shard, rows in key order, neighbours as served references.
 * @param refOf `[n]` each key's reference ({@link refsOfKeys}).
 */
export async function writeGraphLists(outDir: string, graph: ServedGraph, shardKeys: readonly (readonly number[])[], refOf: Uint32Array, blockRows: number): Promise<BlockedObjectRef[]> {
  const refs: BlockedObjectRef[] = [];
  for (const [s, keys] of shardKeys.entries()) {
    const { bytes, starts } = encodeGraphLists(
      keys.map((key) => {
        const l = graph.list(key);
        return { degree: l.degree, refs: Array.from(l.keys, (k) => refOf[k]), degrees: l.degrees };
      }),
    );
    refs.push(await writeBlockedObject(outDir, shardGraphKey(s), bytes, starts, blockRows));
  }
  return refs;
}

/** `[n]` served reference (`shard << 16 | row`) of each key. */
export function refsOfKeys(shardKeys: readonly (readonly number[])[]): Uint32Array {
  const n = shardKeys.reduce((s, k) => s + k.length, 0);
  const refs = new Uint32Array(n);
  shardKeys.forEach((keys, s) => keys.forEach((key, row) => (refs[key] = packRef(s, row))));
  return refs;
}

/**
 * "Similar to a known product" as served: the ranker over the product's
 * co-purchases (first, as bought together), its co-purchases' lists, its
 * nearest items by cosine and the popular items, every cosine on the int16 codes.
 */
export function similarRanking(settings: RankerSettings, graph: ServedGraph, codes: Int16Array, dim: number, popularKeys: readonly number[]): SimilarRanking {
  const popular = popularKeys.map((key) => ({ key, degree: graph.degrees[key] }));
  return {
    annDepth: settings.candidates.embedding,
    rank(q, nearest) {
      const own = graph.list(q);
      const pool = gatherCandidates(
        {
          known: [...new Set(graph.neighbours(q))].map((k) => graph.list(k)),
          direct: own,
          embedding: nearest.map((c) => ({ key: c.key, degree: graph.degrees[c.key], cosine: c.score })),
          popular,
          excluded: (key) => key === q,
        },
        settings,
      );
      const query = unitFromCodes(codes.subarray(q * dim, (q + 1) * dim));
      return rankCandidates(pool, settings, (key) => cosineToCodes(query, codes, key * dim));
    },
  };
}
