/**
 * `npm run test:stress`: ≥ 50,000 requests at concurrency 64 against the real
 * Worker under `wrangler dev` on 127.0.0.1, over a published synthetic export
 * mixing similar, recommend and embed. Fails (exit 1) on any error or non-2xx
 * answer, or when workerd's RSS grows: the mean of the last quarter of the
 * samples must stay within 20% of the second quarter's. Writes the figures to
 * stdout and `.cache/stress-results.json`.
 */
import autocannon from 'autocannon';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolateHeap, processMemory, workerdPid } from '../bench/edge-worker.ts';
import { servedFixture } from '../helpers/served-fixture.ts';
import { startWorker } from '../helpers/wrangler-dev.ts';

const REQUESTS = Number(process.env.STRESS_REQUESTS ?? 50_000);
const CONNECTIONS = Number(process.env.STRESS_CONNECTIONS ?? 64);
/**
 * Requests before the measured run. workerd's RSS climbs for the first ~60,000 requests (85 → ~400 MiB
 * in a 150,000-request run, flat from there on) while the isolate's heap stays ~20–30 MiB; the memory
 * check is on the run after that, and the warm-up's own errors and non-2xx answers count too.
 */
const WARMUP = Number(process.env.STRESS_WARMUP ?? 60_000);
const SAMPLE_MS = 500;

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** Similar (half), recommend (a third) and embed (the rest), over known ids and real title words. */
function requests(ids: readonly string[], words: readonly string[]): autocannon.Request[] {
  const json = { 'content-type': 'application/json' };
  return Array.from({ length: 240 }, (_, i) => withSample(request(ids, words, json, i)));
}

/** The first few answers outside 2xx, kept for the results: a count alone cannot be diagnosed. */
const failures: { status: number; path: string; body: string }[] = [];
function withSample(r: autocannon.Request): autocannon.Request {
  return {
    ...r,
    onResponse: (status: number, body: string) => {
      if ((status < 200 || status > 299) && failures.length < 5) failures.push({ status, path: r.path ?? '', body: String(body).slice(0, 400) });
    },
  } as autocannon.Request;
}

function request(ids: readonly string[], words: readonly string[], json: Record<string, string>, i: number): autocannon.Request {
  const id = ids[(i * 37) % ids.length]!;
  if (i % 6 < 3) return { method: 'GET' as const, path: `/v1/items/${id}/similar?k=${5 + (i % 3) * 5}` };
  if (i % 6 < 5) return { method: 'POST' as const, path: '/v1/recommend?fallback=popular', headers: json, body: JSON.stringify({ history: [id, ids[(i * 53) % ids.length]], k: 10 }) };
  const title = [0, 1, 2].map((j) => words[(i * 7 + j * 11) % words.length]).join(' ');
  return { method: 'POST' as const, path: '/v1/items/embed?fallback=popular', headers: json, body: JSON.stringify({ title, neighbors: [id], k: 10 }) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'graphrec-stress-'));
  const worker = await (async () => {
    console.log('[stress] training and publishing a 2,000-product synthetic export …');
    const sf = await servedFixture(dir, { products: 2_000, seed: 21 });
    const w = await startWorker(sf.persist, { USE_CACHE_API: 'false' });
    return { w, sf };
  })();
  const { w, sf } = worker;
  try {
    const pid = workerdPid(w);
    const rssBeforeWarmUp = processMemory(pid).rssMiB;
    console.log(`[stress] warm-up: ${WARMUP} requests …`);
    const warmUp = WARMUP > 0 ? await autocannon({ url: w.url, connections: CONNECTIONS, amount: WARMUP, timeout: 30, requests: requests(sf.ids, sf.words) }) : undefined;
    const rssAfterWarmUp = processMemory(pid).rssMiB;
    console.log(`[stress] measured run: ${REQUESTS} requests …`);
    const samples: { atMs: number; rssMiB: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => samples.push({ atMs: Date.now() - started, rssMiB: processMemory(pid).rssMiB }), SAMPLE_MS);
    // The isolate's V8 heap through the inspector (garbage included: no GC is forced), every 2 s.
    const heap: number[] = [];
    let sampling = true;
    const heapSampler = (async () => {
      while (sampling) {
        const h = await isolateHeap(w);
        if (h) heap.push(h.usedMiB);
        await new Promise((r) => setTimeout(r, 2_000));
      }
    })();
    const result = await autocannon({ url: w.url, connections: CONNECTIONS, amount: REQUESTS, timeout: 30, requests: requests(sf.ids, sf.words) });
    const statuses = Object.entries((result as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}).map(([code, s]) => [code, s.count]);
    clearInterval(sampler);
    sampling = false;
    await heapSampler;
    const rss = samples.map((s) => s.rssMiB);
    const q = Math.floor(rss.length / 4);
    const [second, last] = [mean(rss.slice(q, 2 * q)), mean(rss.slice(3 * q))];
    const hq = Math.floor(heap.length / 4);
    const [heapSecond, heapLast] = [mean(heap.slice(hq, 2 * hq)), mean(heap.slice(3 * hq))];
    const figures = {
      at: new Date().toISOString(),
      requests: result.requests.total,
      connections: CONNECTIONS,
      seconds: result.duration,
      reqPerSec: Math.round(result.requests.average),
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statuses: Object.fromEntries(statuses),
      failures,
      warmUp: { requests: warmUp?.requests.total ?? 0, errors: (warmUp?.errors ?? 0) + (warmUp?.timeouts ?? 0), non2xx: warmUp?.non2xx ?? 0, rssMiB: { before: Math.round(rssBeforeWarmUp), after: Math.round(rssAfterWarmUp) } },
      rssMiB: { samples: rss.length, first: rss[0], peak: Math.max(...rss), byTenth: Array.from({ length: 10 }, (_, i) => Math.round(mean(rss.slice(Math.floor((i * rss.length) / 10), Math.floor(((i + 1) * rss.length) / 10))))), secondQuarterMean: +second.toFixed(1), lastQuarterMean: +last.toFixed(1), growth: +(last / second - 1).toFixed(3) },
      heapUsedMiB: { samples: heap.length, peak: +Math.max(...heap).toFixed(1), secondQuarterMean: +heapSecond.toFixed(1), lastQuarterMean: +heapLast.toFixed(1), growth: +(heapLast / heapSecond - 1).toFixed(3) },
      workload: { products: sf.manifest.items, shards: sf.manifest.index.shards.length, mix: 'similar 50% (k 5/10/15), recommend 33% (2 ids), embed 17% (title + 1 neighbour)' },
    };
    console.log(JSON.stringify(figures, null, 2));
    mkdirSync('.cache', { recursive: true });
    writeFileSync(join('.cache', 'stress-results.json'), `${JSON.stringify(figures, null, 2)}\n`);
    const problems = [
      figures.requests < REQUESTS && `only ${figures.requests} of ${REQUESTS} requests were answered`,
      figures.errors + figures.timeouts > 0 && `${figures.errors} errors and ${figures.timeouts} timeouts`,
      figures.non2xx > 0 && `${figures.non2xx} non-2xx answers`,
      figures.warmUp.errors + figures.warmUp.non2xx > 0 && `warm-up: ${figures.warmUp.errors} errors and timeouts, ${figures.warmUp.non2xx} non-2xx`,
      Math.abs(figures.rssMiB.growth) > 0.2 && `workerd RSS moved ${(figures.rssMiB.growth * 100).toFixed(1)}% between the second and the last quarter`,
    ].filter(Boolean);
    if (problems.length) throw new Error(`stress failed: ${problems.join('; ')}`);
    console.log(`[stress] ok: ${figures.requests} requests, ${figures.reqPerSec} req/s, p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms, RSS ${figures.rssMiB.secondQuarterMean} → ${figures.rssMiB.lastQuarterMean} MiB`);
  } finally {
    await w.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
