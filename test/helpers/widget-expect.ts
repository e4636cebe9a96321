import { expect } from 'vitest';
import type { PageLog } from './chromium.ts';
import type { Card } from './widget-page.ts';

/** What the widget tests read from the API to compare the cards with. */
export interface ApiItem {
  id: string;
  title: string;
  price?: number;
  image?: string;
}

const usd = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' });

/** The cards show the API's items, in order: title, image alt text, link and price as the shopper sees them. */
export function expectCardsMatch(cards: readonly Card[], items: readonly ApiItem[]): void {
  expect(cards.map((c) => c.id)).toEqual(items.map((i) => i.id));
  cards.forEach((card, i) => {
    const item = items[i]!;
    expect(card.title).toBe(item.title);
    expect(card.alt).toBe(item.title);
    expect(card.href).toBe(`/product/${encodeURIComponent(item.id)}`);
    expect(card.price).toBe(item.price === undefined ? null : usd.format(item.price));
  });
}

/** No page error, console error or warning. */
export function expectCleanConsole(log: PageLog): void {
  expect(log.pageErrors).toEqual([]);
  expect(log.of('error')).toEqual([]);
  expect(log.of('warning')).toEqual([]);
}
