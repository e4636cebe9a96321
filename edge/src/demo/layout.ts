import type { ItemDisplay, ModelKind } from '../../../artifacts/src/manifest/schema.ts';
import { IMAGE_FALLBACK_SCRIPT } from './client-scripts.ts';
import { html, raw, type Html, type Part } from './html.ts';
import { generatedTemplate, imageFor, type ImageMode } from './image-source.ts';
import { DEMO_CSS } from './styles.ts';

/** What every page of one served version shares. */
export interface Shop {
  /** The version the page shows. */
  version: string;
  /** `DEMO_IMAGES`. */
  images: ImageMode;
  /** URL of the widget script (pinned to its hash by the route, so it is cached for a year). */
  widgetSrc: string;
  /** The served model, which says what an item's popularity counts (co-purchases or reviews). */
  model: ModelKind;
}

/** Which navigation link is the current page. */
export type Section = 'catalogue' | 'new' | 'none';

/** One demo page: its title, the version it shows (absent when none is served), and its main content. */
export interface PageParts {
  title: string;
  section: Section;
  version?: string;
  main: Html;
  /** The widget script to load, for pages with widget rows. */
  widgetSrc?: string;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** A price as the demo shows it (US dollars, as the catalogue stores them). */
export const formatPrice = (price: number): string => usd.format(price);

/** The link of a product's page. */
export const productHref = (id: string): string => `/demo/product/${encodeURIComponent(id)}`;

/** A complete HTML document: header with the served version and the navigation, then `main`. */
export function layout(parts: PageParts): Html {
  const nav = (section: Section, href: string, label: string): Html =>
    html`<a href="${href}"${parts.section === section ? raw(' aria-current="page"') : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title} · graphrec demo store</title>
<link rel="icon" href="data:,">
<style>${raw(DEMO_CSS)}</style>
<script>${raw(IMAGE_FALLBACK_SCRIPT)}</script>
</head>
<body>
<header class="top">
<a class="brand" href="/demo">graphrec demo store</a>
<nav>${nav('catalogue', '/demo', 'Catalogue')}${nav('new', '/demo/new', 'New product')}<a href="/openapi.json">API</a></nav>
<span class="version">${parts.version ? html`version <code>${parts.version}</code>` : 'no version served'}</span>
</header>
<main>
${parts.main}
</main>
${parts.widgetSrc ? html`<script src="${parts.widgetSrc}" async></script>` : ''}
</body>
</html>`;
}

/** A product card for the grids: one link holding picture, title, price and category. */
export function productCard(item: ItemDisplay, shop: Shop): Html {
  const picture = imageFor(item, shop.images, shop.version);
  return html`<li class="card" data-id="${item.id}"><a href="${productHref(item.id)}">
<img src="${picture.src}" data-fallback="${picture.fallback}" alt="${item.title}" width="300" height="300" loading="lazy" decoding="async">
<span class="title">${item.title}</span>
${item.price !== undefined ? html`<span class="price">${formatPrice(item.price)}</span>` : ''}
${item.category ? html`<span class="meta">${item.category}</span>` : ''}
</a></li>`;
}

/** A grid of product cards. */
export const productGrid = (items: readonly ItemDisplay[], shop: Shop, label: string): Html =>
  html`<ul class="grid" aria-label="${label}">${items.map((item) => productCard(item, shop))}</ul>`;

/** The attributes every widget row on the demo shares: links to demo product pages, and the generated pictures unless `original`. */
export function rowAttributes(shop: Shop): Part {
  return html` k="8" href-template="/demo/product/{id}"${shop.images === 'generated' ? html` image-template="${generatedTemplate(shop.version)}"` : ''}`;
}
