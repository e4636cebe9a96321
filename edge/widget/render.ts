import type { Item, Reason } from './api.ts';

/** The card's short, human label for each reason (`part="reason"`). */
export const REASON_LABELS: Readonly<Record<Reason, string>> = {
  'bought-together': 'Often bought together',
  graph: 'Bought with similar items',
  embedding: 'Similar product',
  text: 'Similar description',
  popular: 'Popular',
};

/** The label for `reason`; undefined when absent or not one of ours (own keys only, so `constructor` is no label either). */
const reasonLabel = (reason: string | undefined): string | undefined => (reason !== undefined && Object.hasOwn(REASON_LABELS, reason) ? REASON_LABELS[reason as Reason] : undefined);

/** Shown for a missing or broken product image: inline, because the shop's image host may be down or unreachable. */
export const PLACEHOLDER =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100"><rect width="100" height="100" fill="#eaeef2"/><path d="M22 72l17-23 11 13 9-10 19 20z" fill="#afb8c1"/><circle cx="64" cy="36" r="7" fill="#afb8c1"/></svg>',
  );

/** How cards link and show prices (element attributes, read at render time). */
export interface CardOptions {
  /** Link target with `{id}` replaced by the URL-encoded product id. */
  hrefTemplate: string;
  /** When set, every card's image URL, `{id}` replaced as in `hrefTemplate`, instead of the item's own image (e.g. generated pictures). */
  imageTemplate?: string;
  /** ISO 4217 code for prices. */
  currency: string;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, part?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  if (part) el.setAttribute('part', part);
  return el;
}

/** `template` with every `{id}` replaced by the URL-encoded id. */
const fillId = (template: string, id: string): string => template.replaceAll('{id}', encodeURIComponent(id));

/** Only http(s) images are loaded; anything else (a `javascript:` URL, garbage) gets the placeholder. */
function imageUrl(src: string | undefined): string | null {
  if (!src) return null;
  try {
    const url = new URL(src, document.baseURI);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function showPlaceholder(img: HTMLImageElement): void {
  img.dataset.placeholder = '';
  img.src = PLACEHOLDER;
}

function priceFormat(currency: string): (price: number) => string {
  try {
    const nf = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: 'currency', currency });
    return (p) => nf.format(p);
  } catch {
    // An invalid currency code must not cost the shop its recommendations.
    return (p) => p.toFixed(2);
  }
}

/**
 * Grey placeholder cards while the API answers; hidden from assistive technology, which gets `aria-busy` instead.
 * Their bars take the place of two title lines, the price and the reason's label, so the row does not jump when a
 * labelled answer replaces them.
 */
export function renderSkeleton(list: HTMLElement, n: number): void {
  const cards: HTMLElement[] = [];
  for (let i = 0; i < n; i++) {
    const li = h('li', 'c s');
    li.setAttribute('aria-hidden', 'true');
    const box = h('div', 'a');
    box.append(h('div', 'i'), h('div', 't'), h('div', 't'), h('div', 'p'), h('div', 'r'));
    li.append(box);
    cards.push(li);
  }
  list.replaceChildren(...cards);
}

/**
 * One card per item: a single link (one tab stop) holding image, title, price and the reason's label. Text goes in
 * via textContent, never as HTML. When any card of the row has a label, the others keep an empty line in its place
 * (no part, hidden), so prices line up and every card is as tall as a labelled one.
 */
export function renderCards(list: HTMLElement, items: readonly Item[], options: CardOptions): void {
  const price = priceFormat(options.currency);
  const labelled = items.some((item) => reasonLabel(item.reason) !== undefined);
  list.replaceChildren(
    ...items.map((item) => {
      const li = h('li', 'c', 'card');
      li.dataset.id = item.id;
      const a = h('a', 'a', 'link');
      a.href = fillId(options.hrefTemplate, item.id);
      const img = h('img', 'i', 'image');
      img.alt = item.title;
      img.loading = 'lazy';
      img.decoding = 'async';
      const src = imageUrl(options.imageTemplate ? fillId(options.imageTemplate, item.id) : item.image);
      if (src) {
        img.addEventListener('error', () => showPlaceholder(img), { once: true });
        img.src = src;
      } else showPlaceholder(img);
      const title = h('span', 't', 'title');
      title.textContent = item.title;
      a.append(img, title);
      if (item.price !== undefined) {
        const p = h('span', 'p', 'price');
        p.textContent = price(item.price);
        a.append(p);
      }
      if (labelled) {
        const label = reasonLabel(item.reason);
        const r = h('span', 'r', label === undefined ? undefined : 'reason');
        if (label === undefined) r.setAttribute('aria-hidden', 'true');
        else r.textContent = label;
        a.append(r);
      }
      li.append(a);
      return li;
    }),
  );
}
