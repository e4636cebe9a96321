import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_VERSION, type Manifest } from '../../artifacts/src/manifest/schema.ts';
import { startWorker, type DevWorker } from '../helpers/wrangler-dev.ts';
import { ROOT, runCli, runScript } from './cli.ts';
import { asCall, openNodeEdge, timeCompute, timeShardLoads, type ComputeTiming, type ShardLoadTiming } from './edge-compute.ts';
import { loadTest, parseServerTiming, sampleSequential, send, type LoadRun, type RequestVariant, type SequentialRun } from './edge-load.ts';
import { formatEdgeSize, formatTrained } from './edge-report.ts';
import { health, isolateHeap, processMemory, publishLocal, workerdPid, type IsolateHeap } from './edge-worker.ts';
import { chooseWorkload, coldIds, type Workload } from './edge-workload.ts';
import type { Benchmark } from './types.ts';

/** Fixed small catalogue; the large one is the bench `--products` option. */
const SMALL = 100_000;
const LOAD_SECONDS = 10;
const CONNECTIONS = 8;
const SEQUENTIAL = 300;
/** The Worker's default isolate cache budget (infra/wrangler.jsonc) and the largest the config accepts. */
const DEFAULT_BUDGET_MB = 48;
const MAX_BUDGET_MB = 100;

export type Route = 'similar' | 'recommend' | 'embed';
export const ROUTES: Route[] = ['similar', 'recommend', 'embed'];
const METRIC: Record<Route, string> = { similar: 'search', recommend: 'search', embed: 'embed' };

export interface Memory {
  rssMiB: number;
  hwmMiB: number;
  heap?: IsolateHeap;
  cacheBytes: number;
}

export interface WarmRun {
  budgetMB: number;
  routes: Record<Route, { load: LoadRun; loadsDuringRun: number; sequential: SequentialRun }>;
  idle: Memory;
  after: Memory;
  evictions: number;
}

export interface ColdQuery {
  id: string;
  home: number;
  clientMs: number;
  totalMs: number;
  searchMs: number;
  status: number;
  objectsRead: number;
}

export interface SizeResult {
  products: number;
  manifest: Pick<Manifest, 'items' | 'version'> & { shards: number; nprobe: number; catalogueObjects: number; similarDepth: number; blockRows: number; similarRecall?: number; searchRecall?: number };
  shardBytes: { index: number[]; codes: number[]; meta: number[]; similar: number[] };
  catalogueObjectBytes: number;
  workload: Workload['sets'] & { variants: Record<Route, number> };
  nodeCompute: Record<Route, ComputeTiming>;
  shardLoads: ShardLoadTiming[];
  warm: WarmRun[];
  cold: ColdRun;
  coldRecommend: ColdRun;
}

export interface ColdRun {
  /** The isolate's first request: "similar" for an item of a shard none of `queries` is homed in (not counted as a cold-shard query). */
  first: ColdQuery;
  queries: ColdQuery[];
  idle: Memory;
  after: Memory;
}

/** The synthetic data set and its export (untrained weights) in .cache, made when missing. */
async function exportFor(products: number): Promise<string> {
  const data = join(ROOT, '.cache', `bench-synth-${products}`);
  const out = join(ROOT, '.cache', `bench-export-${products}`);
  if (existsSync(join(out, 'manifest.json'))) {
    const { formatVersion, index } = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { formatVersion?: number; index?: { rowOrder?: string } };
    if (formatVersion === MANIFEST_VERSION && index?.rowOrder === 'locality') return out;
    console.error(`[bench] edge: ${out} was exported by an older build (manifest format ${formatVersion}, row order ${index?.rowOrder ?? 'input'}); exporting again`);
    await rm(out, { recursive: true, force: true });
  }
  if (!existsSync(join(data, 'synth.json'))) await runCli(['synth', '--products', String(products), '--out', data, '--seed', '1'], { quiet: true });
  console.error(`[bench] edge: exporting ${products.toLocaleString('en-US')} synthetic products (one-off) …`);
  await runScript('test/bench/export-scale.ts', [data, out], { quiet: true });
  return out;
}

async function memory(worker: DevWorker, pid: number): Promise<Memory> {
  const h = await health(worker);
  return { ...processMemory(pid), heap: await isolateHeap(worker), cacheBytes: h.cache.bytes };
}

async function warmRun(persist: string, budgetMB: number, workload: Workload): Promise<WarmRun> {
  const worker = await startWorker(persist, { SHARD_CACHE_MB: String(budgetMB) });
  try {
    const pid = workerdPid(worker);
    const idle = await memory(worker, pid);
    const routes = {} as WarmRun['routes'];
    for (const route of ROUTES) {
      // Warm-up of this route's working set: every variant twice in turn, then a short load for the JIT.
      for (let round = 0; round < 2; round++) for (const v of workload[route]) await expectOk(worker, v);
      await loadTest(worker.url, workload[route], 2, CONNECTIONS);
      const before = await health(worker);
      const load = await loadTest(worker.url, workload[route], LOAD_SECONDS, CONNECTIONS);
      const after = await health(worker);
      // Capped in time: a cache that cannot hold the working set reloads shards on every request.
      const sequential = await sampleSequential(worker.url, workload[route], METRIC[route], SEQUENTIAL, 30);
      routes[route] = { load, loadsDuringRun: after.cache.loads - before.cache.loads, sequential };
    }
    const final = await health(worker);
    return { budgetMB, routes, idle, after: await memory(worker, pid), evictions: final.cache.evictions };
  } finally {
    await worker.stop();
  }
}

async function expectOk(worker: DevWorker, v: RequestVariant): Promise<Response> {
  const r = await send(worker.url, v);
  if (r.status !== 200) throw new Error(`${v.method} ${v.path} answered ${r.status}: ${await r.text()}`);
  await r.arrayBuffer();
  return r;
}

/**
 * First queries on cold shards, one per id, each from a different home shard: `similar`, or `recommend`
 * with the id as a one-item history. A fresh isolate per route, whose very first request (the same route on
 * `warmUp`, an item of another shard) is reported apart: it also pays for the isolate's first code paths.
 */
async function coldRun(persist: string, warmUp: { id: string; home: number }, ids: { id: string; home: number }[], route: 'similar' | 'recommend'): Promise<ColdRun> {
  const worker = await startWorker(persist, { USE_CACHE_API: 'false' });
  try {
    const pid = workerdPid(worker);
    const idle = await memory(worker, pid); // health has read CURRENT and the manifest
    const query = async ({ id, home }: { id: string; home: number }, route: 'similar' | 'recommend'): Promise<ColdQuery> => {
      const before = await health(worker);
      const started = performance.now();
      const r = await send(worker.url, route === 'similar' ? { method: 'GET', path: `/v1/items/${id}/similar?k=10` } : { method: 'POST', path: '/v1/recommend', body: { history: [id], k: 10 } });
      await r.arrayBuffer();
      const clientMs = performance.now() - started;
      const timing = parseServerTiming(r.headers.get('server-timing'));
      const after = await health(worker);
      return { id, home, clientMs, totalMs: timing.total ?? NaN, searchMs: timing.search ?? NaN, status: r.status, objectsRead: after.reads.r2Reads - before.reads.r2Reads };
    };
    // The same route as the queries: the isolate's first search also compiles the search path (usearch
    // reader, re-rank), a once-per-isolate cost that is not the cold shard's.
    const first = await query(warmUp, route);
    const queries: ColdQuery[] = [];
    for (const id of ids) queries.push(await query(id, route));
    return { first, queries, idle, after: await memory(worker, pid) };
  } finally {
    await worker.stop();
  }
}

async function measureSize(products: number): Promise<SizeResult> {
  const dir = await exportFor(products);
  const persist = join(ROOT, '.cache', `bench-edge-state-${products}`);
  console.error(`[bench] edge ${products}: publishing to ${persist} …`);
  await publishLocal(dir, persist);
  const edge = await openNodeEdge(dir);
  const { manifest } = edge;
  const workload = await chooseWorkload(dir, edge);
  console.error(`[bench] edge ${products}: Node compute …`);
  const nodeCompute = {} as Record<Route, ComputeTiming>;
  for (const route of ROUTES) nodeCompute[route] = await timeCompute(edge, workload[route].map(asCall));
  const shardLoads = await timeShardLoads(dir, workload.sets.recommend.shards.slice(0, 4));
  const largest = Math.max(...ROUTES.map((r) => workload.sets[r].bytes));
  const budgets = [DEFAULT_BUDGET_MB, ...(largest > DEFAULT_BUDGET_MB * 2 ** 20 ? [MAX_BUDGET_MB] : [])];
  const warm: WarmRun[] = [];
  for (const mb of budgets) {
    console.error(`[bench] edge ${products}: warm, SHARD_CACHE_MB=${mb} …`);
    warm.push(await warmRun(persist, mb, workload));
  }
  console.error(`[bench] edge ${products}: cold …`);
  const [warmUp, ...ids] = await coldIds(dir, manifest);
  const cold = await coldRun(persist, warmUp!, ids, 'similar');
  const coldRecommend = await coldRun(persist, warmUp!, ids, 'recommend');
  const shards = manifest.index.shards;
  return {
    products,
    manifest: { items: manifest.items, version: manifest.version, shards: shards.length, nprobe: manifest.index.nprobe, catalogueObjects: manifest.catalogue.objects.length, similarDepth: manifest.similar.depth, blockRows: shards[0]!.meta.blocks.rows, similarRecall: manifest.similar.recallAt10, searchRecall: manifest.index.recallAt10 },
    shardBytes: { index: shards.map((s) => s.index.bytes), codes: shards.map((s) => s.codes.bytes), meta: shards.map((s) => s.meta.bytes), similar: shards.map((s) => s.similar.bytes) },
    catalogueObjectBytes: manifest.catalogue.objects.reduce((s, o) => s + o.bytes, 0) / manifest.catalogue.objects.length,
    workload: { ...workload.sets, variants: { similar: workload.similar.length, recommend: workload.recommend.length, embed: workload.embed.length } },
    nodeCompute,
    shardLoads,
    warm,
    cold,
    coldRecommend,
  };
}

export interface TrainedResult {
  items: number;
  shards: number;
  nprobe: number;
  similarRecall?: number;
  searchRecall?: number;
  nodeCompute: Record<Route, ComputeTiming>;
  /** First queries on cold shards in workerd, as for the synthetic catalogues. */
  cold: ColdRun;
  coldRecommend: ColdRun;
}

/**
 * The synthetic catalogues above carry untrained weights, whose embeddings cluster poorly (many shards probed).
 * The GraphSAGE benchmark's trained study-scale run, when present, shows the compute on trained embeddings.
 */
async function measureTrained(): Promise<TrainedResult | undefined> {
  const run = join(ROOT, '.cache', 'bench-run-graphsage');
  if (!existsSync(join(run, 'run.json'))) return undefined;
  const out = join(ROOT, '.cache', 'bench-export-trained-edge');
  await rm(out, { recursive: true, force: true });
  console.error('[bench] edge: Node compute on the trained study-scale run …');
  await runCli(['export', run, '--out', out], { quiet: true });
  const edge = await openNodeEdge(out);
  const workload = await chooseWorkload(out, edge);
  const nodeCompute = {} as Record<Route, ComputeTiming>;
  for (const route of ROUTES) nodeCompute[route] = await timeCompute(edge, workload[route].map(asCall));
  const m = edge.manifest;
  console.error('[bench] edge: cold queries in workerd on the trained run …');
  const persist = join(ROOT, '.cache', 'bench-edge-state-trained');
  await rm(persist, { recursive: true, force: true });
  await publishLocal(out, persist);
  const [warmUp, ...ids] = await coldIds(out, m);
  const cold = await coldRun(persist, warmUp!, ids, 'similar');
  const coldRecommend = await coldRun(persist, warmUp!, ids, 'recommend');
  return { items: m.items, shards: m.index.shards.length, nprobe: m.index.nprobe, similarRecall: m.similar.recallAt10, searchRecall: m.index.recallAt10, nodeCompute, cold, coldRecommend };
}

/**
 * The Worker under load in real workerd (`wrangler dev --local`) over a
 * published synthetic export of 100,000 and `--products` items: warm
 * throughput and latency per route (autocannon), Server-Timing against client
 * latency, the same compute in Node, first queries on cold shards, and the
 * workerd process's memory.
 */
export const edgeBenchmark: Benchmark = {
  name: 'edge',
  title: 'Edge Worker under load (wrangler dev, workerd)',
  async run(config) {
    const sizes = [...new Set([SMALL, config.products])].sort((a, b) => a - b);
    const results: SizeResult[] = [];
    for (const products of sizes) results.push(await measureSize(products));
    const trained = await measureTrained();
    return {
      markdown: [...results.map(formatEdgeSize), ...(trained ? [formatTrained(trained)] : [])].join('\n\n'),
      figures: { ...Object.fromEntries(results.map((r) => [String(r.products), r])), ...(trained ? { trained } : {}) },
    };
  },
};
