// The page.evaluate callbacks here run in Chromium: they need the DOM types the rest of the (Node) project does without.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';

/** A product card of a demo page's own grid (not a widget row), as the shopper gets it. */
export interface GridCard {
  id: string;
  href: string;
  title: string;
  alt: string;
  price: string | null;
  category: string | null;
  /** The image URL after any fallback, absolute. */
  src: string;
  /** The image finished loading with pixels. */
  loaded: boolean;
}

/** The cards of the grid matching `selector` (`ul.grid` by default), in order. */
export function readGrid(page: Page, selector = 'ul.grid'): Promise<GridCard[]> {
  return page.$$eval(`${selector} > li.card`, (lis) =>
    lis.map((li) => {
      const img = li.querySelector('img')!;
      return {
        id: (li as HTMLElement).dataset.id ?? '',
        href: li.querySelector('a')?.getAttribute('href') ?? '',
        title: li.querySelector('.title')?.textContent ?? '',
        alt: img.alt,
        price: li.querySelector('.price')?.textContent ?? null,
        category: li.querySelector('.meta')?.textContent ?? null,
        src: img.src,
        loaded: img.complete && img.naturalWidth > 0,
      };
    }),
  );
}

/** Waits until the first `n` images `selector` matches have finished (loaded or failed). */
export async function imagesSettled(page: Page, selector: string, n: number): Promise<void> {
  await page.waitForFunction(
    ({ selector, n }) => [...document.querySelectorAll<HTMLImageElement>(selector)].slice(0, n).every((img) => img.complete),
    { selector, n },
  );
}
