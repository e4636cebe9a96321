import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exactSearch, MetricKind } from 'usearch';
import { searchIvf, type ShardVectors } from '../../../artifacts/src/index/ivf.ts';
import { assembleShard } from '../../../artifacts/src/index/shard.ts';
import { ShardRows } from '../../../artifacts/src/index/shard-rows.ts';
import type { Manifest } from '../../../artifacts/src/manifest/schema.ts';
import { unitFromCodes } from '../../../artifacts/src/vectors/maxabs.ts';
import { openUsearchIndex } from '../../../artifacts/src/usearch/index.ts';
import { Rng } from '../util/rng.ts';

type IndexSection = Omit<Manifest['index'], 'nprobe' | 'recallAt10'>;

/** Loads every shard of an export folder through the edge's own code path (pure-TS usearch reader). */
export async function loadShards(outDir: string, index: IndexSection, dim: number): Promise<ShardVectors[]> {
  return Promise.all(index.shards.map(async (s) => {
    const rows = ShardRows.parse(new Uint8Array(await readFile(join(outDir, s.meta.key))), s.id);
    const bytes = new Uint8Array(await readFile(join(outDir, s.index.key)));
    return assembleShard(s.id, openUsearchIndex(bytes), rows.keys, new Uint8Array(await readFile(join(outDir, s.codes.key))), dim);
  }));
}

/** `count` distinct item keys out of `n`, seeded: the recall queries. */
export function sampleQueryKeys(n: number, count: number, seed: number): number[] {
  const rng = new Rng(seed + 17);
  const picked = new Set<number>();
  while (picked.size < Math.min(count, n)) picked.add(rng.int(n));
  return [...picked];
}

/** Exact top-`k` float32 cosine neighbours of each query item, the item itself excluded. */
export function exactNeighbours(z: Float32Array, dim: number, queryKeys: readonly number[], k: number): Set<number>[] {
  const truth: Set<number>[] = [];
  // usearch's exact search holds a [items × queries] distance matrix: a few queries at a time.
  for (let start = 0; start < queryKeys.length; start += 16) {
    const batch = queryKeys.slice(start, start + 16);
    const queries = new Float32Array(batch.length * dim);
    batch.forEach((q, i) => queries.set(z.subarray(q * dim, (q + 1) * dim), i * dim));
    const exact = exactSearch(z, queries, dim, k + 1, MetricKind.Cos, 0);
    batch.forEach((q, i) => {
      const row = 'get' in exact ? exact.get(i).keys : exact.keys;
      truth.push(new Set(Array.from(row, Number).filter((key) => key !== q).slice(0, k)));
    });
  }
  return truth;
}

/**
 * Recall@10 of "items similar to item q" through the served path — query
 * from q's stored int16 code, IVF probe, HNSW shortlist, re-rank — against exact
 * float32 search over all embeddings, q itself excluded on both sides.
 * Chooses the smallest nprobe reaching `target`, at most `maxNprobe` (or measures a fixed one).
 */
export async function chooseNprobe(
  outDir: string,
  o: { z: Float32Array; dim: number; codes: Int16Array; index: IndexSection; shardKeys: number[][]; shortlist: number; fixed?: number; maxNprobe: number; target: number; queries: number; seed: number },
): Promise<{ nprobe: number; recallAt10: number; byNprobe: Record<string, number> }> {
  const n = o.z.length / o.dim;
  // Keys and codes come from memory and only the HNSW files are read (lazily):
  // parsing every shard's items JSON would cost gigabytes at a million items.
  const loaded = new Map<number, ShardVectors>();
  const shardAt = async (id: number): Promise<ShardVectors> => {
    let shard = loaded.get(id);
    if (!shard) {
      const keys = o.shardKeys[id];
      const codes = new Int16Array(keys.length * o.dim);
      keys.forEach((key, i) => codes.set(o.codes.subarray(key * o.dim, (key + 1) * o.dim), i * o.dim));
      const hnsw = openUsearchIndex(new Uint8Array(await readFile(join(outDir, o.index.shards[id].index.key))));
      shard = { hnsw, keys, codes, dim: o.dim };
      loaded.set(id, shard);
    }
    return shard;
  };
  const count = Math.min(o.queries, n);
  const queryKeys = sampleQueryKeys(n, count, o.seed);
  const k = Math.min(10, n - 1);
  if (k <= 0) return { nprobe: 1, recallAt10: 1, byNprobe: {} };
  const truth = exactNeighbours(o.z, o.dim, queryKeys, k);
  const byNprobe: Record<string, number> = {};
  const candidates = o.fixed !== undefined ? [o.fixed] : [1, 2, 3, 4, 5, 6, 8, 10, 12, 16].filter((c) => c === 1 || c <= o.maxNprobe);
  let chosen = { nprobe: candidates.at(-1)!, recallAt10: 0 };
  const shardCount = o.index.shards.length;
  for (const nprobe of candidates.filter((c, i) => i === 0 || c <= shardCount)) {
    let found = 0;
    for (let i = 0; i < count; i++) {
      const q = queryKeys[i];
      const query = unitFromCodes(o.codes.subarray(q * o.dim, (q + 1) * o.dim));
      const hits = await searchIvf(query, o.index.centroids, shardAt, { k, nprobe, shortlist: o.shortlist, exclude: new Set([q]) });
      for (const h of hits) if (truth[i].has(h.key)) found++;
    }
    const recall = found / (count * k);
    byNprobe[nprobe] = recall;
    chosen = { nprobe: Math.min(nprobe, shardCount), recallAt10: recall };
    if (recall >= o.target || nprobe >= shardCount) break;
  }
  return { ...chosen, byNprobe };
}
