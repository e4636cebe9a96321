import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardCodesKey, shardIndexKey, shardSimilarKey } from '../artifacts/src/manifest/keys.ts';
import type { Manifest } from '../artifacts/src/manifest/schema.ts';
import type { FaultRule } from '../edge/test/faults/rules.ts';
import { exportAndPublish, exportedEntry, exportedNeighbours } from './helpers/edge-fixture.ts';
import { loadShards } from '../trainer/src/export/recall.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { servedFixture, type ServedFixture } from './helpers/served-fixture.ts';
import { startWorker, type DevWorker } from './helpers/wrangler-dev.ts';

/**
 * Faults at the storage boundary of the real Worker (workerd, `wrangler dev`):
 * the test entry `edge/test/faults/worker.ts` wraps the R2 binding, and
 * `/__faults` sets which reads error, hang or come back with a flipped byte.
 */
const { dir } = fixtureFolder('edge-faults');
const READ = { READ_ATTEMPTS: '3', READ_BACKOFF_MS: '20', READ_TIMEOUT_MS: '400' };
let sf: ServedFixture;
let worker: DevWorker;

type Json = Record<string, any>;
interface Answer {
  status: number;
  headers: Headers;
  body: Json;
  ms: number;
}
/** Every answer must be JSON: parsing is part of the call. */
async function call(path: string, json?: unknown): Promise<Answer> {
  const started = Date.now();
  const init: RequestInit = json === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) };
  const r = await fetch(worker.url + path, { ...init, signal: AbortSignal.timeout(15_000) }).catch((err: Error) => {
    throw new Error(`${path}: ${err.message}\n${worker.output().slice(-2_000)}`);
  });
  const text = await r.text();
  expect(r.headers.get('content-type'), `${path} → ${r.status} ${text.slice(0, 200)}`).toMatch(/application\/json/);
  return { status: r.status, headers: r.headers, body: JSON.parse(text) as Json, ms: Date.now() - started };
}
const health = async (): Promise<Json> => (await call('/v1/health')).body;
async function setFaults(rules: FaultRule[]): Promise<Json[]> {
  const r = await fetch(`${worker.url}/__faults`, { method: 'PUT', body: JSON.stringify({ rules }) });
  return ((await r.json()) as { rules: Json[] }).rules;
}
const faults = async (): Promise<Json[]> => ((await (await fetch(`${worker.url}/__faults`)).json()) as { rules: Json[] }).rules;
const delta = (after: Json, before: Json, key: string): number => after.reads[key] - before.reads[key];
/** Flips injected and corrupt reads counted since `before`, once neither has moved for 500 ms (10 s at most). */
async function settledFlips(before: Json): Promise<{ flipped: number; corrupt: number }> {
  const read = async () => ({ flipped: (await faults()).reduce((s, f) => s + f.injected, 0), corrupt: delta(await health(), before, 'corrupt') });
  let last = await read();
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await read();
    if (now.flipped === last.flipped && now.corrupt === last.corrupt) return now;
    last = now;
  }
  return last;
}

/** A product of shard `shard` of the export (whose lists, rows and codes are in that shard's objects). */
const homedIn = (manifest: Manifest, exportDir: string, shard: number): string => sf.ids.find((id) => exportedEntry(exportDir, manifest, id)?.shard === shard)!;
const expectedIds = (id: string, k: number): string[] =>
  exportedNeighbours(join(dir, 'export'), sf.manifest, shardsA, id, k).map((n) => n.id);
let shardsA: Awaited<ReturnType<typeof loadShards>>;

beforeAll(async () => {
  sf = await servedFixture(dir);
  shardsA = await loadShards(join(dir, 'export'), sf.manifest.index, sf.manifest.model.dimensions);
  expect(sf.manifest.index.shards.length).toBeGreaterThanOrEqual(6);
  worker = await startWorker(sf.persist, { CURRENT_TTL_SECONDS: '1', USE_CACHE_API: 'false', ...READ }, { main: 'edge/test/faults/worker.ts' });
}, 300_000);
afterAll(async () => {
  await worker?.stop();
});

describe('storage faults, injected under the real Worker', () => {
  const similarOf = (shard: number) => homedIn(sf.manifest, join(dir, 'export'), shard);

  it('retries R2 errors with backoff and answers normally, the retries counted in /v1/health', async () => {
    const id = similarOf(0);
    await setFaults([{ match: shardSimilarKey(0), kind: 'error', times: 2 }]);
    const before = await health();
    const r = await call(`/v1/items/${id}/similar?k=5`);
    expect(r.status).toBe(200);
    expect(r.body.fallback).toBeUndefined();
    expect(r.body.items.map((i: Json) => i.id)).toEqual(expectedIds(id, 5));
    const after = await health();
    expect([delta(after, before, 'retries'), delta(after, before, 'errors')]).toEqual([2, 2]);
    expect((await faults())[0]).toMatchObject({ injected: 2 });
    console.log(`[faults] transient errors: 2 injected, 2 retries, 200 in ${r.ms} ms`);
  });

  it('answers popular items flagged as a fallback when a shard object keeps failing, never a 5xx (503 JSON with ?fallback=none)', async () => {
    const id = similarOf(1);
    await setFaults([{ match: shardSimilarKey(1), kind: 'error' }]);
    const before = await health();
    const r = await call(`/v1/items/${id}/similar?k=5`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ fallback: 'popular', version: sf.manifest.version });
    expect(r.body.items.length).toBe(5);
    expect(r.headers.get('x-graphrec-fallback')).toBe('popular');
    expect(r.headers.get('etag')).toBeNull();
    expect(r.headers.get('cache-control')).toBe('no-store');
    const refused = await call(`/v1/items/${id}/similar?k=5&fallback=none`);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'artifact/unavailable' });
    expect(refused.body.error.message).toMatch(/after 3 attempt/);
    const after = await health();
    expect(after.fallbacks.popular - before.fallbacks.popular).toBe(1);
    expect(delta(after, before, 'errors')).toBe(6);
    await setFaults([]);
    expect((await call(`/v1/items/${id}/similar?k=5`)).body.items.map((i: Json) => i.id)).toEqual(expectedIds(id, 5));
    console.log(`[faults] persistent error: 6 injected (3 attempts × 2 requests), 1 popular fallback (${r.ms} ms), 1 503 with fallback=none`);
  });

  it('abandons a hung read at the timeout and retries it; a read that keeps hanging falls back within a bounded time', async () => {
    const id = similarOf(2);
    await setFaults([{ match: shardSimilarKey(2), kind: 'hang', hangMs: 10_000, times: 1 }]);
    const before = await health();
    const once = await call(`/v1/items/${id}/similar?k=5`);
    expect(once.status).toBe(200);
    expect(once.body.fallback).toBeUndefined();
    expect(once.ms).toBeLessThan(2_000);
    expect(delta(await health(), before, 'timeouts')).toBe(1);

    const other = similarOf(3);
    await setFaults([{ match: shardSimilarKey(3), kind: 'hang', hangMs: 10_000 }]);
    const stuck = await call(`/v1/items/${other}/similar?k=5`);
    expect(stuck.status).toBe(200);
    expect(stuck.body.fallback).toBe('popular');
    // 3 attempts × 400 ms and two short backoffs, well before the hung read would have answered.
    expect(stuck.ms).toBeLessThan(3_000);
    expect(delta(await health(), before, 'timeouts')).toBe(4);
    await setFaults([]);
    console.log(`[faults] timeouts: 1 hang retried (200 in ${once.ms} ms); persistent hang → popular fallback in ${stuck.ms} ms (3 timeouts)`);
  });

  it('refuses corrupt bytes, retries them, never caches or serves them', async () => {
    const id = similarOf(4);
    await setFaults([{ match: shardSimilarKey(4), kind: 'flip', times: 1 }]);
    const before = await health();
    const once = await call(`/v1/items/${id}/similar?k=5`);
    expect(once.status).toBe(200);
    expect(once.body.items.map((i: Json) => i.id)).toEqual(expectedIds(id, 5));
    expect([delta(await health(), before, 'corrupt'), delta(await health(), before, 'retries')]).toEqual([1, 1]);

    // A whole-object read (a shard's HNSW index, loaded by a search) that stays corrupt: refused on every attempt.
    const history = similarOf(5);
    await setFaults([{ match: shardIndexKey(5), kind: 'flip' }, { match: shardCodesKey(5), kind: 'flip' }]);
    const bad = await call('/v1/recommend', { history: [history], k: 5 });
    expect(bad.status).toBe(200);
    expect(bad.body.fallback).toBe('popular');
    const refused = await call('/v1/recommend?fallback=none', { history: [history], k: 5 });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('artifact/corrupt');
    // The refused requests' prefetches run on in ctx.waitUntil after the answers are sent, and each of
    // their attempts takes a flip: count the flips once the reads have settled, not at the last answer.
    const { flipped, corrupt } = await settledFlips(before);
    expect(corrupt).toBe(1 + flipped);
    await setFaults([]);
    const good = await call('/v1/recommend', { history: [history], k: 5 });
    expect(good.status).toBe(200);
    expect(good.body.fallback).toBeUndefined();
    expect(good.body.items).toHaveLength(5);
    const after = await health();
    expect(delta(after, before, 'corrupt')).toBe(1 + flipped);
    console.log(`[faults] corrupt: 1 flip retried (200, exact answer); ${flipped} flips of shard 5 refused → popular fallback and a 503 with fallback=none; then served clean`);
  });

  it('answers from the previous version, as a whole, when the new version cannot be read', async () => {
    const idle = similarOf(6);
    const warm = await call(`/v1/items/${idle}/similar?k=5`);
    expect(warm.status).toBe(200);
    const manifestB = await exportAndPublish(sf.fx.runDir, join(dir, 'exportB'), sf.persist, '', { shardItems: 150, now: new Date('2026-11-02T00:00:00Z') });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await call('/v1/version')).body.version !== manifestB.version) await new Promise((r) => setTimeout(r, 200));
    await setFaults([{ match: `versions/${manifestB.version}/shards/`, kind: 'error' }]);
    const before = await health();
    const r = await call(`/v1/items/${idle}/similar?k=5`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ fallback: 'previous-version', version: sf.manifest.version });
    expect(r.headers.get('x-graphrec-version')).toBe(sf.manifest.version);
    expect(r.headers.get('x-graphrec-fallback')).toBe('previous-version');
    expect(r.body.items.map((i: Json) => i.id)).toEqual(expectedIds(idle, 5));
    expect((await health()).fallbacks.previousVersion - before.fallbacks.previousVersion).toBe(1);

    // Everything failing: still a JSON answer (popular items of a version whose list is loaded), never a 500.
    await setFaults([{ match: '', kind: 'error' }]);
    const statuses = new Map<number, number>();
    for (const id of sf.ids.slice(300, 320)) {
      const a = await call(`/v1/items/${id}/similar?k=3`);
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      expect(a.status).toBeLessThan(500);
    }
    expect((await call('/v1/health')).status).toBe(200);
    await setFaults([]);
    console.log(`[faults] new version unreadable: answered by the previous version; every read failing: ${JSON.stringify(Object.fromEntries(statuses))} over 20 requests`);
  }, 120_000);

  it('under random R2 errors (30%, seeded), every request is answered 200, most without a substitute', async () => {
    const rules = await setFaults([{ match: '', kind: 'error', probability: 0.3, seed: 7 }]);
    expect(rules).toHaveLength(1);
    const counts = { ok: 0, previous: 0, popular: 0, other: 0 };
    for (const id of sf.ids.slice(400, 600)) {
      const r = await call(`/v1/items/${id}/similar?k=5`);
      if (r.status !== 200) counts.other++;
      else if (r.body.fallback === 'previous-version') counts.previous++;
      else if (r.body.fallback === 'popular') counts.popular++;
      else counts.ok++;
    }
    const [rule] = await faults();
    await setFaults([]);
    console.log(`[faults] 30% random errors over 200 requests: ${rule!.injected} of ${rule!.seen} reads failed; answers ${JSON.stringify(counts)}`);
    expect(counts.other).toBe(0);
    expect(counts.ok).toBeGreaterThan(counts.previous + counts.popular);
  }, 120_000);
});
