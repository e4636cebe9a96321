import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../artifacts/src/manifest/schema.ts';
import { productPage } from '../edge/src/demo/product-page.ts';
import { ensureChromium } from '../infra/scripts/ensure-chromium.mjs';
import { exportRun } from '../trainer/src/export/export-run.ts';
import { openLocalR2Store } from '../trainer/src/publish/local-r2-store.ts';
import { publishExport } from '../trainer/src/publish/publish.ts';
import { generateSynthetic } from '../trainer/src/synth/generate.ts';
import { launchChromium, serveProductImages, watchPage, type PageLog } from './helpers/chromium.ts';
import { imagesSettled, readGrid } from './helpers/demo-page.ts';
import { exportedEntry, LOCAL_BUCKET, trainFixture, type TrainedFixture } from './helpers/edge-fixture.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { readCards, settled } from './helpers/widget-page.ts';
import { startWorker, type DevWorker } from './helpers/wrangler-dev.ts';

/**
 * The demo store the Worker serves at /demo, in real Chromium over the real
 * Worker (wrangler dev, workerd). The Worker starts before anything is
 * published (the friendly 503 page), then one trained synthetic catalogue is
 * published and picked up without a restart. Tests run in order.
 */
const chromium = ensureChromium();
if (!chromium.path) console.warn(`Skipping the demo store's browser tests:\n${chromium.message}`);

const SHOTS = fileURLToPath(new URL('../test-results/demo/', import.meta.url));
const { dir } = fixtureFolder('demo');
const persist = join(dir, 'state');
const exportDir = join(dir, 'export');
let fx: TrainedFixture;
let manifest: Manifest;
let worker: DevWorker;
let browser: Browser | undefined;

interface ApiItem {
  id: string;
  title: string;
  price?: number;
  image?: string;
  category?: string;
  popularity: number;
}
async function post(path: string, json: unknown): Promise<Response> {
  return fetch(worker.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
}
async function items(path: string, json?: unknown): Promise<ApiItem[]> {
  const r = json === undefined ? await fetch(worker.url + path) : await post(path, json);
  expect(r.status, path).toBe(200);
  return ((await r.json()) as { items: ApiItem[] }).items;
}
const ids = (list: { id: string }[]): string[] => list.map((i) => i.id);
const asin = (key: number): string => fx.data.products.asins[key]!;
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

const contexts: BrowserContext[] = [];
async function openContext(): Promise<BrowserContext> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  return context;
}
async function openPage(context?: BrowserContext): Promise<{ page: Page; log: PageLog }> {
  const page = await (context ?? (await openContext())).newPage();
  return { page, log: watchPage(page) };
}
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

function expectCleanConsole(log: PageLog): void {
  expect(log.pageErrors).toEqual([]);
  expect(log.of('error')).toEqual([]);
  expect(log.of('warning')).toEqual([]);
}
/** Chromium itself logs a document or fetch answered with an error status; nothing else may appear. */
function expectOnlyStatusErrors(log: PageLog, status: number): void {
  expect(log.pageErrors).toEqual([]);
  expect(log.of('error').length).toBeGreaterThan(0);
  for (const e of log.of('error')) expect(e).toMatch(new RegExp(`^Failed to load resource: the server responded with a status of ${status}`));
  expect(log.of('warning')).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The default ALLOWED_ORIGINS (infra/wrangler.jsonc) stays in force: it names port 8787, never this random port.
  const [started] = await Promise.all([
    startWorker(persist, { CURRENT_TTL_SECONDS: '1', USE_CACHE_API: 'false' }),
    (async () => {
      await generateSynthetic({ products: 1000, users: 300, seed: 11, out: join(dir, 'data') });
      fx = await trainFixture(join(dir, 'data'), join(dir, 'run'), { epochs: 2 });
      await exportRun(fx.runDir, { outDir: exportDir, shardItems: 500, recallQueries: 200 });
    })(),
  ]);
  worker = started;
  if (chromium.path) browser = await launchChromium(chromium.path);
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await worker?.stop();
});

describe('before anything is published', () => {
  it('answers every page with a friendly 503 page saying how to publish, never a stack trace', async () => {
    for (const path of ['/demo', '/demo/new', `/demo/product/${asin(5)}`]) {
      const r = await fetch(worker.url + path);
      const body = await r.text();
      expect(r.status, path).toBe(503);
      expect(r.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(r.headers.get('cache-control'), path).toBe('no-store');
      expect(body).toContain('No recommendations are published yet');
      expect(body).toContain('npm run demo');
      expect(body).toContain('publish EXPORT_DIR --to local');
      expect(body).not.toMatch(/at .*\.ts:\d+|Error:/);
    }
    // Pictures are still drawn, from the id alone.
    const img = await fetch(`${worker.url}/demo/img/${asin(5)}.svg`);
    expect([img.status, img.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    if (!browser) return;
    const { page, log } = await openPage();
    const answer = await page.goto(`${worker.url}/demo`);
    expect(answer?.status()).toBe(503);
    expect(await page.textContent('h1')).toBe('No recommendations are published yet');
    await shot(page, 'no-version');
    expectOnlyStatusErrors(log, 503);
  });
});

describe('with a published version', () => {
  let original: DevWorker | undefined;

  beforeAll(async () => {
    const store = await openLocalR2Store({ bucket: LOCAL_BUCKET, persistTo: persist });
    try {
      await publishExport(exportDir, store, { prefix: '' });
    } finally {
      await store.close();
    }
    manifest = JSON.parse(readFileSync(join(exportDir, 'manifest.json'), 'utf8')) as Manifest;
    // The running Worker picks the version up by itself (CURRENT_TTL_SECONDS=1): no restart.
    const deadline = Date.now() + 15_000;
    while ((await fetch(`${worker.url}/demo`)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // A second Worker over the same bucket shows the catalogue's own image URLs.
    if (browser) original = await startWorker(persist, { CURRENT_TTL_SECONDS: '1', USE_CACHE_API: 'false', DEMO_IMAGES: 'original' });
  }, 120_000);
  afterAll(async () => {
    await original?.stop();
  });

  it("GET /v1/items/{id}: a product's display fields only, cached per version; unknown → 404 item/unknown", async () => {
    const id = asin(5);
    const r = await fetch(`${worker.url}/v1/items/${id}`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { version: string; item: Record<string, unknown> };
    const { shard, row, key, state, nearBlocks, ...display } = exportedEntry(exportDir, manifest, id);
    expect([typeof shard, typeof row, typeof key, typeof state, Array.isArray(nearBlocks)]).toEqual(['number', 'number', 'number', 'object', true]);
    expect(body).toEqual({ version: manifest.version, item: display });
    expect(Object.keys(body.item).sort()).toEqual(Object.keys(display).sort());
    expect(r.headers.get('etag')).toBe(`"${manifest.version}"`);
    expect(r.headers.get('cache-control')).toBe('public, max-age=1');
    expect((await fetch(`${worker.url}/v1/items/${id}`, { headers: { 'if-none-match': `"${manifest.version}"` } })).status).toBe(304);
    const missing = await fetch(`${worker.url}/v1/items/NOT-A-PRODUCT`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('item/unknown');
    const doc = (await (await fetch(`${worker.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/v1/items/{id}');
  });

  it('draws a deterministic SVG per product, cached for a year when pinned to the served version', async () => {
    const get = (path: string): Promise<Response> => fetch(worker.url + path);
    const pinned = await get(`/demo/img/${asin(5)}.svg?v=${manifest.version}`);
    const svg = await pinned.text();
    expect(pinned.headers.get('content-type')).toBe('image/svg+xml');
    expect(pinned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(pinned.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^]*<\/svg>$/);
    expect(await (await get(`/demo/img/${asin(5)}.svg`)).text()).toBe(svg);
    expect(await (await get(`/demo/img/${asin(6)}.svg`)).text()).not.toBe(svg);
    expect((await get(`/demo/img/${asin(5)}.svg`)).headers.get('cache-control')).toBe('public, max-age=300');
    expect((await fetch(`${worker.url}/demo/img/${asin(5)}.svg`, { headers: { 'if-none-match': pinned.headers.get('etag')! } })).status).toBe(304);
    // An id from the URL never reaches the picture as markup.
    const hostile = await (await get(`/demo/img/${encodeURIComponent('"><script>alert(1)</script>')}.svg`)).text();
    expect(hostile).not.toMatch(/script|alert/);
    expect((await get('/demo/img/x.png')).status).toBe(404);
  });

  it("lets the Worker's own origin call the API although ALLOWED_ORIGINS does not list it; others stay out", async () => {
    const config = readFileSync(fileURLToPath(new URL('../infra/wrangler.jsonc', import.meta.url)), 'utf8');
    expect(config).not.toContain(worker.url);
    const own = await fetch(`${worker.url}/v1/items/embed`, { method: 'POST', headers: { origin: worker.url, 'content-type': 'application/json' }, body: JSON.stringify({ title: fx.data.products.titles[3] }) });
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBe(worker.url);
    const other = await fetch(`${worker.url}/v1/items/${asin(3)}`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  describe.skipIf(!chromium.path)('the demo store in Chromium', () => {
    it('catalogue: the popular products as cards with loaded generated pictures, titles, prices and links', async () => {
      const popular = await items('/v1/items/NOT-A-PRODUCT/similar?fallback=popular&k=48');
      const { page, log } = await openPage();
      await page.goto(`${worker.url}/demo`);
      expect(await page.textContent('header .version')).toContain(manifest.version);
      await imagesSettled(page, 'ul.grid img', 12);
      const cards = await readGrid(page);
      expect(ids(cards)).toEqual(ids(popular));
      cards.forEach((card, i) => {
        const item = popular[i]!;
        expect(card).toMatchObject({ title: item.title, alt: item.title, href: `/demo/product/${item.id}`, src: `${worker.url}/demo/img/${item.id}.svg?v=${manifest.version}` });
        expect(card.price).toBe(item.price === undefined ? null : usd.format(item.price));
      });
      expect(cards.slice(0, 12).every((c) => c.loaded)).toBe(true);
      // No history yet: the "recently viewed" row has collapsed.
      expect(await settled(page, '#recent')).toBe('empty');
      await shot(page, 'catalogue');
      expectCleanConsole(log);
    });

    it('product page: the product, and a "Similar products" row of k cards as GET /v1/items/{id}/similar answers', async () => {
      const id = asin(5);
      const [similar, { item }] = await Promise.all([
        items(`/v1/items/${id}/similar?k=8`),
        fetch(`${worker.url}/v1/items/${id}`).then((r) => r.json() as Promise<{ item: ApiItem }>),
      ]);
      const { page, log } = await openPage();
      await page.goto(`${worker.url}/demo/product/${id}`);
      expect(await page.textContent('h1')).toBe(item.title);
      expect(await page.textContent('.product .price')).toBe(usd.format(item.price!));
      expect(await page.textContent('.product .category')).toBe(item.category);
      expect(await settled(page, '#similar')).toBe('ready');
      await page.waitForFunction(() => [...document.querySelector('#similar')!.shadowRoot!.querySelectorAll('img')].every((i) => i.complete));
      const cards = await readCards(page, '#similar');
      expect(cards).toHaveLength(8);
      expect(ids(cards)).toEqual(ids(similar));
      for (const [i, card] of cards.entries()) {
        expect(card).toMatchObject({ title: similar[i]!.title, href: `/demo/product/${card.id}`, src: `${worker.url}/demo/img/${card.id}.svg?v=${manifest.version}`, placeholder: false, loaded: true });
      }
      expect(await page.$eval('.product img', (img) => (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
      expect(await settled(page, '#recent')).toBe('empty');
      await shot(page, 'product');
      expectCleanConsole(log);
    });

    it('history: after two product pages, a third shows "Based on your recently viewed" (the page\'s product excluded)', async () => {
      const context = await openContext();
      const { page, log } = await openPage(context);
      const first = asin(20);
      await page.goto(`${worker.url}/demo/product/${first}`);
      expect(await settled(page, '#similar')).toBe('ready');
      // The second product is reached through the first card of the similar row.
      const second = (await readCards(page, '#similar'))[0]!.id;
      await page.locator('#similar a').first().click();
      await page.waitForURL(`${worker.url}/demo/product/${second}`);
      expect(await settled(page, '#recent')).toBe('ready');
      expect(ids(await readCards(page, '#recent'))).toEqual(ids(await items('/v1/recommend', { history: [first], k: 8, exclude: [second] })));

      const third = [asin(40), asin(41)].find((a) => a !== first && a !== second)!;
      await page.goto(`${worker.url}/demo/product/${third}`);
      expect(await settled(page, '#recent')).toBe('ready');
      const recent = await readCards(page, '#recent');
      expect(recent).toHaveLength(8);
      expect(ids(recent)).toEqual(ids(await items('/v1/recommend', { history: [first, second], k: 8, exclude: [third] })));
      expect(ids(recent)).not.toContain(third);
      await shot(page, 'product-history');

      // The catalogue shows the same row from all three.
      await page.goto(`${worker.url}/demo`);
      expect(await settled(page, '#recent')).toBe('ready');
      expect(ids(await readCards(page, '#recent'))).toEqual(ids(await items('/v1/recommend', { history: [first, second, third], k: 8 })));
      expectCleanConsole(log);
    });

    it('new product: a title and picked products → the cards POST /v1/items/embed answers, with the terms and unknown neighbours it reports', async () => {
      const held = fx.heldOut[0]!;
      const title = fx.data.products.titles[held]!;
      const { graph } = fx.data;
      const popular = await items('/v1/items/NOT-A-PRODUCT/similar?fallback=popular&k=1');
      const neighbour = Array.from(graph.targets.subarray(graph.offsets[held]!, graph.offsets[held + 1]!)).map(asin).find((a) => a !== popular[0]!.id)!;
      const neighbors = [popular[0]!.id, neighbour, 'NOT-A-PRODUCT'];
      const expected = await post('/v1/items/embed', { title, neighbors, k: 12 });
      const answer = (await expected.json()) as { items: ApiItem[]; titleTerms: number; unknownNeighbors: string[] };
      expect(answer.unknownNeighbors).toEqual(['NOT-A-PRODUCT']);

      const { page, log } = await openPage();
      await page.goto(`${worker.url}/demo/new`);
      await page.fill('input[name=title]', title);
      await page.selectOption('select[name=neighbors]', [popular[0]!.id]);
      await page.fill('input[name=ids]', `${neighbour}, NOT-A-PRODUCT`);
      await page.click('button[type=submit]');
      await page.waitForSelector('#results > li.card');
      await imagesSettled(page, '#results img', 12);
      const cards = await readGrid(page, '#results');
      expect(ids(cards)).toEqual(ids(answer.items));
      expect(cards.every((c, i) => c.title === answer.items[i]!.title && c.href === `/demo/product/${c.id}` && c.loaded)).toBe(true);
      const status = await page.textContent('#status');
      expect(status).toContain(`${answer.titleTerms} known title terms and 2 known products`);
      expect(status).toContain('unknown neighbours (ignored): NOT-A-PRODUCT');
      await shot(page, 'new-product');
      expectCleanConsole(log);
    });

    it('new product: a title with no known word and no product says there is nothing to embed from (422)', async () => {
      const { page, log } = await openPage();
      await page.goto(`${worker.url}/demo/new`);
      await page.fill('input[name=title]', 'zzqx qqzv');
      await page.click('button[type=submit]');
      await page.waitForSelector('#status.warn');
      expect(await page.textContent('#status')).toMatch(/^Nothing to embed from: no word of this title is in the model's vocabulary/);
      expect(await page.$$eval('#results > li', (lis) => lis.length)).toBe(0);
      expect(await page.isEnabled('button[type=submit]')).toBe(true);
      await shot(page, 'new-product-422');
      expectOnlyStatusErrors(log, 422);
    });

    it('unknown product: a friendly 404 page with popular products instead', async () => {
      const { page, log } = await openPage();
      const answer = await page.goto(`${worker.url}/demo/product/NOT-A-PRODUCT`);
      expect(answer?.status()).toBe(404);
      expect(answer?.headers()['content-type']).toMatch(/^text\/html/);
      expect(await page.textContent('h1')).toBe("We don't have that product");
      expect(await page.textContent('.notice code')).toBe('NOT-A-PRODUCT');
      expect(await readGrid(page)).toHaveLength(8);
      await shot(page, 'unknown-product');
      expectOnlyStatusErrors(log, 404);
    });

    it('shows untrusted titles and categories as text: nothing in them runs or becomes markup', async () => {
      const hostile = '</script><script>window.owned=1</script><img src=x onerror="window.owned=2">"\'&';
      const id = asin(5);
      const shop = { version: manifest.version, images: 'generated' as const, widgetSrc: '/widget.js', model: 'graphsage' as const };
      const { page, log } = await openPage();
      await page.route(`${worker.url}/hostile`, (route) =>
        route.fulfill({ status: 200, contentType: 'text/html', body: productPage(shop, { id, title: hostile, category: hostile, price: 1, popularity: 1 }).value }),
      );
      await page.goto(`${worker.url}/hostile`);
      expect(await settled(page, '#similar')).toBe('ready');
      expect(await page.textContent('h1')).toBe(hostile);
      expect(await page.textContent('.product .category')).toBe(hostile);
      expect(await page.getAttribute('.product img', 'alt')).toBe(hostile);
      expect(await page.evaluate(() => ({ owned: 'owned' in window, scripts: document.scripts.length, imgs: document.querySelectorAll('main img').length }))).toEqual({ owned: false, scripts: 3, imgs: 1 });
      expectCleanConsole(log);
    });

    it("DEMO_IMAGES=original: the catalogue's own image URLs, a broken one replaced by its generated picture", async () => {
      const url = original!.url;
      const id = fx.data.products.asins.find((a, k) => k > 4 && exportedEntry(exportDir, manifest, a).image)!;
      const item = exportedEntry(exportDir, manifest, id);
      const similar = await items(`/v1/items/${id}/similar?k=8`);
      const { page, log } = await openPage();
      await serveProductImages(page, new Set([item.image!]));
      await page.goto(`${url}/demo/product/${id}`);
      await page.waitForFunction(() => (document.querySelector('.product img') as HTMLImageElement).naturalWidth > 0);
      expect(await page.$eval('.product img', (img) => (img as HTMLImageElement).src)).toBe(`${url}/demo/img/${id}.svg?v=${manifest.version}`);
      expect(await settled(page, '#similar')).toBe('ready');
      const cards = await readCards(page, '#similar');
      expect(cards.map((c) => c.src)).toEqual(similar.map((i) => i.image ?? expect.stringMatching(/^data:image\/svg\+xml,/)));
      await shot(page, 'original-images');
      // Chromium reports the broken image; nothing else.
      expect(log.of('error')).toEqual(['Failed to load resource: net::ERR_FAILED']);
      expect(log.pageErrors).toEqual([]);
    });
  });
});
