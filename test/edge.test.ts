import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOrder, searchIvf, type ShardVectors } from '../artifacts/src/index/ivf.ts';
import { catalogueShardOf, objectKeys } from '../artifacts/src/manifest/keys.ts';
import type { Manifest } from '../artifacts/src/manifest/schema.ts';
import { loadShards } from '../trainer/src/export/recall.ts';
import { bytesBody } from '../trainer/src/publish/object-store.ts';
import { openLocalR2Store } from '../trainer/src/publish/local-r2-store.ts';
import { generateSynthetic } from '../trainer/src/synth/generate.ts';
import { cosine, expectedSearch, expectedSimilar, exportAndPublish, exportedId, exportedNeighbours, exportedEntry, LOCAL_BUCKET, storedVector, trainFixture, type TrainedFixture } from './helpers/edge-fixture.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { startWorker, type DevWorker } from './helpers/wrangler-dev.ts';

/**
 * The Worker in real workerd (`wrangler dev --local`) over artifacts exported
 * from a trained synthetic run and published to the local R2 bucket.
 */
const { dir } = fixtureFolder('edge');
const persist = join(dir, 'state');
const SHOP = 'https://shop.example';
let fx: TrainedFixture;
let manifestA: Manifest;
let shardsA: ShardVectors[];
let worker: DevWorker;

type Json = Record<string, any>;
async function call(path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; headers: Headers; body: Json }> {
  const { json, ...rest } = init ?? {};
  const r = await fetch(worker.url + path, json === undefined ? rest : { method: 'POST', ...rest, headers: { 'content-type': 'application/json', ...(rest.headers ?? {}) }, body: JSON.stringify(json) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : {} };
}
const health = async (): Promise<Json> => (await call('/v1/health')).body;

beforeAll(async () => {
  await generateSynthetic({ products: 2000, users: 600, seed: 5, out: join(dir, 'data') });
  fx = await trainFixture(join(dir, 'data'), join(dir, 'run'));
  manifestA = await exportAndPublish(fx.runDir, join(dir, 'exportA'), persist, '', { now: new Date('2026-11-01T00:00:00Z') });
  shardsA = await loadShards(join(dir, 'exportA'), manifestA.index, manifestA.model.dimensions);
  worker = await startWorker(persist, { CURRENT_TTL_SECONDS: '1', ALLOWED_ORIGINS: SHOP, USE_CACHE_API: 'false' });
}, 300_000);
afterAll(async () => {
  await worker?.stop();
});

describe('edge API in workerd', () => {
  it('reads each cold block once however many requests wait for it, and only the blocks a request needs', async () => {
    const before = await health();
    const asin = fx.data.products.asins[17]!;
    const answers = await Promise.all(Array.from({ length: 16 }, () => call(`/v1/items/${asin}/similar?k=5`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const after = await health();
    // One catalogue object, one block of the home shard's lists, and the row blocks its first 10 neighbours
    // are in (named by the entry, read with the lists) — not 16 times that, and no whole shard object.
    const exportA = join(dir, 'exportA');
    const entry = exportedEntry(exportA, manifestA, asin);
    const blockRows = manifestA.index.shards[0]!.meta.blocks.rows;
    const blockOf = (n: { shard: number; row: number }): string => `${n.shard}:${Math.floor(n.row / blockRows)}`;
    const rowBlocks = new Set(exportedNeighbours(exportA, manifestA, shardsA, asin, 10).map(blockOf));
    expect(new Set((entry.nearBlocks ?? []).map((b) => `${b >>> 16}:${b & 0xffff}`))).toEqual(rowBlocks);
    expect(after.reads.r2Reads - before.reads.r2Reads).toBe(2 + rowBlocks.size);
    expect(new Set(answers.map((a) => JSON.stringify(a.body.items))).size).toBe(1);

    // The same for a search (recommend): the history item's codes block, index and codes of each probed
    // shard, and the row blocks of the hits not read above, once.
    const other = fx.data.products.asins[1717]!;
    const probed = Math.min(manifestA.index.nprobe, manifestA.index.shards.length);
    const beforeSearch = await health();
    const searches = await Promise.all(Array.from({ length: 16 }, () => call('/v1/recommend', { json: { history: [other], k: 5 } })));
    expect(searches.every((a) => a.status === 200)).toBe(true);
    const afterSearch = await health();
    const otherEntry = exportedEntry(exportA, manifestA, other);
    const hits = await searchIvf(storedVector(shardsA, otherEntry), manifestA.index.centroids, async (s) => shardsA[s]!, { k: 5, nprobe: manifestA.index.nprobe, shortlist: manifestA.quantization.shortlist, exclude: new Set([otherEntry.key]) });
    expect(searches[0]!.body.items.map((i: Json) => i.id)).toEqual(hits.map((h) => exportedId(exportA, manifestA, h)));
    const catalogueRead = catalogueShardOf(other, manifestA.catalogue.objects.length) === catalogueShardOf(asin, manifestA.catalogue.objects.length) ? 0 : 1;
    // Row blocks: the hits', and those the history item's own neighbours are in (read beside the search).
    const nearOf = (e: { nearBlocks?: number[] }): string[] => (e.nearBlocks ?? []).map((b) => `${b >>> 16}:${b & 0xffff}`);
    const newRowBlocks = new Set([...hits.map(blockOf), ...nearOf(otherEntry)].filter((b) => !rowBlocks.has(b)));
    // The history item's own shard is loaded from the start (a guess at the probes), probed or not.
    const loadedShards = new Set([...probeOrder(manifestA.index.centroids, storedVector(shardsA, otherEntry)).slice(0, probed), otherEntry.shard]);
    expect(afterSearch.reads.r2Reads - beforeSearch.reads.r2Reads).toBe(catalogueRead + 1 + 2 * loadedShards.size + newRowBlocks.size);

    // Once its shard is loaded, an item's vector comes from it: a history of items of loaded shards reads no codes block.
    const sameShard = fx.data.products.asins.find((a, i) => i !== 1717 && exportedEntry(exportA, manifestA, a).shard === otherEntry.shard && Math.floor(exportedEntry(exportA, manifestA, a).row / blockRows) !== Math.floor(otherEntry.row / blockRows) && catalogueShardOf(a, manifestA.catalogue.objects.length) === catalogueShardOf(other, manifestA.catalogue.objects.length))!;
    const beforeWarm = await health();
    const warm = await call('/v1/recommend', { json: { history: [sameShard], k: 5 } });
    expect(warm.status).toBe(200);
    const warmEntry = exportedEntry(exportA, manifestA, sameShard);
    const warmHits = await searchIvf(storedVector(shardsA, warmEntry), manifestA.index.centroids, async (s) => shardsA[s]!, { k: 5, nprobe: manifestA.index.nprobe, shortlist: manifestA.quantization.shortlist, exclude: new Set([warmEntry.key]) });
    const warmProbes = probeOrder(manifestA.index.centroids, storedVector(shardsA, warmEntry)).slice(0, probed).filter((p) => !loadedShards.has(p));
    const seenRowBlocks = new Set([...rowBlocks, ...newRowBlocks]);
    expect((await health()).reads.r2Reads - beforeWarm.reads.r2Reads).toBe(2 * warmProbes.length + new Set([...warmHits.map(blockOf), ...nearOf(warmEntry)].filter((b) => !seenRowBlocks.has(b))).size);
  });

  it('answers similar items from the precomputed lists, and beyond their depth from the IVF search, as the export computes them', async () => {
    const asin = fx.data.products.asins[42]!;
    const k = manifestA.similar.depth + 5;
    const r = await call(`/v1/items/${asin}/similar?k=${k}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: Json) => i.id)).toEqual(await expectedSearch(join(dir, 'exportA'), manifestA, shardsA, asin, k));
    const listed = await call(`/v1/items/${asin}/similar?k=${manifestA.similar.depth}`);
    expect(listed.body.items.map((i: Json) => i.id)).toEqual(exportedNeighbours(join(dir, 'exportA'), manifestA, shardsA, asin, manifestA.similar.depth).map((n) => n.id));
    // Both paths score with the same int16 codes: the list's top items agree with the search's.
    expect(r.body.items[0].id).toBe(listed.body.items[0].id);
    expect(Math.abs(r.body.items[0].score - listed.body.items[0].score)).toBeLessThan(1e-4);
  });

  it('answers similar items exactly as the trainer-side search over the same export', async () => {
    for (const key of [3, 250, 1200]) {
      const asin = fx.data.products.asins[key]!;
      const r = await call(`/v1/items/${asin}/similar?k=10`);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-graphrec-version')).toBe(manifestA.version);
      expect(r.headers.get('server-timing')).toMatch(/search;dur=/);
      const expected = await expectedSimilar(join(dir, 'exportA'), manifestA, shardsA, asin, 10);
      expect(r.body.items.map((i: Json) => i.id)).toEqual(expected);
      expect(r.body.items.some((i: Json) => i.id === asin)).toBe(false);
      for (const item of r.body.items) expect(Object.keys(item)).toEqual(expect.arrayContaining(['id', 'score', 'title', 'popularity']));
    }
  });

  it('sets ETag and Cache-Control on GETs and answers 304 for the same version', async () => {
    const asin = fx.data.products.asins[3]!;
    const r = await call(`/v1/items/${asin}/similar?k=3`);
    expect(r.headers.get('etag')).toBe(`"${manifestA.version}"`);
    expect(r.headers.get('cache-control')).toBe('public, max-age=1');
    const again = await fetch(`${worker.url}/v1/items/${asin}/similar?k=3`, { headers: { 'if-none-match': `"${manifestA.version}"` } });
    expect(again.status).toBe(304);
  });

  it('answers an unknown id with a JSON 404, or popular items when asked', async () => {
    const missing = await call('/v1/items/NOT-AN-ASIN/similar');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('item/unknown');
    const popular = await call('/v1/items/NOT-AN-ASIN/similar?fallback=popular&k=4');
    expect(popular.status).toBe(200);
    expect(popular.body.fallback).toBe('popular');
    expect(popular.body.items).toHaveLength(4);
    const pops = popular.body.items.map((i: Json) => i.popularity);
    expect([...pops].sort((a, b) => b - a)).toEqual(pops);
  });

  it('recommends from a history, excluding seen and excluded items, and names unknown ids', async () => {
    const [a, b, c] = [fx.data.products.asins[10]!, fx.data.products.asins[11]!, fx.data.products.asins[12]!];
    const r = await call('/v1/recommend', { json: { history: [a, b, 'UNKNOWN1'], k: 8, exclude: [c] } });
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(8);
    expect(r.body.unknown).toEqual(['UNKNOWN1']);
    const ids = r.body.items.map((i: Json) => i.id);
    for (const seen of [a, b, c]) expect(ids).not.toContain(seen);
    const none = await call('/v1/recommend', { json: { history: ['X', 'Y'] } });
    expect(none.status).toBe(404);
    expect((await call('/v1/recommend?fallback=popular', { json: { history: ['X'] } })).body.fallback).toBe('popular');
  });

  it('refuses bad input with JSON 400/413, never HTML', async () => {
    const cases: [string, RequestInit & { json?: unknown }, number][] = [
      ['/v1/recommend', { json: { history: [] } }, 400],
      ['/v1/recommend', { json: { history: Array.from({ length: 51 }, (_, i) => `id${i}`) } }, 400],
      ['/v1/recommend', { json: { history: ['a'], k: 101 } }, 400],
      ['/v1/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }, 400],
      ['/v1/recommend', { json: { history: ['a'], exclude: [], pad: 'x'.repeat(20_000) } }, 413],
      ['/v1/items/embed', { json: { neighbors: [] } }, 400],
      ['/v1/items/abc/similar?k=0', {}, 400],
      ['/v1/nope', {}, 404],
    ];
    for (const [path, init, status] of cases) {
      const r = await fetch(worker.url + path, init.json === undefined ? init : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.json) });
      expect(r.status, path).toBe(status);
      expect(r.headers.get('content-type'), path).toMatch(/application\/json/);
      const body = (await r.json()) as Json;
      expect(body.error.code, path).toMatch(/^(request|route)\//);
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it("embeds a held-out product's title (and title plus a neighbour) as the trainer does (cosine ≥ 0.999)", async () => {
    const { products, graph } = fx.data;
    let checked = 0;
    for (const v of fx.heldOut.slice(0, 8)) {
      const neighbors = Array.from(graph.targets.subarray(graph.offsets[v]!, graph.offsets[v + 1]!)).slice(0, 1);
      for (const known of [[], neighbors]) {
        const r = await call('/v1/items/embed', { json: { title: products.titles[v], neighbors: known.map((u) => products.asins[u]), k: 5 } });
        expect(r.status).toBe(200);
        expect(r.body.items).toHaveLength(5);
        expect(cosine(r.body.embedding, fx.inductive(products.titles[v]!, known))).toBeGreaterThanOrEqual(0.999);
        checked++;
      }
    }
    expect(checked).toBe(16);
    const empty = await call('/v1/items/embed', { json: { title: 'zzqx qqzv' } });
    expect(empty.status).toBe(422);
    expect(empty.body.error.code).toBe('embed/empty');
  });

  it('allows CORS from configured storefront origins only', async () => {
    const asin = fx.data.products.asins[3]!;
    const ok = await fetch(`${worker.url}/v1/items/${asin}/similar`, { headers: { origin: SHOP } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
    const other = await fetch(`${worker.url}/v1/items/${asin}/similar`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${worker.url}/v1/recommend`, { method: 'OPTIONS', headers: { origin: SHOP, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
  });

  it('describes every route in /openapi.json and reports the version with its metrics', async () => {
    const doc = (await call('/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/items/{id}/similar', '/v1/recommend', '/v1/items/embed', '/v1/health', '/v1/version']));
    const v = (await call('/v1/version')).body;
    expect(v).toMatchObject({ version: manifestA.version, items: manifestA.items, model: { kind: 'graphsage' }, similar: { depth: manifestA.similar.depth, recallAt10: manifestA.similar.recallAt10 } });
    expect(v.metrics['held-out-edges'].graphsage['hr@10']).toBeGreaterThan(0);
  });

  it('switches to a newly published version without a restart; refuses a corrupt shard and a missing one with 503 JSON while serving the others', async () => {
    const manifestB = await exportAndPublish(fx.runDir, join(dir, 'exportB'), persist, '', { shardItems: 400, now: new Date('2026-11-02T00:00:00Z') });
    expect(manifestB.version).not.toBe(manifestA.version);
    const deadline = Date.now() + 15_000;
    let seen = '';
    while (Date.now() < deadline && seen !== manifestB.version) {
      seen = (await call('/v1/version')).body.version;
      if (seen !== manifestB.version) await new Promise((r) => setTimeout(r, 200));
    }
    expect(seen).toBe(manifestB.version);

    // Damage B before anything has loaded it: shard 0's codes corrupt, shard 1's index missing, one byte of the first block of shard 2's similar lists.
    const shardsB = await loadShards(join(dir, 'exportB'), manifestB.index, manifestB.model.dimensions);
    const keys = objectKeys('', 'graphsage');
    const store = await openLocalR2Store({ bucket: LOCAL_BUCKET, persistTo: persist });
    const [corrupt, missing, badLists] = [0, 1, 2].map((i) => manifestB.index.shards[i]!);
    await store.put(keys.object(manifestB.version, corrupt!.codes.key), bytesBody(new Uint8Array(corrupt!.codes.bytes).fill(7)));
    await store.delete([keys.object(manifestB.version, missing!.index.key)]);
    const lists = new Uint8Array(readFileSync(join(dir, 'exportB', badLists!.similar.key)));
    lists[10] ^= 0xff;
    await store.put(keys.object(manifestB.version, badLists!.similar.key), bytesBody(lists));
    await store.close();

    const asins = fx.data.products.asins;
    const entryB = (key: number) => exportedEntry(join(dir, 'exportB'), manifestB, asins[key]!);
    const probesOf = (key: number): number[] => probeOrder(manifestB.index.centroids, storedVector(shardsB, entryB(key))).slice(0, manifestB.index.nprobe);
    const find = (pred: (probes: number[]) => boolean): string => asins[asins.findIndex((_, k) => pred(probesOf(k)))]!;
    // ?fallback=none: no substitute, so the refusal itself is the answer (by default, the previous version answers).
    const search = (id: string) => call('/v1/recommend?fallback=none', { json: { history: [id], k: 5 } });
    const bad = await search(find((p) => p.includes(corrupt!.id)));
    expect(bad.status).toBe(503);
    expect(bad.body.error.code).toBe('artifact/corrupt');
    const gone = await search(find((p) => p.includes(missing!.id) && !p.includes(corrupt!.id)));
    expect(gone.status).toBe(503);
    expect(gone.body.error.code).toBe('artifact/missing');
    const fine = await search(find((p) => !p.includes(corrupt!.id) && !p.includes(missing!.id)));
    expect(fine.status).toBe(200);
    expect(fine.headers.get('x-graphrec-version')).toBe(manifestB.version);
    // Similar reads list and row blocks only: refused for an item whose list is in the damaged block, served for
    // an item of the same shard in another block, and for items of the shard with corrupt codes.
    const homedIn = (shard: number, inFirstBlock = true): string => asins[asins.findIndex((_, k) => entryB(k).shard === shard && (entryB(k).row < badLists!.similar.blocks.rows) === inFirstBlock)]!;
    const badSimilar = await call(`/v1/items/${homedIn(badLists!.id)}/similar?fallback=none`);
    expect(badSimilar.status).toBe(503);
    expect(badSimilar.body.error.code).toBe('artifact/corrupt');
    const substitute = await call(`/v1/items/${homedIn(badLists!.id)}/similar`);
    expect(substitute.status).toBe(200);
    expect(substitute.body).toMatchObject({ fallback: 'previous-version', version: manifestA.version });
    expect((await call(`/v1/items/${homedIn(badLists!.id, false)}/similar`)).status).toBe(200);
    expect((await call(`/v1/items/${homedIn(corrupt!.id)}/similar`)).status).toBe(200);
    expect((await health()).reads.corrupt).toBeGreaterThanOrEqual(2);
    // The refusal is not cached: the same request fails again rather than serving the bad bytes.
    expect((await search(find((p) => p.includes(corrupt!.id)))).status).toBe(503);
    expect((await call(`/v1/items/${homedIn(badLists!.id)}/similar?fallback=none`)).status).toBe(503);
  });
});
