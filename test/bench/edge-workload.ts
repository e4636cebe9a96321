import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { probeOrder } from '../../artifacts/src/index/ivf.ts';
import { catalogueShardOf, shardCodesKey, shardItemsKey } from '../../artifacts/src/manifest/keys.ts';
import type { Manifest, ShardItems } from '../../artifacts/src/manifest/schema.ts';
import { unitFromCodes } from '../../artifacts/src/vectors/maxabs.ts';
import type { NodeEdge } from './edge-compute.ts';
import type { RequestVariant } from './edge-load.ts';

/** Bytes the isolate LRU charges for a shard (edge/src/store/served-version.ts: index + codes + 2 × items JSON). */
export function shardCacheBytes(manifest: Manifest, id: number): number {
  const s = manifest.index.shards[id]!;
  return s.index.bytes + s.codes.bytes + 2 * s.meta.bytes;
}

/** Bytes the LRU charges for the catalogue objects holding `ids` (2 × object bytes each, for the parsed entries). */
export function catalogueCacheBytes(manifest: Manifest, ids: Iterable<string>): number {
  const objects = manifest.catalogue.objects;
  const refs = new Set([...ids].map((id) => catalogueShardOf(id, objects.length)));
  return [...refs].reduce((s, r) => s + 2 * objects[r]!.bytes, 0);
}

/** A shard's items and their unit vectors (from the int16 codes the edge serves). */
export interface ShardRows {
  items: ShardItems['items'];
  vectors: Float32Array[];
}

export async function readShardRows(dir: string, manifest: Manifest, id: number, limit = Infinity): Promise<ShardRows> {
  const meta = JSON.parse(await readFile(join(dir, shardItemsKey(id)), 'utf8')) as ShardItems;
  const raw = await readFile(join(dir, shardCodesKey(id)));
  const codes = new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
  const dim = manifest.model.dimensions;
  const n = Math.min(limit, meta.items.length);
  return { items: meta.items.slice(0, n), vectors: Array.from({ length: n }, (_, i) => unitFromCodes(codes.subarray(i * dim, (i + 1) * dim))) };
}

/** The shards a query probes (the first `nprobe` by centroid similarity), ascending. */
export function probeSet(manifest: Manifest, query: ArrayLike<number>): number[] {
  return probeOrder(manifest.index.centroids, query).slice(0, manifest.index.nprobe).sort((a, b) => a - b);
}

export interface Workload {
  similar: RequestVariant[];
  recommend: RequestVariant[];
  embed: RequestVariant[];
  /** Per route: the shards every variant's query probes, and what the LRU holds once every variant has run (shards, catalogue objects, forward weights and vocabulary). */
  sets: Record<'similar' | 'recommend' | 'embed', { shards: number[]; bytes: number }>;
}

const K = 10;
const HISTORY = 5;
const EMBED_TRIES = 400;

/**
 * Request variants whose queries probe one known set of shards per route, so
 * each route's working set is known: items of the first home shards are
 * grouped by the shards their "similar" query probes and the largest group
 * over the cheapest shards is taken; histories are 5 of those items whose mean
 * probes the same shards. Embeds (a product title, one of those items as
 * neighbour) are grouped likewise by the shards their embedding probes —
 * computed with the edge's own code in Node — and the largest group is taken.
 */
export async function chooseWorkload(dir: string, edge: NodeEdge, variants = { similar: 16, recommend: 8, embed: 8 }): Promise<Workload> {
  const { manifest } = edge;
  const groups = new Map<string, { shards: number[]; ids: string[]; vectors: Float32Array[] }>();
  const titles: string[] = [];
  for (let home = 0; home < Math.min(manifest.index.shards.length, 4); home++) {
    const rows = await readShardRows(dir, manifest, home, 4000);
    rows.vectors.forEach((v, i) => {
      const shards = probeSet(manifest, v);
      const key = shards.join(',');
      const g = groups.get(key) ?? { shards, ids: [], vectors: [] };
      g.ids.push(rows.items[i]!.id);
      g.vectors.push(v);
      groups.set(key, g);
      if (i < EMBED_TRIES / 4) titles.push(rows.items[i]!.title);
    });
  }
  const shardBytes = (shards: number[]): number => shards.reduce((s, id) => s + shardCacheBytes(manifest, id), 0);
  const big = [...groups.values()].filter((g) => g.ids.length >= variants.similar);
  const group = (big.length > 0 ? big : [...groups.values()]).sort((a, b) => shardBytes(a.shards) - shardBytes(b.shards) || b.ids.length - a.ids.length)[0]!;
  const inside = (q: ArrayLike<number>): boolean => probeSet(manifest, q).every((s) => group.shards.includes(s));
  const n = Math.min(group.ids.length, variants.similar);
  const ids = group.ids.slice(0, n);
  const similar: RequestVariant[] = ids.map((id) => ({ method: 'GET', path: `/v1/items/${id}/similar?k=${K}` }));

  const recommend: RequestVariant[] = [];
  const historyIds = new Set<string>();
  for (let start = 0; start < 40 * variants.recommend && recommend.length < variants.recommend; start++) {
    const picks = Array.from({ length: HISTORY }, (_, j) => (start * 3 + j * (start + 1)) % n);
    if (new Set(picks).size < HISTORY) continue;
    const mean = new Float32Array(manifest.model.dimensions);
    for (const p of picks) group.vectors[p]!.forEach((x, j) => (mean[j] += x));
    if (!inside(mean)) continue;
    recommend.push({ method: 'POST', path: '/v1/recommend', body: { history: picks.map((p) => ids[p]), k: K } });
    for (const p of picks) historyIds.add(ids[p]!);
  }

  const neighbor = ids[0]!;
  const embedGroups = new Map<string, { shards: number[]; titles: string[] }>();
  let embedGroup: { shards: number[]; titles: string[] } | undefined;
  for (const title of titles) {
    const shards = probeSet(manifest, (await edge.recommender().embed(title, [neighbor], K)).embedding);
    const g = embedGroups.get(shards.join(',')) ?? { shards, titles: [] };
    g.titles.push(title);
    embedGroups.set(shards.join(','), g);
    if (!embedGroup || g.titles.length > embedGroup.titles.length) embedGroup = g;
    if (embedGroup.titles.length >= variants.embed) break;
  }
  const embed: RequestVariant[] = embedGroup!.titles.map((title) => ({ method: 'POST', path: '/v1/items/embed', body: { title, neighbors: [neighbor], k: K } }));

  const f = manifest.forward;
  const forwardBytes = f ? f.weights.bytes + 2 * f.vocabulary.bytes : 0;
  return {
    similar,
    recommend,
    embed,
    sets: {
      similar: { shards: group.shards, bytes: shardBytes(group.shards) + catalogueCacheBytes(manifest, ids) },
      recommend: { shards: group.shards, bytes: shardBytes(group.shards) + catalogueCacheBytes(manifest, historyIds) },
      embed: { shards: embedGroup!.shards, bytes: shardBytes(embedGroup!.shards) + catalogueCacheBytes(manifest, [neighbor]) + forwardBytes },
    },
  };
}

/**
 * One item from each of up to `count` home shards spread over the index,
 * for first queries on shards not loaded yet.
 */
export async function coldIds(dir: string, manifest: Manifest, count = 10): Promise<{ id: string; home: number }[]> {
  const shards = manifest.index.shards.length;
  const homes = [...new Set(Array.from({ length: Math.min(count, shards) }, (_, i) => Math.floor((i * shards) / Math.min(count, shards))))];
  return Promise.all(
    homes.map(async (home) => {
      const meta = JSON.parse(await readFile(join(dir, shardItemsKey(home)), 'utf8')) as ShardItems;
      return { id: meta.items[Math.floor(meta.items.length / 2)]!.id, home };
    }),
  );
}
