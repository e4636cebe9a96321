import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWidget } from '../infra/scripts/build-widget.mjs';
import { ensureChromium } from '../infra/scripts/ensure-chromium.mjs';
import { launchChromium, pageOpener } from './helpers/chromium.ts';
import { exportAndPublish, trainFixture } from './helpers/edge-fixture.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { startHostServer, type HostServer } from './helpers/host-page.ts';
import { expectCardsMatch, expectCleanConsole, expectReasonsMatch, type ApiItem } from './helpers/widget-expect.ts';
import { computedStyles, HOSTILE_CSS, readCards, settled, SHOP_MARKUP, shopPage, STYLE_PROPS } from './helpers/widget-page.ts';
import { freePort, startWorker, type DevWorker } from './helpers/wrangler-dev.ts';
import { generateSynthetic } from '../trainer/src/synth/generate.ts';
import { readReasonCards } from './helpers/widget-reasons.ts';

/**
 * The storefront widget in real Chromium (playwright-core), loaded from the
 * real Worker in workerd by a shop page on another origin, over a small
 * trained synthetic catalogue. One fixture, one Worker, one browser for the file.
 */
const chromium = ensureChromium();
if (!chromium.path) console.warn(`Skipping the widget's browser tests:\n${chromium.message}`);

const SHOTS = fileURLToPath(new URL('../test-results/widget/', import.meta.url));
const { dir } = fixtureFolder('widget');
const persist = join(dir, 'state');
let host: HostServer;
let worker: DevWorker;
let browser: Browser | undefined;
let asins: string[];

/** The Worker's answer: its items, and its `fallback` flag when it substituted them. */
async function apiAnswer(path: string, json?: unknown): Promise<{ items: ApiItem[]; fallback?: string }> {
  const init = json === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) };
  const r = await fetch(worker.url + path, init);
  expect(r.status, path).toBe(200);
  return (await r.json()) as { items: ApiItem[]; fallback?: string };
}
const api = async (path: string, json?: unknown): Promise<ApiItem[]> => (await apiAnswer(path, json)).items;

const pages = pageOpener(() => browser!);
/** A fresh page (own HTTP cache) that answers product images and records its console. */
const openPage = pages.open;

const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const widgetSrc = (): string => `${worker.url}/widget.js`;
const collapsed = (page: Page): Promise<boolean> => page.$eval('graphrec-recs', (el) => el.getBoundingClientRect().height === 0 && getComputedStyle(el).display === 'none');

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHostServer();
  // Only the browser tests need a catalogue; /widget.js is served without one.
  if (chromium.path) {
    await generateSynthetic({ products: 1000, users: 300, seed: 11, out: join(dir, 'data') });
    const fx = await trainFixture(join(dir, 'data'), join(dir, 'run'), { epochs: 2 });
    asins = fx.data.products.asins;
    await exportAndPublish(fx.runDir, join(dir, 'export'), persist, '');
  }
  // MAX_K 20 lets a test get a real error answer (400) by asking for more.
  worker = await startWorker(persist, { ALLOWED_ORIGINS: host.origin, USE_CACHE_API: 'false', MAX_K: '20' });
  if (chromium.path) browser = await launchChromium(chromium.path);
}, 300_000);

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  await worker?.stop();
  await host?.close();
});

describe('/widget.js from the Worker', () => {
  it('serves the current bundle as JavaScript, open to any origin, cached by content hash, under 15 KB gzip', async () => {
    const fresh = await bundleWidget();
    const r = await fetch(widgetSrc(), { headers: { origin: 'https://any-shop.example' } });
    const body = await r.text();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(body).toBe(fresh.code);
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
    expect(r.headers.get('etag')).toBe(`"${hash}"`);
    expect(r.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=86400');

    const pinned = await fetch(`${widgetSrc()}?v=${hash}`);
    expect(pinned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await pinned.text()).toBe(body);
    // A stale pin gets today's code, so it must not be cached as if it were immutable.
    expect((await fetch(`${widgetSrc()}?v=0000000000000000`)).headers.get('cache-control')).toMatch(/max-age=300,/);
    const revalidated = await fetch(widgetSrc(), { headers: { 'if-none-match': `"${hash}"` } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    const head = await fetch(widgetSrc(), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'application/javascript; charset=utf-8']);

    const gzipBytes = gzipSync(body, { level: 9 }).length;
    console.log(`widget.js: ${Buffer.byteLength(body)} bytes, ${gzipBytes} bytes gzip`);
    expect(gzipBytes).toBeLessThan(15 * 1024);
  });
});

describe.skipIf(!chromium.path)('<graphrec-recs> in Chromium', () => {
  it('shows a skeleton while loading, then k cards for a known product exactly as the API answers', async () => {
    const product = asins[5]!;
    const { items, fallback } = await apiAnswer(`/v1/items/${product}/similar?k=8`);
    const { page, log } = await openPage();
    let release!: () => void;
    const answered = new Promise<void>((r) => (release = r));
    await page.route(`${worker.url}/v1/**`, async (route) => {
      await answered;
      await route.continue();
    });
    await page.goto(host.page('/product', shopPage(`<h1>A product</h1><graphrec-recs product="${product}" k="8"><h2 slot="heading">Bought together</h2></graphrec-recs>`, widgetSrc())));
    await page.waitForFunction(() => document.querySelector('graphrec-recs')?.getAttribute('state') === 'loading');
    const skeleton = await page.$eval('graphrec-recs', (el) => {
      const list = el.shadowRoot!.querySelector('ul')!;
      return { busy: list.getAttribute('aria-busy'), cards: list.querySelectorAll('li[aria-hidden=true]').length };
    });
    expect(skeleton).toEqual({ busy: 'true', cards: 8 });
    await shot(page, 'skeleton');
    release();

    expect(await settled(page)).toBe('ready');
    const cards = await readCards(page);
    expect(cards).toHaveLength(8);
    expectCardsMatch(cards, items);
    // Labels as the Worker's reasons say (a substituted popular answer's cards say Popular).
    expectReasonsMatch(await readReasonCards(page), items, fallback);
    const list = await page.$eval('graphrec-recs', (el) => {
      const ul = el.shadowRoot!.querySelector('ul')!;
      return { tag: ul.tagName, role: ul.getAttribute('role'), label: ul.getAttribute('aria-label'), busy: ul.getAttribute('aria-busy') };
    });
    expect(list).toEqual({ tag: 'UL', role: 'list', label: 'Recommended products', busy: 'false' });
    await page.waitForFunction(() => [...document.querySelector('graphrec-recs')!.shadowRoot!.querySelectorAll('img')].slice(0, 4).every((i) => i.complete));
    expect((await readCards(page)).slice(0, 4).filter((c) => !c.placeholder).every((c) => c.loaded)).toBe(true);
    await shot(page, 'product');
    // Narrow screens: the row scrolls sideways inside the widget; the shop's page does not overflow.
    await page.setViewportSize({ width: 390, height: 800 });
    const narrow = await page.$eval('graphrec-recs', (el) => {
      const ul = el.shadowRoot!.querySelector('ul')!;
      return { pageOverflows: document.documentElement.scrollWidth > 390, rowScrolls: ul.scrollWidth > ul.clientWidth, overflowX: getComputedStyle(ul).overflowX };
    });
    expect(narrow).toEqual({ pageOverflows: false, rowScrolls: true, overflowX: 'auto' });
    await shot(page, 'product-narrow');
    expectCleanConsole(log);
  });

  it('recommends from a shopper history (history mode)', async () => {
    const history = [asins[20]!, asins[21]!, asins[22]!];
    const items = await api('/v1/recommend', { history, k: 6 });
    const { page, log } = await openPage();
    await page.goto(host.page('/history', shopPage(`<graphrec-recs history="${history.join(', ')}" k="6"></graphrec-recs>`, widgetSrc())));
    expect(await settled(page)).toBe('ready');
    const cards = await readCards(page);
    expectCardsMatch(cards, items);
    expect(cards.some((c) => history.includes(c.id))).toBe(false);
    await shot(page, 'history');
    expectCleanConsole(log);
  });

  it('renders again when product, k or history change', async () => {
    const { page, log } = await openPage();
    await page.goto(host.page('/change', shopPage(`<graphrec-recs product="${asins[30]}" k="4"></graphrec-recs>`, widgetSrc())));
    expect(await settled(page)).toBe('ready');
    expect(await readCards(page)).toHaveLength(4);

    const change = async (attrs: Record<string, string | null>): Promise<void> => {
      await page.$eval('graphrec-recs', (el, a) => {
        el.removeAttribute('state');
        for (const [name, value] of Object.entries(a)) value === null ? el.removeAttribute(name) : el.setAttribute(name, value);
      }, attrs);
      expect(await settled(page)).toBe('ready');
    };
    await change({ k: '3' });
    expectCardsMatch(await readCards(page), await api(`/v1/items/${asins[30]}/similar?k=3`));
    await change({ product: asins[31]! });
    expectCardsMatch(await readCards(page), await api(`/v1/items/${asins[31]}/similar?k=3`));
    await change({ product: null, history: `${asins[40]},${asins[41]}`, k: '5' });
    expectCardsMatch(await readCards(page), await api('/v1/recommend', { history: [asins[40], asins[41]], k: 5 }));
    expectCleanConsole(log);
  });

  it('collapses quietly when there is nothing to show: an unknown product (404 item/unknown) or an empty answer', async () => {
    const { page, log } = await openPage();
    await page.goto(host.page('/unknown', shopPage('<h1>New product</h1><graphrec-recs product="NOT-IN-THE-INDEX"><h2 slot="heading">Bought together</h2></graphrec-recs>', widgetSrc())));
    expect(await settled(page)).toBe('empty');
    expect(await collapsed(page)).toBe(true);
    expect(await readCards(page)).toEqual([]);
    // Chromium reports the 404 response itself; the widget adds no warning of its own.
    expect(log.of('error')).toEqual(['Failed to load resource: the server responded with a status of 404 (Not Found)']);
    expect(log.of('warning')).toEqual([]);
    expect(log.pageErrors).toEqual([]);

    // Asked for, the API's popular items stand in for an unknown product.
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<graphrec-recs id="fb" product="NOT-IN-THE-INDEX" fallback="popular" k="3"></graphrec-recs>'));
    expect(await settled(page, '#fb')).toBe('ready');
    const popular = await apiAnswer('/v1/items/NOT-IN-THE-INDEX/similar?k=3&fallback=popular');
    expect(popular.fallback).toBe('popular');
    expectCardsMatch(await readCards(page, '#fb'), popular.items);
    // The Worker's popular fallback sends no reasons: its cards say Popular.
    expectReasonsMatch(await readReasonCards(page, '#fb'), popular.items, popular.fallback);
    expect((await readReasonCards(page, '#fb')).map((c) => c.reason)).toEqual(popular.items.map(() => 'Popular'));

    const second = await openPage();
    await second.page.route(`${worker.url}/v1/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify({ version: 'v', items: [] }) }),
    );
    await second.page.goto(host.page('/empty', shopPage(`<graphrec-recs product="${asins[5]}"></graphrec-recs>`, widgetSrc())));
    expect(await settled(second.page)).toBe('empty');
    expect(await collapsed(second.page)).toBe(true);
    expectCleanConsole(second.log);
  });

  it('drops malformed items and shows titles as text, never as HTML or script URLs', async () => {
    const { page, log } = await openPage();
    const items = [
      { id: 'A1', title: 'Plain kettle', price: 5, image: 'javascript:alert(1)', popularity: 1 },
      { id: 'B2' },
      'not an item',
      { id: 'C3', title: '<img src=x onerror="window.owned=1">', popularity: 2 },
    ];
    await page.route(`${worker.url}/v1/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify({ version: 'v', items }) }),
    );
    await page.goto(host.page('/malformed', shopPage('<graphrec-recs product="A0"></graphrec-recs>', widgetSrc())));
    expect(await settled(page)).toBe('ready');
    const cards = await readCards(page);
    expect(cards.map((c) => [c.id, c.title, c.placeholder])).toEqual([
      ['A1', 'Plain kettle', true],
      ['C3', '<img src=x onerror="window.owned=1">', true],
    ]);
    expect(await page.$eval('graphrec-recs', (el) => el.shadowRoot!.querySelectorAll('img').length)).toBe(2);
    expect(await page.evaluate(() => 'owned' in window)).toBe(false);
    expectCleanConsole(log);
  });

  it('collapses with exactly one console warning on an error answer (400 JSON)', async () => {
    const { page, log } = await openPage();
    await page.goto(host.page('/too-many', shopPage(`<p id="text">Shop text</p><graphrec-recs product="${asins[5]}" k="50"></graphrec-recs>`, widgetSrc())));
    expect(await settled(page)).toBe('error');
    expect(await collapsed(page)).toBe(true);
    expect(log.of('warning')).toHaveLength(1);
    expect(log.of('warning')[0]).toMatch(/^graphrec-recs: .*400 request\/invalid/);
    expect(log.pageErrors).toEqual([]);
    expect(await page.textContent('#text')).toBe('Shop text');
  });

  it('swaps a broken product image for the inline placeholder and keeps its alt text', async () => {
    const product = asins[7]!;
    const items = await api(`/v1/items/${product}/similar?k=4`);
    const victim = items.find((i) => i.image);
    expect(victim, 'an item with an image URL').toBeDefined();
    const { page, log } = await openPage(new Set([victim!.image!]));
    await page.goto(host.page('/broken', shopPage(`<graphrec-recs product="${product}" k="4"></graphrec-recs>`, widgetSrc())));
    expect(await settled(page)).toBe('ready');
    await page.waitForFunction(() => [...document.querySelector('graphrec-recs')!.shadowRoot!.querySelectorAll('img')].every((i) => i.complete && i.naturalWidth > 0));
    const cards = await readCards(page);
    const broken = cards.find((c) => c.id === victim!.id)!;
    expect(broken).toMatchObject({ placeholder: true, loaded: true, alt: victim!.title });
    expect(broken.src).toMatch(/^data:image\/svg\+xml,/);
    for (const card of cards.filter((c) => c.id !== victim!.id)) {
      const item = items.find((i) => i.id === card.id)!;
      expect(card.placeholder).toBe(!item.image);
    }
    await shot(page, 'broken-image');
    // Chromium itself reports the failed request; the widget adds nothing.
    expect(log.of('error').every((e) => /^Failed to load resource/.test(e))).toBe(true);
    expect(log.of('warning')).toEqual([]);
    expect(log.pageErrors).toEqual([]);
  });

  it('lets the keyboard reach every card link in order, with a visible focus ring', async () => {
    const product = asins[9]!;
    const { page, log } = await openPage();
    await page.goto(host.page('/keyboard', shopPage(`<graphrec-recs product="${product}" k="4"></graphrec-recs><a id="after" href="/after">After</a>`, widgetSrc())));
    expect(await settled(page)).toBe('ready');
    const cards = await readCards(page);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('home');
    for (const card of cards) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const host = document.activeElement;
        const a = host?.shadowRoot?.activeElement;
        if (host?.tagName !== 'GRAPHREC-RECS' || !a) return null;
        const cs = getComputedStyle(a);
        return { href: a.getAttribute('href'), outline: `${cs.outlineStyle} ${cs.outlineWidth}`, visible: a.matches(':focus-visible') };
      });
      expect(focused).toEqual({ href: card.href, outline: 'solid 3px', visible: true });
      if (card === cards[1]) await shot(page, 'keyboard-focus');
    }
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('after');
    expectCleanConsole(log);
  });

  it("keeps styles apart: the shop's CSS does not change the cards, the widget's CSS does not change the shop", async () => {
    const product = asins[5]!;
    const inside = ['ul', 'li', 'a', 'img', '[part=title]', '[part=price]'];
    const render = async (path: string, body: string, head = ''): Promise<Page> => {
      const { page, log } = await openPage();
      await page.goto(host.page(path, shopPage(body, widgetSrc(), head)));
      expect(await settled(page)).toBe('ready');
      await page.waitForFunction(() => [...document.querySelector('graphrec-recs')!.shadowRoot!.querySelectorAll('img')].slice(0, 4).every((i) => i.complete));
      expectCleanConsole(log);
      return page;
    };
    const plain = await render('/plain', `<graphrec-recs product="${product}" k="4"></graphrec-recs>`);
    const hostilePage = await render('/hostile', `<graphrec-recs product="${product}" k="4"></graphrec-recs>`, HOSTILE_CSS);
    const cardsPlain = await computedStyles(plain, inside, STYLE_PROPS, 'graphrec-recs');
    expect(cardsPlain.length).toBeGreaterThan(10);
    expect(await computedStyles(hostilePage, inside, STYLE_PROPS, 'graphrec-recs')).toEqual(cardsPlain);
    await shot(hostilePage, 'hostile-css');

    // The shop's own elements, its heading slotted into the widget included, look the same with and without the widget.
    const heading = '<h2 class="slotted" slot="heading">Bought together</h2>';
    const { page: without } = await openPage();
    await without.goto(host.page('/without', shopPage(`${SHOP_MARKUP}${heading}`, null)));
    const withWidget = await render('/with', `${SHOP_MARKUP}<graphrec-recs product="${product}" k="4">${heading}</graphrec-recs>`);
    const own = ['h2', 'ul', 'li', 'a', 'span', 'img', 'p'];
    expect(await computedStyles(withWidget, own, STYLE_PROPS)).toEqual(await computedStyles(without, own, STYLE_PROPS));
    expect(await withWidget.evaluate(() => document.styleSheets.length)).toBe(await without.evaluate(() => document.styleSheets.length));
  });

  it("takes card images from image-template instead of the items' own URLs, id URL-encoded, http(s) only", async () => {
    const product = asins[5]!;
    const items = await api(`/v1/items/${product}/similar?k=4`);
    const template = `${worker.url}/demo/img/{id}.svg`;
    const { page, log } = await openPage();
    await page.goto(host.page('/image-template', shopPage(`<graphrec-recs product="${product}" k="4" image-template="${template}"></graphrec-recs>`, widgetSrc())));
    expect(await settled(page)).toBe('ready');
    await page.waitForFunction(() => [...document.querySelector('graphrec-recs')!.shadowRoot!.querySelectorAll('img')].every((i) => i.complete));
    const cards = await readCards(page);
    expect(cards.map((c) => c.src)).toEqual(items.map((i) => `${worker.url}/demo/img/${i.id}.svg`));
    expect(cards.map((c) => [c.loaded, c.placeholder])).toEqual(items.map(() => [true, false]));
    await shot(page, 'image-template');
    expectCleanConsole(log);

    const mocked = await openPage();
    await mocked.page.route(`${worker.url}/v1/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify({ version: 'v', items: [{ id: 'A/1 x?', title: 'Odd id', image: 'https://ecx.images-amazon.com/a.jpg', popularity: 1 }] }) }),
    );
    const rows = `<graphrec-recs id="a" product="P" image-template="${template}"></graphrec-recs><graphrec-recs id="b" product="P" image-template="javascript:alert('{id}')"></graphrec-recs>`;
    await mocked.page.goto(host.page('/image-template-odd', shopPage(rows, widgetSrc())));
    expect([await settled(mocked.page, '#a'), await settled(mocked.page, '#b')]).toEqual(['ready', 'ready']);
    expect((await readCards(mocked.page, '#a'))[0]).toMatchObject({ src: `${worker.url}/demo/img/A%2F1%20x%3F.svg`, placeholder: false });
    expect((await readCards(mocked.page, '#b'))[0]!.placeholder).toBe(true);
    expectCleanConsole(mocked.log);
  });

  // Last: it stops the Worker.
  it('leaves the shop page intact with one console warning when the API is down or stops', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await openPage();
    await down.page.goto(host.page('/down', shopPage(`<p id="text">Shop text</p><graphrec-recs api="${dead}" product="${asins[5]}"></graphrec-recs>`, widgetSrc())));
    expect(await settled(down.page)).toBe('error');
    expect(await collapsed(down.page)).toBe(true);
    expect(down.log.of('warning')).toEqual([expect.stringMatching(/^graphrec-recs: no recommendations shown \(TypeError/)]);
    expect(down.log.pageErrors).toEqual([]);
    expect(down.log.of('error').every((e) => /^Failed to load resource/.test(e))).toBe(true);

    const { page, log } = await openPage();
    await page.goto(host.page('/stops', shopPage(`<p id="text">Shop text</p><button id="b" onclick="this.textContent='clicked'">Add to cart</button><graphrec-recs product="${asins[5]}" k="4"></graphrec-recs>`, widgetSrc())));
    expect(await settled(page)).toBe('ready');
    await worker.stop();
    await page.$eval('graphrec-recs', (el, p) => {
      el.removeAttribute('state');
      el.setAttribute('product', p);
    }, asins[6]!);
    expect(await settled(page)).toBe('error');
    expect(await collapsed(page)).toBe(true);
    expect(log.of('warning')).toHaveLength(1);
    expect(log.pageErrors).toEqual([]);
    await page.click('#b');
    expect(await page.textContent('#b')).toBe('clicked');
    expect(await page.textContent('#text')).toBe('Shop text');
    await shot(page, 'api-stopped');
  });
});
