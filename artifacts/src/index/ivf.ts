import { GraphrecError } from '../errors.ts';
import { cosineToCodes, unitFromCodes } from '../vectors/maxabs.ts';

/** What the IVF search needs from a shard's HNSW index (the pure-TS usearch reader provides it). */
export interface HnswSearcher {
  search(query: Float32Array, k: number): { keys: ArrayLike<number> };
}

/** One loaded shard: its HNSW index, and its items' max-abs codes in ascending key order. */
export interface ShardVectors {
  hnsw: HnswSearcher;
  /** Ascending item keys. */
  keys: ArrayLike<number>;
  /** `[keys.length, dim]` max-abs int16 codes, row `i` for `keys[i]`. */
  codes: Int16Array;
  dim: number;
}

export interface Hit {
  key: number;
  /** Cosine similarity of the float query and the item's int16 code. */
  score: number;
  shard: number;
  /** Row of `key` in its shard. */
  row: number;
}

/** Row of `key` in a shard, or -1. */
export function rowOf(shard: ShardVectors, key: number): number {
  return rowOfKey(shard.keys, key);
}

/** Index of `key` in ascending `keys`, or -1 (binary search). */
export function rowOfKey(keys: ArrayLike<number>, key: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid];
    if (k === key) return mid;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The unit vector stored for `key` in a shard (its int16 code, normalised), or undefined when the shard lacks it. */
export function storedUnitVector(shard: ShardVectors, key: number): Float32Array | undefined {
  const row = rowOf(shard, key);
  return row < 0 ? undefined : unitFromCodes(shard.codes.subarray(row * shard.dim, (row + 1) * shard.dim));
}

/** Shard ids ordered by their centroid's similarity to `query`, best first. */
export function probeOrder(centroids: readonly (readonly number[])[], query: ArrayLike<number>): number[] {
  const scores = centroids.map((c) => {
    if (c.length !== query.length) throw new GraphrecError('index/dimensions', `query has ${query.length} dimensions, the index ${c.length}`);
    let s = 0;
    for (let j = 0; j < c.length; j++) s += c[j] * query[j];
    return s;
  });
  return scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

export interface IvfSearchOptions {
  k: number;
  nprobe: number;
  /** HNSW returns `shortlist · (k + excluded)` candidates per shard for re-scoring. */
  shortlist: number;
  /** Keys never returned (the query item itself, a shopper's history). */
  exclude?: ReadonlySet<number>;
}

/**
 * IVF search: probe the `nprobe` shards nearest the query, take an HNSW
 * shortlist from each, re-score it with the float query against the
 * max-abs int16 codes, and return the best `k` overall (score descending,
 * key ascending on ties).
 */
export async function searchIvf(
  query: Float32Array,
  centroids: readonly (readonly number[])[],
  loadShard: (id: number) => Promise<ShardVectors>,
  options: IvfSearchOptions,
): Promise<Hit[]> {
  const probes = probeOrder(centroids, query).slice(0, Math.max(1, options.nprobe));
  const shards = await Promise.all(probes.map(loadShard));
  const count = options.shortlist * (options.k + (options.exclude?.size ?? 0));
  const hits: Hit[] = [];
  shards.forEach((shard, p) => rerankShard(shard, probes[p], query, count, options.exclude, hits));
  hits.sort((a, b) => b.score - a.score || a.key - b.key);
  return hits.slice(0, options.k);
}

/**
 * Appends to `hits` the HNSW shortlist of `count` items of one shard,
 * re-scored with the float query against their int16 codes (unsorted).
 */
export function rerankShard(shard: ShardVectors, shardId: number, query: Float32Array, count: number, exclude: ReadonlySet<number> | undefined, hits: Hit[]): void {
  const { keys } = shard.hnsw.search(query, Math.min(shard.keys.length, count));
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (exclude?.has(key)) continue;
    const row = rowOf(shard, key);
    if (row < 0) throw new GraphrecError('index/corrupt', `shard ${shardId} index returned key ${key}, which is not among its items`);
    hits.push({ key, score: cosineToCodes(query, shard.codes, row * shard.dim), shard: shardId, row });
  }
}
