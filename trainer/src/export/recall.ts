import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exactSearch, MetricKind } from 'usearch';
import { searchIvf, type ShardVectors } from '../../../artifacts/src/index/ivf.ts';
import { assembleShard } from '../../../artifacts/src/index/shard.ts';
import { ShardItemsSchema, type Manifest } from '../../../artifacts/src/manifest/schema.ts';
import { unitFromCodes } from '../../../artifacts/src/vectors/maxabs.ts';
import { openUsearchIndex } from '../../../artifacts/src/usearch/index.ts';
import { Rng } from '../util/rng.ts';

type IndexSection = Omit<Manifest['index'], 'nprobe' | 'recallAt10'>;

/** Loads every shard of an export folder through the edge's own code path (pure-TS usearch reader). */
export async function loadShards(outDir: string, index: IndexSection, dim: number): Promise<ShardVectors[]> {
  return Promise.all(index.shards.map(async (s) => {
    const items = ShardItemsSchema.parse(JSON.parse(await readFile(join(outDir, s.meta.key), 'utf8')));
    const bytes = new Uint8Array(await readFile(join(outDir, s.index.key)));
    return assembleShard(s.id, openUsearchIndex(bytes), items, new Uint8Array(await readFile(join(outDir, s.codes.key))), dim);
  }));
}

/**
 * Recall@10 of "items similar to item q" through the served path — query
 * from q's stored int16 code, IVF probe, HNSW shortlist, re-rank — against exact
 * float32 search over all embeddings, q itself excluded on both sides.
 * Chooses the smallest nprobe reaching `target` (or measures a fixed one).
 */
export async function chooseNprobe(
  outDir: string,
  o: { z: Float32Array; dim: number; codes: Int16Array; index: IndexSection; shortlist: number; fixed?: number; target: number; queries: number; seed: number },
): Promise<{ nprobe: number; recallAt10: number; byNprobe: Record<string, number> }> {
  const n = o.z.length / o.dim;
  const shards = await loadShards(outDir, o.index, o.dim);
  const rng = new Rng(o.seed + 17);
  const count = Math.min(o.queries, n);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(rng.int(n));
  const queryKeys = [...picked];
  const queries = new Float32Array(count * o.dim);
  queryKeys.forEach((q, i) => queries.set(o.z.subarray(q * o.dim, (q + 1) * o.dim), i * o.dim));
  const k = Math.min(10, n - 1);
  if (k <= 0) return { nprobe: 1, recallAt10: 1, byNprobe: {} };
  const exact = exactSearch(o.z, queries, o.dim, k + 1, MetricKind.Cos, 0);
  const truth = queryKeys.map((q, i) => {
    const row = 'get' in exact ? exact.get(i).keys : exact.keys;
    return new Set(Array.from(row, Number).filter((key) => key !== q).slice(0, k));
  });
  const byNprobe: Record<string, number> = {};
  const candidates = o.fixed !== undefined ? [o.fixed] : [1, 2, 3, 4, 6, 8];
  let chosen = { nprobe: candidates.at(-1)!, recallAt10: 0 };
  for (const nprobe of candidates.filter((c, i) => i === 0 || c <= shards.length)) {
    let found = 0;
    for (let i = 0; i < count; i++) {
      const q = queryKeys[i];
      const query = unitFromCodes(o.codes.subarray(q * o.dim, (q + 1) * o.dim));
      const hits = await searchIvf(query, o.index.centroids, async (id) => shards[id], { k, nprobe, shortlist: o.shortlist, exclude: new Set([q]) });
      for (const h of hits) if (truth[i].has(h.key)) found++;
    }
    const recall = found / (count * k);
    byNprobe[nprobe] = recall;
    chosen = { nprobe: Math.min(nprobe, shards.length), recallAt10: recall };
    if (recall >= o.target || nprobe >= shards.length) break;
  }
  return { ...chosen, byNprobe };
}
