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

/** Search shards a route's variants may probe together, so its working set stays cached at the default 48 MB budget. */
const SEARCH_BUDGET_BYTES = 36 * 2 ** 20;

interface Candidate {
  variant: RequestVariant;
  shards: number[];
}

/**
 * Candidates in order, each kept while the union of the shards the kept ones
 * probe stays within `budget` bytes of search objects (the first is always kept).
 */
function pickWithinBudget(candidates: Candidate[], want: number, bytesOf: (shards: number[]) => number, budget: number): { variants: RequestVariant[]; shards: number[] } {
  const union = new Set<number>();
  const variants: RequestVariant[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (variants.length >= want) break;
    const key = JSON.stringify(c.variant);
    if (seen.has(key)) continue;
    const next = new Set([...union, ...c.shards]);
    if (variants.length > 0 && bytesOf([...next]) > budget) continue;
    seen.add(key);
    variants.push(c.variant);
    for (const s of c.shards) union.add(s);
  }
  return { variants, shards: [...union].sort((a, b) => a - b) };
}

/**
 * Request variants per route with a known working set. Similar: items spread
 * over home shard 0 (a lookup; no search). Recommend and embed search
 * `nprobe` shards: candidates — histories of items that probe the same shards,
 * then an item with its four nearest neighbours; product titles with one item
 * as neighbour — are kept while the shards they probe together stay within
 * {@link SEARCH_BUDGET_BYTES}. Probe sets are computed with the edge's own code
 * in Node; each route's LRU charge is then measured by running its variants
 * through the edge's own cache.
 */
export async function chooseWorkload(dir: string, edge: NodeEdge, variants = { similar: 16, recommend: 8, embed: 8 }): Promise<Workload> {
  const { manifest } = edge;
  const dim = manifest.model.dimensions;
  const shardBytes = (shards: number[]): number => shards.reduce((sum, id) => {
    const s = manifest.index.shards[id]!;
    return sum + s.index.bytes + s.codes.bytes;
  }, 0);
  const home = await readShardSample(dir, manifest, 0);
  const step = Math.max(1, Math.floor(home.items.length / variants.similar));
  const picks = Array.from({ length: Math.min(variants.similar, home.items.length) }, (_, i) => i * step);
  const ids = picks.map((i) => home.items[i]!.id);
  const similar: RequestVariant[] = ids.map((id) => ({ method: 'GET', path: `/v1/items/${id}/similar?k=${K}` }));

  // Items of home shard 0 grouped by the shards they probe: histories within one group probe about the same shards.
  const groups = new Map<string, number[]>();
  home.vectors.forEach((v, i) => {
    const key = probeSet(manifest, v).join(',');
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const meanProbes = (rows: number[]): number[] => {
    const mean = new Float32Array(dim);
    for (const r of rows) home.vectors[r]!.forEach((x, j) => (mean[j] += x));
    return probeSet(manifest, mean);
  };
  const historyOf = (rows: number[]): Candidate => ({ variant: { method: 'POST', path: '/v1/recommend', body: { history: rows.map((r) => home.items[r]!.id), k: K } }, shards: meanProbes(rows) });
  const recommendCandidates: Candidate[] = [];
  for (const members of [...groups.values()].sort((a, b) => b.length - a.length)) {
    for (let start = 0; start + HISTORY <= members.length; start += HISTORY) recommendCandidates.push(historyOf(members.slice(start, start + HISTORY)));
  }
  const rowOfId = new Map(home.items.map((item, i) => [item.id, i]));
  for (const id of ids) {
    const similarTo = await edge.recommender().similar(id, HISTORY - 1);
    const rows = [rowOfId.get(id)!, ...((similarTo?.items ?? []) as { id: string }[]).map((n) => rowOfId.get(n.id)).filter((r): r is number => r !== undefined)];
    if (rows.length > 1) recommendCandidates.push(historyOf(rows));
  }
  const recommend = pickWithinBudget(recommendCandidates, variants.recommend, shardBytes, SEARCH_BUDGET_BYTES);

  const neighbor = ids[0]!;
  const embedCandidates: Candidate[] = [];
  for (const item of home.items.slice(0, EMBED_TRIES)) {
    const z = (await edge.recommender().embed(item.title, [neighbor], K)).embedding;
    embedCandidates.push({ variant: { method: 'POST', path: '/v1/items/embed', body: { title: item.title, neighbors: [neighbor], k: K } }, shards: probeSet(manifest, z) });
  }
  // Titles whose embeddings probe the most common shard set first, so more of them fit the budget.
  const frequency = new Map<string, number>();
  for (const c of embedCandidates) frequency.set(c.shards.join(','), (frequency.get(c.shards.join(',')) ?? 0) + 1);
  embedCandidates.sort((a, b) => frequency.get(b.shards.join(','))! - frequency.get(a.shards.join(','))!);
  const embed = pickWithinBudget(embedCandidates, variants.embed, shardBytes, SEARCH_BUDGET_BYTES);

  const routes = { similar, recommend: recommend.variants, embed: embed.variants };
  const measured = {} as Record<keyof typeof routes, number>;
  for (const [route, list] of Object.entries(routes) as [keyof typeof routes, RequestVariant[]][]) {
    const fresh = await openNodeEdge(dir);
    for (const v of list) await asCall(v)(fresh.recommender());
    measured[route] = fresh.cacheBytes();
  }
  return {
    ...routes,
    sets: {
      similar: { shards: [0], bytes: measured.similar },
      recommend: { shards: recommend.shards, bytes: measured.recommend },
      embed: { shards: embed.shards, bytes: measured.embed },
    },
  };
}

/**
 * One item from the last shard (an isolate's first request, to warm it up), then one from each of up to
 * `count` other home shards spread over the index, for first queries on shards not loaded yet.
 */
export async function coldIds(dir: string, manifest: Manifest, count = 10): Promise<{ id: string; home: number }[]> {
  const shards = manifest.index.shards.length;
  const spread = Math.min(count, shards - 1);
  const homes = [shards - 1, ...new Set(Array.from({ length: spread }, (_, i) => Math.floor((i * (shards - 1)) / spread)))];
  return Promise.all(
    homes.map(async (home) => {
      const rows = ShardRows.parse(new Uint8Array(await readFile(join(dir, shardRowsKey(home)))), home);
      return { id: rows.row(Math.floor(rows.keys.length / 2)).id, home };
    }),
  );
}
