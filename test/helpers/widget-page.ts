// The page.evaluate callbacks here run in Chromium: they need the DOM types the rest of the (Node) project does without.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';

/** A rendered card as the shopper (and a screen reader) gets it. */
export interface Card {
  id: string;
  title: string;
  href: string;
  alt: string;
  price: string | null;
  src: string;
  placeholder: boolean;
  /** The image finished loading with pixels (false while lazy or broken). */
  loaded: boolean;
}

/** A shop page: a header link, the given body, and the widget's script tag loaded cross-origin from `scriptSrc` (omitted when null). */
export function shopPage(body: string, scriptSrc: string | null, head = ''): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop</title>',
    head,
    '</head><body><header><a id="home" href="/">Shop home</a></header><main>',
    body,
    '</main>',
    scriptSrc ? `<script src="${scriptSrc}" async></script>` : '',
    '</body></html>',
  ].join('');
}

/** Waits until the widget matching `selector` has settled (ready, empty or error) and returns that state. */
export async function settled(page: Page, selector = 'graphrec-recs'): Promise<string> {
  const handle = await page.waitForFunction((sel) => {
    const state = document.querySelector(sel)?.getAttribute('state');
    return state === 'ready' || state === 'empty' || state === 'error' ? state : false;
  }, selector);
  return (await handle.jsonValue()) as string;
}

/** The widget's cards, read through its (open) shadow root. */
export function readCards(page: Page, selector = 'graphrec-recs'): Promise<Card[]> {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel)?.shadowRoot;
    return [...(root?.querySelectorAll<HTMLLIElement>('li[part=card]') ?? [])].map((li) => {
      const img = li.querySelector('img')!;
      return {
        id: li.dataset.id ?? '',
        title: li.querySelector('[part=title]')?.textContent ?? '',
        href: li.querySelector('a')?.getAttribute('href') ?? '',
        alt: img.alt,
        price: li.querySelector('[part=price]')?.textContent ?? null,
        src: img.getAttribute('src') ?? '',
        placeholder: img.hasAttribute('data-placeholder'),
        loaded: img.complete && img.naturalWidth > 0,
      };
    });
  }, selector);
}

/** Computed values of `props` for the elements `selectors` match, in document order (inside the widget's shadow root when `shadowHost` is given). */
export function computedStyles(page: Page, selectors: string[], props: string[], shadowHost?: string): Promise<Record<string, string>[]> {
  return page.evaluate(
    ({ selectors, props, shadowHost }) => {
      const root: ParentNode | null | undefined = shadowHost ? document.querySelector(shadowHost)?.shadowRoot : document;
      return selectors.flatMap((sel) =>
        [...(root?.querySelectorAll(sel) ?? [])].map((el) => {
          const cs = getComputedStyle(el);
          return Object.fromEntries([['element', sel], ...props.map((p) => [p, cs.getPropertyValue(p)])]);
        }),
      );
    },
    { selectors, props, shadowHost },
  );
}

/** Ordinary shop content: headings, a list with a link, text and an image, a paragraph. */
export const SHOP_MARKUP =
  '<h2 class="own">Our picks</h2><ul class="own"><li><a href="/x">Shop link</a> <span>text</span><img alt="" width="20" height="20" src="data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27/%3E"></li></ul><p>Shop paragraph</p>';

/** A shop stylesheet that restyles every element it can reach, the widget's host element included, mostly with !important. */
export const HOSTILE_CSS = `<style>
  html { font-size: 40px !important; }
  body { font: italic 30px/3 serif; color: #f00; letter-spacing: 3px; text-transform: uppercase; text-align: center; word-spacing: 9px; }
  * { color: #f0f !important; box-sizing: content-box !important; }
  ul, li { list-style: square !important; margin: 30px !important; padding: 30px !important; display: block !important; }
  a { text-decoration: line-through !important; font-weight: 900 !important; outline: 4px dashed red !important; }
  img { display: none !important; border: 9px solid red !important; opacity: .1 !important; }
  span { font-size: 50px !important; }
  graphrec-recs { font-size: 25px !important; line-height: 4 !important; font-family: monospace !important; letter-spacing: 8px !important; }
</style>`;

/** Computed properties compared to tell whether styles leaked (inherited text properties, box, list, outline and size). */
export const STYLE_PROPS = ['color', 'font-family', 'font-size', 'font-style', 'font-weight', 'line-height', 'letter-spacing', 'text-transform', 'text-align', 'word-spacing', 'text-decoration-line', 'display', 'margin-top', 'padding-top', 'border-top-width', 'opacity', 'box-sizing', 'list-style-type', 'outline-style', 'width', 'height'];
