import { expect } from 'vitest';
import type { Reason } from '../../artifacts/src/ranker/schema.ts';
import type { PageLog } from './chromium.ts';
import type { Card } from './widget-page.ts';
import type { ReasonCard } from './widget-reasons.ts';

/** What the widget tests read from the API to compare the cards with. */
export interface ApiItem {
  id: string;
  title: string;
  price?: number;
  image?: string;
  reason?: string;
}

/** The label a card shows for each reason the API can send (typed by the API's own list, so a new reason fails to compile here until it has a label). */
export const REASON_LABELS: Record<Reason, string> = {
  'bought-together': 'Often bought together',
  graph: 'Bought with similar items',
  embedding: 'Similar product',
  text: 'Similar description',
  popular: 'Popular',
};

/** The label the widget should show for an item: its reason's, `Popular` for a reasonless item of a popular fallback, none otherwise. */
export function expectedLabel(item: ApiItem, fallback?: string): string | null {
  if (item.reason === undefined) return fallback === 'popular' ? REASON_LABELS.popular : null;
  return Object.hasOwn(REASON_LABELS, item.reason) ? REASON_LABELS[item.reason as Reason] : null;
}

/** Each card shows exactly its item's label, as plain text inside its link, or no label part at all. */
export function expectReasonsMatch(cards: readonly ReasonCard[], items: readonly ApiItem[], fallback?: string): void {
  expect(cards.map((c) => [c.id, c.reason])).toEqual(items.map((i) => [i.id, expectedLabel(i, fallback)]));
  cards.forEach((card, i) => {
    expect(card.reasonParts, card.id).toBe(card.reason === null ? 0 : 1);
    if (card.reason !== null) expect(card.inLink, card.id).toBe(true);
    // No label text anywhere in the link either (unless the title itself says it).
    else for (const label of Object.values(REASON_LABELS)) if (!items[i]!.title.includes(label)) expect(card.linkText, card.id).not.toContain(label);
  });
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
