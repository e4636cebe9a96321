import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { objectKeys } from '../../artifacts/src/manifest/keys.ts';
import { parseManifest, type Manifest } from '../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../artifacts/src/manifest/sha256.ts';
import { percentile, type RequestVariant } from './edge-load.ts';

/** What the benchmark calls on the edge's `Recommender` (edge/src/serve/recommender.ts). */
export interface NodeRecommender {
  similar(id: string, k: number): Promise<{ items: unknown[] } | undefined>;
  recommend(history: readonly string[], k: number, exclude: readonly string[]): Promise<{ items: unknown[] } | undefined>;
  embed(title: string, neighbors: readonly string[], k: number): Promise<{ embedding: number[]; items: unknown[] }>;
}

interface ServedVersionLike {
  shard(id: number): Promise<unknown>;
  rowBlock(shard: number, row: number): Promise<unknown>;
  similarBlock(shard: number, row: number): Promise<unknown>;
}

/** The edge's serving objects over an export folder, in this Node process. */
export interface NodeEdge {
  manifest: Manifest;
  served: ServedVersionLike;
  /** A fresh `Recommender` (the routes make one per request). */
  recommender(): NodeRecommender;
  /** Bytes the isolate LRU charges for what has been loaded so far. */
  cacheBytes(): number;
}

// The edge is type-checked against @cloudflare/workers-types (edge/tsconfig.json), not this
// project's Node types, so its modules are loaded by URL and typed here by what is used.
const edgeModule = (path: string): Promise<Record<string, any>> => import(new URL(`../../edge/src/${path}`, import.meta.url).href);

/**
 * Opens an export folder with the edge's own `ServedVersion` and `Recommender`
 * (the code the Worker runs), reading objects through a minimal R2Bucket over
 * the files — verified by size and sha256 exactly as in the Worker — and an
 * LRU of `budgetBytes`. For timing the edge's compute outside workerd.
 */
export async function openNodeEdge(exportDir: string, budgetBytes = 2 ** 40): Promise<NodeEdge> {
  const [{ Recommender }, { ServedVersion }, { AsyncLru }, { VersionObjects }] = await Promise.all(
    ['serve/recommender.ts', 'store/served-version.ts', 'store/lru.ts', 'store/objects.ts'].map(edgeModule),
  );
  const manifestBytes = await readFile(join(exportDir, 'manifest.json'));
  const manifest = parseManifest(manifestBytes.toString('utf8'));
  const keys = objectKeys('', manifest.model.kind);
  const root = keys.versionRoot(manifest.version);
  const bucket = {
    async get(key: string, options?: { range?: { offset: number; length: number } }) {
      if (!key.startsWith(root)) return null;
      const whole = await readFile(join(exportDir, key.slice(root.length)));
      const bytes = options?.range ? whole.subarray(options.range.offset, options.range.offset + options.range.length) : whole;
      return { arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), text: async () => bytes.toString('utf8') };
    },
  };
  const objects = new VersionObjects(bucket, undefined, { r2Reads: 0, cacheApiHits: 0, corrupt: 0 });
  const cache = new AsyncLru(budgetBytes, (c: { bytes: number }) => c.bytes);
  const served = new ServedVersion(manifest, await sha256Hex(manifestBytes), objects, cache, keys) as ServedVersionLike;
  return { manifest, served, recommender: () => new Recommender(served) as NodeRecommender, cacheBytes: () => cache.bytes as number };
}

/** The `Recommender` call a request variant stands for. */
export const asCall = (v: RequestVariant): ((rec: NodeRecommender) => Promise<unknown>) => {
  const body = v.body as { history?: string[]; title?: string; neighbors?: string[]; k: number } | undefined;
  if (v.method === 'GET') {
    const id = decodeURIComponent(v.path.split('/')[3]!);
    const k = Number(new URL(v.path, 'http://x').searchParams.get('k') ?? 10);
    return (rec) => rec.similar(id, k);
  }
  if (body?.history) return (rec) => rec.recommend(body.history!, body.k, []);
  return (rec) => rec.embed(body!.title!, body!.neighbors ?? [], body!.k);
};

export interface ComputeTiming {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/**
 * Warm compute of one route's `Recommender` call in Node: every variant run
 * `warmup` times, then `samples` timed calls cycling through the variants, one
 * at a time (a fresh `Recommender` each, as the route does).
 */
export async function timeCompute(edge: NodeEdge, variants: ((rec: NodeRecommender) => Promise<unknown>)[], samples = 2000, warmup = 20): Promise<ComputeTiming> {
  if (variants.length === 0) throw new Error('the workload picker found no request variants for this route (at 1M: none whose probed shards fit the working-set limit)');
  for (let r = 0; r < warmup; r++) for (const v of variants) await v(edge.recommender());
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await variants[i % variants.length]!(edge.recommender());
    times.push(performance.now() - started);
  }
  const sorted = times.sort((a, b) => a - b);
  return { samples, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), meanMs: times.reduce((a, b) => a + b, 0) / samples };
}

export interface ShardLoadTiming {
  shard: number;
  /** Bytes of the shard's index + codes objects (what a search loads per probed shard). */
  searchBytes: number;
  /** `ServedVersion.shard(id)` on a cold LRU: reads, sha256 of index and codes, usearch open, keys sorted. */
  searchLoadMs: number;
  /** `ServedVersion.similarBlock` and `rowBlock` of row 0 on a cold LRU: one block of lists and one of rows, as a cold "similar" reads them. */
  similarLoadMs: number;
  similarBytes: number;
  /** sha256 of the four whole objects, measured apart. */
  sha256Ms: number;
}

/** What a cold shard costs the edge's code in Node, for a search and for a precomputed "similar". */
export async function timeShardLoads(exportDir: string, shards: number[]): Promise<ShardLoadTiming[]> {
  const warm = await openNodeEdge(exportDir);
  await warm.served.shard(shards[0]!); // JIT warm-up on one shard, not timed
  await warm.served.similarBlock(shards[0]!, 0);
  const out: ShardLoadTiming[] = [];
  for (const id of shards.slice(1)) {
    const s = warm.manifest.index.shards[id]!;
    const files = await Promise.all([s.index, s.codes, s.meta, s.similar].map((ref) => readFile(join(exportDir, ref.key))));
    let started = performance.now();
    for (const f of files) await sha256Hex(f);
    const sha256Ms = performance.now() - started;
    const a = await openNodeEdge(exportDir);
    started = performance.now();
    await Promise.all([a.served.similarBlock(id, 0), a.served.rowBlock(id, 0)]);
    const similarLoadMs = performance.now() - started;
    const b = await openNodeEdge(exportDir);
    started = performance.now();
    await b.served.shard(id);
    const searchLoadMs = performance.now() - started;
    const firstBlock = (ref: { blocks: { rows: number } }, bytes: number): number => Math.round((bytes * Math.min(s.items, ref.blocks.rows)) / s.items);
    out.push({ shard: id, searchBytes: s.index.bytes + s.codes.bytes, searchLoadMs, similarLoadMs, similarBytes: firstBlock(s.similar, s.similar.bytes) + firstBlock(s.meta, s.meta.bytes), sha256Ms });
  }
  return out;
}
