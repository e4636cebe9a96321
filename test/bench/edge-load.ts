import autocannon from 'autocannon';

/** One HTTP request of a route's workload. */
export interface RequestVariant {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** Value at quantile `p` of ascending `sorted` (nearest rank, lower). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function send(base: string, v: RequestVariant): Promise<Response> {
  return fetch(base + v.path, v.method === 'GET' ? undefined : { method: v.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(v.body) });
}

export interface LoadRun {
  connections: number;
  seconds: number;
  requests: number;
  reqPerSec: number;
  /** autocannon's histogram: whole milliseconds. */
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** autocannon for `seconds` with `connections`, each connection cycling through the variants in order. */
export async function loadTest(base: string, variants: RequestVariant[], seconds: number, connections = 8): Promise<LoadRun> {
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: variants.map((v) =>
      v.method === 'GET' ? { method: 'GET' as const, path: v.path } : { method: v.method, path: v.path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(v.body) },
    ),
  });
  return {
    connections,
    seconds,
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Parses `Server-Timing: search;dur=5.0,total;dur=6.0;desc="total"` into name → ms. */
export function parseServerTiming(header: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.find((p) => p.trim().startsWith('dur='));
    if (name && dur) out[name.trim()] = Number(dur.trim().slice(4));
  }
  return out;
}

export interface Distribution {
  p50: number;
  p99: number;
  max: number;
}

function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? NaN };
}

/** What the isolate's clock allows the Server-Timing figures to mean. */
export interface ClockReading {
  /** Every value a whole number of milliseconds. */
  wholeMs: boolean;
  /** Share of samples whose compute metric reads 0. */
  zeroShare: number;
}

export interface SequentialRun {
  samples: number;
  /** Client-side latency (fetch, body read), ms. */
  client: Distribution;
  /** The route's compute metric (`search` or `embed`) and `total`, as the Worker reports them. */
  compute: Distribution;
  total: Distribution;
  clock: ClockReading;
  non2xx: number;
}

/**
 * `count` sequential requests cycling through the variants (stopping early
 * after `maxSeconds`), reading client latency and the Server-Timing header.
 */
export async function sampleSequential(base: string, variants: RequestVariant[], metric: string, count = 300, maxSeconds = 60): Promise<SequentialRun> {
  const client: number[] = [];
  const compute: number[] = [];
  const total: number[] = [];
  let non2xx = 0;
  const deadline = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const started = performance.now();
    const r = await send(base, variants[i % variants.length]!);
    await r.arrayBuffer();
    client.push(performance.now() - started);
    if (r.status !== 200) non2xx++;
    const timing = parseServerTiming(r.headers.get('server-timing'));
    compute.push(timing[metric] ?? NaN);
    total.push(timing.total ?? NaN);
  }
  const all = [...compute, ...total];
  return {
    samples: client.length,
    client: distribution(client),
    compute: distribution(compute),
    total: distribution(total),
    clock: { wholeMs: all.every((x) => Number.isInteger(x)), zeroShare: compute.filter((x) => x === 0).length / compute.length },
    non2xx,
  };
}
