import type { ColdQuery, ColdRun, Memory, Route, SizeResult, TrainedResult } from './edge.bench.ts';
import { percentile, type SequentialRun } from './edge-load.ts';

const ROUTES: Route[] = ['similar', 'recommend', 'embed'];
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const ms = (x: number): string => (Number.isNaN(x) ? 'n/a' : x < 10 ? `${x.toFixed(2)} ms` : `${x.toFixed(0)} ms`);
const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 0.5);
const range = (xs: number[]): string => `${mib(Math.min(...xs))} – ${mib(Math.max(...xs))} (median ${mib(median(xs))})`;
const verdict = (ok: boolean): string => (ok ? '**pass**' : '**FAIL**');

/** Whether a run's compute metric is a measurement: a clock frozen between I/O reads 0 while requests take time. */
function clockFrozen(s: SequentialRun): boolean {
  return s.clock.zeroShare > 0.9 && s.client.p50 > 2;
}

function clockNote(r: SizeResult): string {
  const all = r.warm.flatMap((w) => ROUTES.map((x) => w.routes[x].sequential));
  if (all.some(clockFrozen)) {
    return 'The isolate clock does **not** advance during compute here (most compute readings are 0 while requests take milliseconds): the in-isolate compute column is not a measurement; use the Node column.';
  }
  const whole = all.every((s) => s.clock.wholeMs);
  const zero = Math.max(...all.map((s) => s.clock.zeroShare));
  const fits = r.warm.at(-1)!;
  const gap = Math.max(...ROUTES.map((x) => Math.abs(fits.routes[x].sequential.compute.p50 - r.nodeCompute[x].p50Ms)));
  return `The isolate clock advances during compute under \`wrangler dev\`: ${zero === 0 ? 'no' : `at most ${(zero * 100).toFixed(0)}% of a run's`} compute readings are 0, and at SHARD_CACHE_MB=${fits.budgetMB} the in-isolate compute p50 is within ${gap.toFixed(1)} ms of the Node p50 on every route${whole ? '. But every Server-Timing value is a whole millisecond, so a reading of 1 ms means anything from just above 0 to 2 ms; sub-millisecond goals are judged on the Node column, which times the same edge code with `performance.now()`' : ''}.`;
}

function memoryRow(label: string, idle: Memory, after: Memory): string {
  const heap = after.heap ? `${after.heap.usedMiB.toFixed(1)} MiB + ${after.heap.backingMiB.toFixed(1)} MiB` : 'n/a';
  const heapIdle = idle.heap ? `${idle.heap.usedMiB.toFixed(1)} MiB + ${idle.heap.backingMiB.toFixed(1)} MiB` : 'n/a';
  return `| ${label} | ${idle.rssMiB.toFixed(0)} MiB | ${after.rssMiB.toFixed(0)} MiB (peak ${after.hwmMiB.toFixed(0)} MiB) | ${heapIdle} → ${heap} | ${mib(after.cacheBytes)} |`;
}

function coldRows(similar: ColdQuery[], recommend: ColdQuery[]): string[] {
  return similar.map((q, i) => {
    const r = recommend[i]!;
    return `| ${i + 1} | ${q.home} | ${q.status} / ${r.status} | ${q.objectsRead} / ${r.objectsRead} | ${ms(q.clientMs)} / ${ms(r.clientMs)} | ${ms(q.totalMs)} / ${ms(r.totalMs)} |`;
  });
}

const coldSummary = (run: ColdRun): { client: number[]; total: number[] } => ({
  client: run.queries.map((q) => q.clientMs).sort((a, b) => a - b),
  total: run.queries.map((q) => q.totalMs).sort((a, b) => a - b),
});

/** One catalogue size's section: facts, warm load, latency split, cold queries, memory, goals. */
export function formatEdgeSize(r: SizeResult): string {
  const m = r.manifest;
  const w = r.workload;
  const fits = r.warm.at(-1)!;
  const searchShard = r.shardBytes.index.map((b, i) => b + r.shardBytes.codes[i]!);
  const cold = coldSummary(r.cold);
  const coldRec = coldSummary(r.coldRecommend);
  const coldClient = cold.client;
  const simSeq = fits.routes.similar.sequential;
  const simNode = r.nodeCompute.similar;
  const frozen = clockFrozen(simSeq);
  const anyErrors = r.warm.flatMap((run) => ROUTES.map((x) => run.routes[x].load)).reduce((s, l) => s + l.errors + l.timeouts + l.non2xx, 0)
    + r.warm.flatMap((run) => ROUTES.map((x) => run.routes[x].sequential.non2xx)).reduce((a, b) => a + b, 0);
  const loads = r.shardLoads;
  return [
    `### ${r.products.toLocaleString('en-US')} synthetic products: ${m.items.toLocaleString('en-US')} items, ${m.shards} shards, nprobe ${m.nprobe}`,
    '',
    `Recall@10 against exact float32 search, measured at export: similar lists (${m.similarDepth} precomputed neighbours an item) ${m.similarRecall?.toFixed(4) ?? 'n/a'}; the IVF search of recommend and embed ${m.searchRecall?.toFixed(4) ?? 'n/a'} at nprobe ${m.nprobe}.`,
    '',
    `Objects per shard: usearch index ${range(r.shardBytes.index)}, int16 codes ${range(r.shardBytes.codes)}, display rows (NDJSON) ${range(r.shardBytes.meta)}, similar lists ${range(r.shardBytes.similar)}. Codes, rows and lists carry per-block sha256 in the manifest (${m.blockRows} items a block) and are read by the block where a request needs only some items. A search loads index + codes of each probed shard (${range(searchShard)}; ${Math.min(m.nprobe, m.shards)} probed ≈ ${mib(median(searchShard) * Math.min(m.nprobe, m.shards))}), the history items' codes blocks, and the row blocks of the hits it shows; "similar" loads the item's catalogue object, one block of its home shard's lists and the row blocks its first 10 neighbours are in. Catalogue: ${m.catalogueObjects.toLocaleString('en-US')} objects of ${(r.catalogueObjectBytes / 1024).toFixed(0)} KiB on average.`,
    '',
    `Working sets, per route (each route is warmed and measured on its own, in turn; LRU charge measured by running every variant through the edge's own cache in Node): ${w.variants.similar} similar ids spread over home shard 0 (${mib(w.similar.bytes)}); ${w.variants.recommend} histories of 5 items — items that probe the same shards, else an item and its 4 nearest — probing {${w.recommend.shards.join(', ')}} together (${mib(w.recommend.bytes)}); ${w.variants.embed} embeds — a product title + one item as neighbour — probing {${w.embed.shards.join(', ')}} together (${mib(w.embed.bytes)} with the forward weights and vocabulary). Recommend and embed variants are kept while the shards they probe together stay within 36 MiB of search objects, so a route's working set fits the default 48 MB cache; at 1M items, where each query probes 16 of 230 shards, that leaves few distinct variants.`,
    '',
    `**Warm load** (autocannon ${fits.routes.similar.load.connections} connections × ${fits.routes.similar.load.seconds} s per route, each connection cycling through the variants, after a warm-up; latency histogram in whole ms; USE_CACHE_API default \`true\`):`,
    '',
    '| route | SHARD_CACHE_MB | req/s | p50 | p99 | errors / timeouts / non-2xx | LRU loads during the run |',
    '|---|---|---|---|---|---|---|',
    ...r.warm.flatMap((run) => ROUTES.map((x) => {
      const l = run.routes[x].load;
      return `| ${x} | ${run.budgetMB} | ${l.reqPerSec.toFixed(0)} | ${l.p50Ms} ms | ${l.p99Ms} ms | ${l.errors} / ${l.timeouts} / ${l.non2xx} | ${run.routes[x].loadsDuringRun} |`;
    })),
    '',
    `**Latency split** (${simSeq.samples} sequential requests per route right after its load run (fewer when 30 s ran out); client = \`fetch\` round trip through wrangler's local proxy; in-isolate = Server-Timing \`search\`/\`embed\` and \`total\`; Node = the same \`Recommender\` call from edge/src in this Node process over the export folder, warm, ${simNode.samples} calls — compute only, no HTTP, JSON or validation):`,
    '',
    '| route | SHARD_CACHE_MB | client p50 / p99 | in-isolate compute p50 / p99 | in-isolate total p50 / p99 | Node compute p50 / p99 |',
    '|---|---|---|---|---|---|',
    ...r.warm.flatMap((run) => ROUTES.map((x) => {
      const s = run.routes[x].sequential;
      const n = r.nodeCompute[x];
      return `| ${x} | ${run.budgetMB} | ${ms(s.client.p50)} / ${ms(s.client.p99)} | ${clockFrozen(s) ? 'clock frozen' : `${s.compute.p50} / ${s.compute.p99} ms`} | ${s.total.p50} / ${s.total.p99} ms | ${ms(n.p50Ms)} / ${ms(n.p99Ms)} |`;
    })),
    '',
    clockNote(r),
    '',
    `**Cold** (a fresh isolate per route with USE_CACHE_API=false and SHARD_CACHE_MB=48; /v1/health first, which reads CURRENT and the manifest; then the isolate's first request, the same route for an item of shard ${r.cold.first.home} — \`similar\` ${ms(r.cold.first.clientMs)} client / ${ms(r.cold.first.totalMs)} Server-Timing, ${r.cold.first.objectsRead} R2 reads; \`recommend\` ${ms(r.coldRecommend.first.clientMs)} / ${ms(r.coldRecommend.first.totalMs)}, ${r.coldRecommend.first.objectsRead} R2 reads, its probed shards staying cached; it also pays for the isolate's first code paths, so it is not counted below; then sequentially, per id, each from a different home shard: \`similar\` (k = 10), and in the second isolate \`recommend\` with that id as a one-item history, which searches ${Math.min(m.nprobe, m.shards)} shards):`,
    '',
    '| # | home shard | status similar / recommend | R2 reads | client | Server-Timing total |',
    '|---|---|---|---|---|---|',
    ...coldRows(r.cold.queries, r.coldRecommend.queries),
    '',
    `Cold similar: client p50 ${ms(percentile(cold.client, 0.5))}, max ${ms(cold.client.at(-1)!)}; Server-Timing total p50 ${ms(percentile(cold.total, 0.5))}, max ${ms(cold.total.at(-1)!)}. Cold recommend: client p50 ${ms(percentile(coldRec.client, 0.5))}, max ${ms(coldRec.client.at(-1)!)}. The same loads by the edge's \`ServedVersion\` in Node (${loads.length} shards, from disk, each on a fresh cache): a search shard (index + codes, ${mib(median(loads.map((l) => l.searchBytes)))}: sha256, usearch open, keys sorted) median ${ms(median(loads.map((l) => l.searchLoadMs)))}; one block of lists + one of rows (${mib(median(loads.map((l) => l.similarBytes)))}) median ${ms(median(loads.map((l) => l.similarLoadMs)))}; sha256 of all four whole objects ${ms(median(loads.map((l) => l.sha256Ms)))}.`,
    '',
    "**Memory** of the workerd process running the Worker (the one with the inspector; wrangler also runs a proxy workerd, not counted; miniflare's local R2 runs in the same process, so its RSS is an upper bound for the isolate) and of the isolate heap (inspector `Runtime.getHeapUsage`, used JS heap + ArrayBuffer backing stores, no forced GC: the inspector's collectGarbage does not answer through wrangler's proxy):",
    '',
    '| worker | RSS idle | RSS after the runs | isolate heap idle → after | LRU bytes (/v1/health) |',
    '|---|---|---|---|---|',
    ...r.warm.map((run) => memoryRow(`warm, SHARD_CACHE_MB=${run.budgetMB} (${run.evictions} evictions)`, run.idle, run.after)),
    memoryRow('cold similar queries', r.cold.idle, r.cold.after),
    memoryRow('cold recommend queries', r.coldRecommend.idle, r.coldRecommend.after),
    '',
    '| goal (issue) | measured | |',
    '|---|---|---|',
    `| first similar on a cold shard < 50 ms locally | client p50 ${ms(percentile(coldClient, 0.5))}, max ${ms(coldClient.at(-1)!)} | ${verdict(coldClient.at(-1)! < 50)} |`,
    `| first recommend on cold shards < 50 ms locally | client p50 ${ms(percentile(coldRec.client, 0.5))}, max ${ms(coldRec.client.at(-1)!)} (${Math.min(m.nprobe, m.shards)} shards searched) | ${verdict(coldRec.client.at(-1)! < 50)} |`,
    `| warm similar compute p50 < 1 ms | Node ${ms(simNode.p50Ms)}; in-isolate ${frozen ? 'unmeasurable (frozen clock)' : `${simSeq.compute.p50} ms (whole ms)`} at SHARD_CACHE_MB=${fits.budgetMB} | ${verdict(simNode.p50Ms < 1)} |`,
    `| warm similar compute p99 < 5 ms | Node ${ms(simNode.p99Ms)}; in-isolate ${frozen ? 'unmeasurable' : `${simSeq.compute.p99} ms`} at SHARD_CACHE_MB=${fits.budgetMB} | ${verdict(simNode.p99Ms < 5 && (frozen || simSeq.compute.p99 < 5))} |`,
    `| warm runs without errors or non-2xx | ${anyErrors} | ${verdict(anyErrors === 0)} |`,
    `| similar's working set stays cached at the default 48 MB | ${mib(w.similar.bytes)}; ${r.warm[0]!.routes.similar.loadsDuringRun} LRU loads during the 48 MB similar run | ${verdict(r.warm[0]!.routes.similar.loadsDuringRun === 0)} |`,
  ].join('\n');
}

/** Node compute of the edge's code on the trained study-scale export. */
export function formatTrained(t: TrainedResult): string {
  return [
    `### Trained embeddings (the \`graphsage\` benchmark's study-scale run): ${t.items.toLocaleString('en-US')} items, ${t.shards} shards, nprobe ${t.nprobe}`,
    '',
    `Recall@10 against exact float32: similar lists ${t.similarRecall?.toFixed(4) ?? 'n/a'}, search ${t.searchRecall?.toFixed(4) ?? 'n/a'}. Node compute (the edge's \`Recommender\`, warm, ${t.nodeCompute.similar.samples} calls a route, same workload picker), exported with \`npm run -s graphrec -- export .cache/bench-run-graphsage --out …\`:`,
    '',
    '| route | Node compute p50 | p99 | mean |',
    '|---|---|---|---|',
    ...ROUTES.map((r) => `| ${r} | ${ms(t.nodeCompute[r].p50Ms)} | ${ms(t.nodeCompute[r].p99Ms)} | ${ms(t.nodeCompute[r].meanMs)} |`),
    '',
    `**Cold**, in workerd as above (fresh isolate per route, first request apart: ${ms(t.cold.first.clientMs)} / ${ms(t.coldRecommend.first.clientMs)} client), one id from each of ${t.cold.queries.length} home shards; \`recommend\` with the id as a one-item history searches ${Math.min(t.nprobe, t.shards)} shard${t.nprobe === 1 ? '' : 's'}:`,
    '',
    '| # | home shard | status similar / recommend | R2 reads | client | Server-Timing total |',
    '|---|---|---|---|---|---|',
    ...coldRows(t.cold.queries, t.coldRecommend.queries),
    '',
    `| goal (issue) | measured | |`,
    '|---|---|---|',
    `| first similar on a cold shard < 50 ms locally | client p50 ${ms(percentile(coldSummary(t.cold).client, 0.5))}, max ${ms(coldSummary(t.cold).client.at(-1)!)} | ${verdict(coldSummary(t.cold).client.at(-1)! < 50)} |`,
    `| first recommend on a cold shard < 50 ms locally | client p50 ${ms(percentile(coldSummary(t.coldRecommend).client, 0.5))}, max ${ms(coldSummary(t.coldRecommend).client.at(-1)!)} | ${verdict(coldSummary(t.coldRecommend).client.at(-1)! < 50)} |`,
  ].join('\n');
}
