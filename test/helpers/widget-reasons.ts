// The page.evaluate callback runs in Chromium: it needs the DOM types the rest of the (Node) project does without.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';

/** A rendered card's reason label and the geometry that tells whether the row stays even. */
export interface ReasonCard {
  id: string;
  /** Text of the card's `[part=reason]` element; null when the card has none. */
  reason: string | null;
  /** Every `[part=reason]` in the card (more than one would be a bug). */
  reasonParts: number;
  /** The label is a direct child of the card's link and not hidden from assistive technology. */
  inLink: boolean;
  /** The link's whole text, as a screen reader reads it after the image's alt. */
  linkText: string;
  cardHeight: number;
  priceTop: number | null;
  priceBottom: number | null;
  /** Top and height of the label line: the label, or the empty line kept in its place (null when neither). */
  lineTop: number | null;
  lineHeight: number | null;
  /** The label's text is wider than its box (cut with …). */
  overflows: boolean;
  fontSize: number | null;
  titleFontSize: number;
  color: string | null;
  titleColor: string;
}

/** The cards of the widget matching `selector`, read through its (open) shadow root. */
export function readReasonCards(page: Page, selector = 'graphrec-recs'): Promise<ReasonCard[]> {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel)?.shadowRoot;
    return [...(root?.querySelectorAll<HTMLLIElement>('li[part=card]') ?? [])].map((li) => {
      const a = li.querySelector('a')!;
      const parts = li.querySelectorAll<HTMLElement>('[part=reason]');
      const label = parts[0] ?? null;
      const line = label ?? li.querySelector<HTMLElement>('.r');
      const price = li.querySelector('[part=price]')?.getBoundingClientRect();
      const title = getComputedStyle(li.querySelector('[part=title]')!);
      const cs = label ? getComputedStyle(label) : null;
      return {
        id: li.dataset.id ?? '',
        reason: label?.textContent ?? null,
        reasonParts: parts.length,
        inLink: label !== null && label.parentElement === a && !label.closest('[aria-hidden=true]'),
        linkText: a.textContent ?? '',
        cardHeight: li.getBoundingClientRect().height,
        priceTop: price?.top ?? null,
        priceBottom: price?.bottom ?? null,
        lineTop: line?.getBoundingClientRect().top ?? null,
        lineHeight: line?.getBoundingClientRect().height ?? null,
        overflows: label !== null && label.scrollWidth > label.clientWidth,
        fontSize: cs ? Number.parseFloat(cs.fontSize) : null,
        titleFontSize: Number.parseFloat(title.fontSize),
        color: cs?.color ?? null,
        titleColor: title.color,
      };
    });
  }, selector);
}
