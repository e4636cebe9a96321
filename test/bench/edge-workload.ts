import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { probeOrder } from '../../artifacts/src/index/ivf.ts';
import { ShardRows } from '../../artifacts/src/index/shard-rows.ts';
import { shardCodesKey, shardRowsKey } from '../../artifacts/src/manifest/keys.ts';
import type { ItemDisplay, Manifest } from '../../artifacts/src/manifest/schema.ts';
import { unitFromCodes } from '../../artifacts/src/vectors/maxabs.ts';
import { asCall, openNodeEdge, type NodeEdge } from './edge-compute.ts';
import type { RequestVariant } from './edge-load.ts';

/** A shard's items and their unit vectors (from the int16 codes the edge serves). */
export interface ShardSample {
  items: ItemDisplay[];
  vectors: Float32Array[];
}

export async function readShardSample(dir: string, manifest: Manifest, id: number, limit = Infinity): Promise<ShardSample> {
  const rows = ShardRows.parse(new Uint8Array(await readFile(join(dir, shardRowsKey(id)))), id);
  const raw = await readFile(join(dir, shardCodesKey(id)));
  const codes = new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
  const dim = manifest.model.dimensions;
  const n = Math.min(limit, rows.keys.length);
  return { items: Array.from({ length: n }, (_, i) => rows.row(i)), vectors: Array.from({ length: n }, (_, i) => unitFromCodes(codes.subarray(i * dim, (i + 1) * dim))) };
}

/** The shards a query probes (the first `nprobe` by centroid similarity), ascending. */
export function probeSet(manifest: Manifest, query: ArrayLike<number>): number[] {
  return probeOrder(manifest.index.centroids, query).slice(0, manifest.index.nprobe).sort((a, b) => a - b);
}

export interface Workload {
  similar: RequestVariant[];
  recommend: RequestVariant[];
  embed: RequestVariant[];
  /**
   * Per route: the shards its queries touch (similar: the items' home shards; recommend, embed: the shards their
   * searches probe), and the LRU charge once every variant has run, measured with the edge's own cache in Node.
   */
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
  const groups = new Map<string, { shards: number[]; ids: string[]; homes: Set<number>; vectors: Float32Array[] }>();
  const titles: string[] = [];
  for (let home = 0; home < Math.min(manifest.index.shards.length, 4); home++) {
    const rows = await readShardSample(dir, manifest, home, 4000);
    rows.vectors.forEach((v, i) => {
      const shards = probeSet(manifest, v);
      const key = shards.join(',');
      const g = groups.get(key) ?? { shards, ids: [], homes: new Set(), vectors: [] };
      g.ids.push(rows.items[i]!.id);
      g.homes.add(home);
      g.vectors.push(v);
      groups.set(key, g);
      if (i < EMBED_TRIES / 4) titles.push(rows.items[i]!.title);
    });
  }
  const shardBytes = (shards: number[]): number => shards.reduce((sum, id) => {
    const s = manifest.index.shards[id]!;
    return sum + s.index.bytes + s.codes.bytes + s.meta.bytes;
  }, 0);
  const big = [...groups.values()].filter((g) => g.ids.length >= variants.similar);
  const group = (big.length > 0 ? big : [...groups.values()]).sort((a, b) => shardBytes(a.shards) - shardBytes(b.shards) || b.ids.length - a.ids.length)[0]!;
  const inside = (q: ArrayLike<number>): boolean => probeSet(manifest, q).every((s) => group.shards.includes(s));
  const n = Math.min(group.ids.length, variants.similar);
  const ids = group.ids.slice(0, n);
  const similar: RequestVariant[] = ids.map((id) => ({ method: 'GET', path: `/v1/items/${id}/similar?k=${K}` }));

  // Histories whose mean probes the group's shards come first; with many shards probed (1M items) there may be
  // too few, and the rest are taken as they come (the measured working set then says what they cost).
  const inGroup: number[][] = [];
  const outside: number[][] = [];
  for (let start = 0; start < 40 * variants.recommend && inGroup.length < variants.recommend; start++) {
    const picks = Array.from({ length: HISTORY }, (_, j) => (start * 3 + j * (start + 1)) % n);
    if (new Set(picks).size < Math.min(HISTORY, n)) continue;
    const mean = new Float32Array(manifest.model.dimensions);
    for (const p of picks) group.vectors[p]!.forEach((x, j) => (mean[j] += x));
    (inside(mean) ? inGroup : outside).push(picks);
  }
  const recommend: RequestVariant[] = [...inGroup, ...outside].slice(0, variants.recommend).map((picks) => ({ method: 'POST', path: '/v1/recommend', body: { history: picks.map((p) => ids[p]), k: K } }));
  const recommendShards = new Set<number>();
  for (const v of recommend) {
    const mean = new Float32Array(manifest.model.dimensions);
    for (const id of (v.body as { history: string[] }).history) group.vectors[ids.indexOf(id)]!.forEach((x, j) => (mean[j] += x));
    for (const s of probeSet(manifest, mean)) recommendShards.add(s);
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

  const routes = { similar, recommend, embed };
  const measured = {} as Record<keyof typeof routes, number>;
  for (const [route, list] of Object.entries(routes) as [keyof typeof routes, RequestVariant[]][]) {
    const fresh = await openNodeEdge(dir);
    for (const v of list) await asCall(v)(fresh.recommender());
    measured[route] = fresh.cacheBytes();
  }
  return {
    ...routes,
    sets: {
      similar: { shards: [...group.homes].sort((a, b) => a - b), bytes: measured.similar },
      recommend: { shards: [...recommendShards].sort((a, b) => a - b), bytes: measured.recommend },
      embed: { shards: embedGroup!.shards, bytes: measured.embed },
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
      const rows = ShardRows.parse(new Uint8Array(await readFile(join(dir, shardRowsKey(home)))), home);
      return { id: rows.row(Math.floor(rows.keys.length / 2)).id, home };
    }),
  );
}
