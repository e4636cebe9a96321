import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium } from '../infra/scripts/ensure-chromium.mjs';
import type { ShardVectors } from '../artifacts/src/index/ivf.ts';
import { parseManifest, type Manifest } from '../artifacts/src/manifest/schema.ts';
import { exportRun } from '../trainer/src/export/export-run.ts';
import { loadShards } from '../trainer/src/export/recall.ts';
import { openLocalR2Store } from '../trainer/src/publish/local-r2-store.ts';
import { publishExport } from '../trainer/src/publish/publish.ts';
import { generateSynthetic } from '../trainer/src/synth/generate.ts';
import { exportedEntry, expectedSearch, expectedSimilar, LOCAL_BUCKET, trainFixture, type TrainedFixture } from './helpers/edge-fixture.ts';
import { launchChromium, serveProductImages, watchPage } from './helpers/chromium.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { startHostServer, type HostServer } from './helpers/host-page.ts';
import { trainPinSageFixture, type PinSageFixture } from './helpers/pinsage-fixture.ts';
import { readCards, settled, shopPage } from './helpers/widget-page.ts';
import { startWorker, type DevWorker } from './helpers/wrangler-dev.ts';

/**
 * One bucket holding a GraphSAGE and a PinSage version, served by the real
 * Worker in workerd: `?model=` picks the model, the MODEL var the default.
 */
const { dir } = fixtureFolder('edge-models');
const persist = join(dir, 'state');
const SHOP = 'https://shop.example';
const chromium = ensureChromium();
let host: HostServer;
let browser: Browser | undefined;

/** One exported model: its folder, manifest, shards (trainer-side) and ids by key. */
interface Served {
  dir: string;
  manifest: Manifest;
  shards: ShardVectors[];
  ids: readonly string[];
}
let gsRun: TrainedFixture;
let psRun: PinSageFixture;
let gs: Served;
let ps: Served;
/** Default MODEL (graphsage), both models published. */
let worker: DevWorker;
/** MODEL=pinsage under a prefix where only PinSage is published. */
let pinsageWorker: DevWorker;
/** Products both models serve. */
let shared: string[];

type Json = Record<string, any>;
async function call(w: DevWorker, path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; headers: Headers; body: Json }> {
  const { json, ...rest } = init ?? {};
  const r = await fetch(w.url + path, json === undefined ? rest : { method: 'POST', ...rest, headers: { 'content-type': 'application/json', ...(rest.headers ?? {}) }, body: JSON.stringify(json) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : {} };
}

async function exportModel(runDir: string, name: string, ids: readonly string[]): Promise<Served> {
  const out = join(dir, name);
  await exportRun(runDir, { outDir: out, shardItems: 80, blockRows: 32, recallQueries: 100, ranker: false, now: new Date('2026-11-03T00:00:00Z') });
  const manifest = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'));
  return { dir: out, manifest, shards: await loadShards(out, manifest.index, manifest.model.dimensions), ids };
}

/**
 * A Worker over the bucket, started one at a time and tried twice: on a
 * loaded machine a free port can be taken between the check and workerd's
 * listen ("The Workers runtime failed to start"), which says nothing about the Worker.
 */
async function startWorkerOnce(vars: Record<string, string>): Promise<DevWorker> {
  try {
    return await startWorker(persist, vars);
  } catch (err) {
    console.warn(`wrangler dev failed to start, trying again: ${(err as Error).message.slice(0, 300)}`);
    return startWorker(persist, vars);
  }
}

const itemIds = (body: Json): string[] => body.items.map((i: Json) => i.id);

beforeAll(async () => {
  const data = join(dir, 'data');
  await generateSynthetic({ products: 600, users: 600, seed: 9, out: data });
  gsRun = await trainFixture(data, join(dir, 'gs-run'), { epochs: 2 });
  psRun = await trainPinSageFixture(data, join(dir, 'ps-run'));
  gs = await exportModel(gsRun.runDir, 'gs-export', gsRun.data.products.asins);
  ps = await exportModel(psRun.runDir, 'ps-export', psRun.ids);
  const store = await openLocalR2Store({ bucket: LOCAL_BUCKET, persistTo: persist });
  try {
    await publishExport(gs.dir, store, { prefix: '' });
    await publishExport(ps.dir, store, { prefix: '' });
    await publishExport(ps.dir, store, { prefix: 'solo' });
  } finally {
    await store.close();
  }
  const known = new Set(gs.ids);
  shared = ps.ids.filter((id) => known.has(id));
  host = await startHostServer();
  const vars = { CURRENT_TTL_SECONDS: '1', ALLOWED_ORIGINS: `${SHOP},${host.origin}`, USE_CACHE_API: 'false' };
  worker = await startWorkerOnce(vars);
  pinsageWorker = await startWorkerOnce({ ...vars, MODEL: 'pinsage', ARTIFACT_PREFIX: 'solo' });
  if (chromium.path) browser = await launchChromium(chromium.path);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all([worker?.stop(), pinsageWorker?.stop(), host?.close()]);
});

describe('model choice in workerd', () => {
  it('exports the two models as different versions over overlapping catalogues', () => {
    expect(gs.manifest.model.kind).toBe('graphsage');
    expect(ps.manifest.model).toMatchObject({ kind: 'pinsage', transductive: false });
    expect(ps.manifest.version).not.toBe(gs.manifest.version);
    expect(shared.length).toBeGreaterThan(50);
    expect(gs.ids.length).toBeGreaterThan(ps.ids.length);
  });

  it('answers POST /v1/recommend?model=pinsage from the PinSage version, as the trainer-side IVF search over its export', async () => {
    for (const id of [shared[0]!, shared[40]!, shared.at(-1)!]) {
      const r = await call(worker, '/v1/recommend?model=pinsage', { json: { history: [id], k: 10 } });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-graphrec-model')).toBe('pinsage');
      expect(r.headers.get('x-graphrec-version')).toBe(ps.manifest.version);
      expect(r.body.version).toBe(ps.manifest.version);
      expect(itemIds(r.body)).toEqual(await expectedSearch(ps.dir, ps.manifest, ps.shards, id, 10));
    }
  });

  it('keeps GraphSAGE as the default model, the same as ?model=graphsage', async () => {
    const id = shared[7]!;
    const expected = await expectedSearch(gs.dir, gs.manifest, gs.shards, id, 10);
    const byDefault = await call(worker, '/v1/recommend', { json: { history: [id], k: 10 } });
    const named = await call(worker, '/v1/recommend?model=graphsage', { json: { history: [id], k: 10 } });
    for (const r of [byDefault, named]) {
      expect(r.status).toBe(200);
      expect(r.headers.get('x-graphrec-model')).toBe('graphsage');
      expect(r.body.version).toBe(gs.manifest.version);
      expect(itemIds(r.body)).toEqual(expected);
    }
    const pinsage = await call(worker, '/v1/recommend?model=pinsage', { json: { history: [id], k: 10 } });
    expect(itemIds(pinsage.body)).not.toEqual(expected);
  });

  it('answers similar items for PinSage from its lists and, beyond their depth, its IVF search', async () => {
    for (const [id, k] of [[shared[3]!, 10], [shared[90]!, ps.manifest.similar.depth + 4]] as const) {
      const r = await call(worker, `/v1/items/${id}/similar?model=pinsage&k=${k}`);
      expect(r.status).toBe(200);
      expect(itemIds(r.body)).toEqual(await expectedSimilar(ps.dir, ps.manifest, ps.shards, id, k));
      expect(itemIds(r.body)).not.toContain(id);
    }
    // A product only GraphSAGE knows is unknown to PinSage: each model has its own catalogue.
    const psIds = new Set(ps.ids);
    const onlyGs = gs.ids.find((id) => !psIds.has(id))!;
    expect((await call(worker, `/v1/items/${onlyGs}/similar`)).status).toBe(200);
    const unknown = await call(worker, `/v1/items/${onlyGs}/similar?model=pinsage`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('item/unknown');
  });

  it("shows a product's display row from the model's own catalogue", async () => {
    const id = shared[5]!;
    const r = await call(worker, `/v1/items/${id}?model=pinsage`);
    expect(r.status).toBe(200);
    const entry = exportedEntry(ps.dir, ps.manifest, id);
    expect(r.body).toEqual({ version: ps.manifest.version, item: { id, title: entry.title, price: entry.price, image: entry.image, category: entry.category, popularity: entry.popularity } });
  });

  it('sets ETag and Cache-Control per model: 304 only for the version of the model asked for', async () => {
    const path = `/v1/items/${shared[3]!}/similar?model=pinsage&k=3`;
    const r = await call(worker, path);
    expect(r.headers.get('etag')).toBe(`"${ps.manifest.version}"`);
    expect(r.headers.get('cache-control')).toBe('public, max-age=1');
    expect((await fetch(worker.url + path, { headers: { 'if-none-match': `"${ps.manifest.version}"` } })).status).toBe(304);
    const stale = await fetch(worker.url + path, { headers: { 'if-none-match': `"${gs.manifest.version}"` } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
    const gsPath = `/v1/items/${shared[3]!}/similar?k=3`;
    expect((await fetch(worker.url + gsPath, { headers: { 'if-none-match': `"${ps.manifest.version}"` } })).status).toBe(200);
    expect((await fetch(worker.url + gsPath, { headers: { 'if-none-match': `"${gs.manifest.version}"` } })).status).toBe(304);
  });

  it('refuses to embed with PinSage (409 JSON naming the model) and embeds with GraphSAGE', async () => {
    const body = { title: gsRun.data.products.titles[0], k: 3 };
    const refused = await call(worker, '/v1/items/embed?model=pinsage', { json: body });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/json/);
    expect(refused.body.error.code).toBe('model/no-forward');
    expect(refused.body.error.message).toMatch(/pinsage/);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const embedded = await call(worker, '/v1/items/embed', { json: body });
    expect(embedded.status).toBe(200);
    expect(embedded.body.items).toHaveLength(3);
  });

  it('refuses an unknown model with a JSON 400 on every /v1 route, naming the models', async () => {
    const cases: [string, RequestInit & { json?: unknown }][] = [
      [`/v1/items/${shared[0]!}/similar?model=word2vec`, {}],
      [`/v1/items/${shared[0]!}?model=word2vec`, {}],
      ['/v1/recommend?model=word2vec', { json: { history: [shared[0]!] } }],
      ['/v1/items/embed?model=word2vec', { json: { title: 'a lamp' } }],
      ['/v1/version?model=word2vec', {}],
      ['/v1/health?model=word2vec', {}],
      ['/v1/version?model=', {}],
    ];
    for (const [path, init] of cases) {
      const r = await call(worker, path, init);
      expect(r.status, path).toBe(400);
      expect(r.headers.get('content-type'), path).toMatch(/application\/json/);
      expect(r.body.error.code, path).toBe('request/invalid');
      expect(r.body.error.message, path).toMatch(/graphsage, pinsage/);
    }
  });

  it('reports each model in /v1/version and /v1/health, and documents ?model= in /openapi.json', async () => {
    const v = (await call(worker, '/v1/version?model=pinsage')).body;
    expect(v).toMatchObject({ version: ps.manifest.version, items: ps.ids.length, model: { kind: 'pinsage', dimensions: ps.manifest.model.dimensions, transductive: false, embeds: false } });
    expect((await call(worker, '/v1/version')).body.model).toMatchObject({ kind: 'graphsage', transductive: false, embeds: true });
    const health = (await call(worker, '/v1/health?model=pinsage')).body;
    expect(health).toMatchObject({ ok: true, model: 'pinsage', version: ps.manifest.version });
    expect((await call(worker, '/v1/health')).body).toMatchObject({ ok: true, model: 'graphsage', version: gs.manifest.version });
    const doc = (await call(worker, '/openapi.json')).body;
    const routes: [string, string][] = [['/v1/items/{id}/similar', 'get'], ['/v1/items/{id}', 'get'], ['/v1/recommend', 'post'], ['/v1/items/embed', 'post'], ['/v1/version', 'get'], ['/v1/health', 'get']];
    for (const [path, method] of routes) {
      const param = (doc.paths[path][method].parameters as Json[]).find((p) => p.name === 'model');
      expect(param, path).toMatchObject({ in: 'query', required: false, schema: { enum: ['graphsage', 'pinsage'] } });
    }
    expect(doc.paths['/v1/items/embed'].post.responses['409']).toBeDefined();
  });

  it('lets a storefront read which model answered (CORS exposes x-graphrec-model)', async () => {
    const r = await fetch(`${worker.url}/v1/items/${shared[0]!}/similar?model=pinsage`, { headers: { origin: SHOP } });
    await r.arrayBuffer();
    expect(r.headers.get('access-control-expose-headers')).toMatch(/x-graphrec-model/);
  });
});

describe('the widget in Chromium', () => {
  it.skipIf(!chromium.path)('asks the model its model attribute names, and the default model without one', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      const log = watchPage(page);
      await serveProductImages(page);
      const id = shared[20]!;
      const history = [shared[21]!, shared[22]!];
      const widgets = [
        `<graphrec-recs id="ps" product="${id}" k="6" model="pinsage"></graphrec-recs>`,
        `<graphrec-recs id="psh" history="${history.join(',')}" k="6" model="pinsage"></graphrec-recs>`,
        `<graphrec-recs id="gs" product="${id}" k="6"></graphrec-recs>`,
        `<graphrec-recs id="bad" product="${id}" k="6" model="word2vec"></graphrec-recs>`,
      ];
      await page.goto(host.page('/models', shopPage(widgets.join(''), `${worker.url}/widget.js`)));
      const ids = async (selector: string): Promise<string[]> => {
        expect(await settled(page, selector), selector).toBe('ready');
        return (await readCards(page, selector)).map((c) => c.id);
      };
      expect(await ids('#ps')).toEqual(itemIds((await call(worker, `/v1/items/${id}/similar?k=6&model=pinsage`)).body));
      expect(await ids('#psh')).toEqual(itemIds((await call(worker, '/v1/recommend?model=pinsage', { json: { history, k: 6 } })).body));
      expect(await ids('#gs')).toEqual(itemIds((await call(worker, `/v1/items/${id}/similar?k=6`)).body));
      expect(await ids('#ps')).not.toEqual(await ids('#gs'));
      // An unknown model is the API's 400: the widget collapses and says why, once.
      expect(await settled(page, '#bad')).toBe('error');
      expect(log.of('warning').filter((w) => w.includes('request/invalid'))).toHaveLength(1);
      expect(log.pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('MODEL=pinsage in workerd', () => {
  it('makes PinSage the default, and answers a model with nothing published with the 503 JSON', async () => {
    const id = shared[11]!;
    const r = await call(pinsageWorker, '/v1/recommend', { json: { history: [id], k: 10 } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-graphrec-model')).toBe('pinsage');
    expect(r.body.version).toBe(ps.manifest.version);
    expect(itemIds(r.body)).toEqual(await expectedSearch(ps.dir, ps.manifest, ps.shards, id, 10));
    const similar = await call(pinsageWorker, `/v1/items/${id}/similar?k=5`);
    expect(itemIds(similar.body)).toEqual(await expectedSimilar(ps.dir, ps.manifest, ps.shards, id, 5));
    // Only PinSage is published under this prefix.
    const none = await call(pinsageWorker, '/v1/recommend?model=graphsage', { json: { history: [id], k: 10 } });
    expect(none.status).toBe(503);
    expect(none.body.error.code).toBe('artifact/no-version');
    expect(none.body.error.message).toMatch(/solo\/graphsage\/CURRENT/);
    const health = await call(pinsageWorker, '/v1/health?model=graphsage');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ ok: false, model: 'graphsage', version: null });
    expect((await call(pinsageWorker, '/v1/health')).body).toMatchObject({ ok: true, model: 'pinsage' });
  });
});
