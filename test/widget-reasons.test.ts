import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REASONS } from '../artifacts/src/ranker/schema.ts';
import { ensureChromium } from '../infra/scripts/ensure-chromium.mjs';
import { launchChromium, pageOpener } from './helpers/chromium.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { startHostServer, type HostServer } from './helpers/host-page.ts';
import { expectCardsMatch, expectCleanConsole, expectReasonsMatch, REASON_LABELS, type ApiItem } from './helpers/widget-expect.ts';
import { readCards, settled, shopPage } from './helpers/widget-page.ts';
import { readReasonCards } from './helpers/widget-reasons.ts';
import { startWorker, type DevWorker } from './helpers/wrangler-dev.ts';

/**
 * The widget's reason labels in real Chromium: `/widget.js` from the real
 * Worker in workerd, loaded by a shop page on another origin, with the API's
 * answers stubbed so every reason (and every malformed one) can be shown.
 * No catalogue is needed, so the Worker serves an empty bucket.
 */
const chromium = ensureChromium();
if (!chromium.path) console.warn(`Skipping the widget's reason-label tests:\n${chromium.message}`);

const SHOTS = fileURLToPath(new URL('../test-results/widget/', import.meta.url));
const { dir } = fixtureFolder('widget-reasons');
let host: HostServer;
let worker: DevWorker;
let browser: Browser | undefined;
const pages = pageOpener(() => browser!);
const openPage = pages.open;
const widgetSrc = (): string => `${worker.url}/widget.js`;

beforeAll(async () => {
  if (!chromium.path) return;
  mkdirSync(SHOTS, { recursive: true });
  host = await startHostServer();
  worker = await startWorker(join(dir, 'state'), { ALLOWED_ORIGINS: host.origin, USE_CACHE_API: 'false' });
  browser = await launchChromium(chromium.path);
}, 120_000);

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  await worker?.stop();
  await host?.close();
});

describe.skipIf(!chromium.path)('<graphrec-recs> reason labels in Chromium', () => {
  it('labels each card with the reason the API gives, and shows no label for a missing or unknown one, in an even row', async () => {
    const long = 'Stainless steel electric kettle with a very long name that wraps';
    const items: (ApiItem & { popularity: number })[] = [
      ...REASONS.map((reason, i) => ({ id: `R${i}`, title: i % 2 ? long : `Kettle ${i}`, price: 10 + i, image: `https://ecx.images-amazon.com/r${i}.jpg`, popularity: 1, reason })),
      { id: 'NONE', title: 'No reason given', price: 7, popularity: 1 },
      { id: 'NEW', title: 'From a newer server', price: 8, popularity: 1, reason: 'brand-new-signal' },
      { id: 'PROTO', title: 'Reason named like a prototype key', price: 9, popularity: 1, reason: 'constructor' },
      // Not a string at all: still no label, still a card.
      { id: 'NUM', title: 'Reason is a number', popularity: 1, reason: 42 as unknown as string },
    ];
    const { page, log } = await openPage();
    let release!: () => void;
    const answered = new Promise<void>((r) => (release = r));
    await page.route(`${worker.url}/v1/**`, async (route) => {
      await answered;
      await route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify({ version: 'v', items }) });
    });
    const head = '<style>graphrec-recs#themed::part(reason){color:rgb(176, 0, 90)}</style>';
    const rows = `<graphrec-recs product="P" k="9"></graphrec-recs><graphrec-recs id="themed" product="P" k="9"></graphrec-recs>`;
    await page.goto(host.page('/reasons', shopPage(rows, widgetSrc(), head)));
    await page.waitForFunction(() => document.querySelector('graphrec-recs')?.getAttribute('state') === 'loading');
    const skeletonHeight = await page.$eval('graphrec-recs', (el) => el.shadowRoot!.querySelector('li')!.getBoundingClientRect().height);
    release();
    expect([await settled(page), await settled(page, '#themed')]).toEqual(['ready', 'ready']);

    // Every item is a card, the unknown reasons included: they cost the row nothing.
    expectCardsMatch(await readCards(page), items);
    const cards = await readReasonCards(page);
    expectReasonsMatch(cards, items);
    expect(cards.map((c) => c.reason)).toEqual([...REASONS.map((r) => REASON_LABELS[r]), null, null, null, null]);
    expect(Object.fromEntries(REASONS.map((r) => [r, REASON_LABELS[r]]))).toEqual({
      'bought-together': 'Often bought together',
      graph: 'Bought with similar items',
      embedding: 'Similar product',
      text: 'Similar description',
      popular: 'Popular',
    });
    // Part of each link's accessible name, so a screen reader hears it with the product; still one link per card.
    expect(await page.locator('graphrec-recs').first().getByRole('link').count()).toBe(items.length);
    for (const r of REASONS) expect(await page.locator('graphrec-recs').first().getByRole('link', { name: REASON_LABELS[r] }).count(), r).toBe(1);

    const labelled = cards.filter((c) => c.reason !== null);
    for (const c of labelled) {
      // Small and muted, on one line under the price.
      expect(c.fontSize!, c.id).toBeLessThan(c.titleFontSize);
      expect(c.color, c.id).not.toBe(c.titleColor);
      expect(c.lineTop!, c.id).toBeGreaterThanOrEqual(c.priceBottom!);
      expect(c.lineHeight!, c.id).toBeLessThan(c.fontSize! * 2);
    }
    // The row stays even: the same height for every card, prices and label lines level, labelled or not, and as tall as the skeleton it replaced.
    const one = (values: (number | null)[]): number[] => [...new Set(values.map((v) => Math.round(v ?? -1)))];
    expect(one(cards.map((c) => c.cardHeight))).toHaveLength(1);
    expect(one(cards.filter((c) => c.priceTop !== null).map((c) => c.priceTop))).toHaveLength(1);
    expect(one(cards.map((c) => c.lineTop))).toHaveLength(1);
    expect(one(cards.map((c) => c.lineHeight))).toHaveLength(1);
    expect(cards[0]!.cardHeight).toBeCloseTo(skeletonHeight, 0);

    // Shops style it through ::part(reason).
    const themed = await readReasonCards(page, '#themed');
    expect(themed[0]!.color).toBe('rgb(176, 0, 90)');
    expect(cards[0]!.color).not.toBe('rgb(176, 0, 90)');
    await page.waitForFunction(() => [...document.querySelector('graphrec-recs')!.shadowRoot!.querySelectorAll('img')].slice(0, 5).every((i) => i.complete));
    await page.locator('graphrec-recs').first().screenshot({ path: join(SHOTS, 'reasons.png') });
    expectCleanConsole(log);
  });

  it('labels a popular fallback Popular, and adds no label line to an answer without reasons', async () => {
    const answers: Record<string, unknown> = {
      fb: { version: 'v', fallback: 'popular', items: [{ id: 'F1', title: 'Best seller', popularity: 9 }, { id: 'F2', title: 'Runner-up', price: 3, popularity: 8 }] },
      old: { version: 'v', items: [{ id: 'O1', title: 'From an older version', price: 4, popularity: 1 }, { id: 'O2', title: 'Also older', popularity: 1 }] },
    };
    const { page, log } = await openPage();
    await page.route(`${worker.url}/v1/**`, (route) => {
      const product = decodeURIComponent(new URL(route.request().url()).pathname.split('/')[3]!);
      return route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify(answers[product]) });
    });
    await page.goto(host.page('/reasons-fallback', shopPage('<graphrec-recs id="fb" product="fb" fallback="popular"></graphrec-recs><graphrec-recs id="old" product="old"></graphrec-recs>', widgetSrc())));
    expect([await settled(page, '#fb'), await settled(page, '#old')]).toEqual(['ready', 'ready']);
    expect((await readReasonCards(page, '#fb')).map((c) => [c.id, c.reason])).toEqual([['F1', 'Popular'], ['F2', 'Popular']]);
    const old = await readReasonCards(page, '#old');
    expect(old.map((c) => [c.id, c.reason, c.lineTop])).toEqual([['O1', null, null], ['O2', null, null]]);
    expectCleanConsole(log);
  });
});
