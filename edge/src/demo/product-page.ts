import type { ItemDisplay } from '../../../artifacts/src/manifest/schema.ts';
import { HISTORY_SCRIPT } from './client-scripts.ts';
import { html, raw, type Html } from './html.ts';
import { imageFor } from './image-source.ts';
import { formatPrice, layout, productGrid, rowAttributes, type Shop } from './layout.ts';

/**
 * `/demo/product/:id`: the product, then two widget rows: products similar
 * to it, and products recommended from what the shopper viewed before it
 * (kept in localStorage by the page's script; this product excluded).
 * @param item the product's display fields (never the catalogue's internal ones).
 */
export function productPage(shop: Shop, item: ItemDisplay): Html {
  const picture = imageFor(item, shop.images, shop.version);
  const main = html`<section class="product" data-id="${item.id}">
<img src="${picture.src}" data-fallback="${picture.fallback}" alt="${item.title}" width="300" height="300" fetchpriority="high">
<div>
<h1>${item.title}</h1>
${item.price !== undefined ? html`<p class="price">${formatPrice(item.price)}</p>` : ''}
<dl>
${item.category ? html`<dt>Category</dt><dd class="category">${item.category}</dd>` : ''}
${popularityLine(shop, item.popularity)}
<dt>Product id</dt><dd><code>${item.id}</code></dd>
</dl>
</div>
</section>
<graphrec-recs id="similar" product="${item.id}" label="Similar products"${rowAttributes(shop)}><h2 slot="heading">Similar products</h2></graphrec-recs>
<graphrec-recs id="recent" exclude="${item.id}" label="Based on your recently viewed"${rowAttributes(shop)}><h2 slot="heading">Based on your recently viewed</h2></graphrec-recs>
<script data-row="recent" data-product="${item.id}">${raw(HISTORY_SCRIPT)}</script>`;
  return layout({ title: item.title, section: 'none', version: shop.version, main, widgetSrc: shop.widgetSrc });
}

/** What an item's popularity counts: co-purchased products (GraphSAGE's graph) or reviews (PinSage's). */
function popularityLine(shop: Shop, n: number): Html {
  const count = n.toLocaleString('en-US');
  return shop.model === 'pinsage'
    ? html`<dt>Reviewed by</dt><dd>${count} ${n === 1 ? 'shopper' : 'shoppers'}</dd>`
    : html`<dt>Bought with</dt><dd>${count} other ${n === 1 ? 'product' : 'products'}</dd>`;
}

/** The friendly 404 of a product the served version does not know, with a few popular products to go on with. */
export function unknownProductPage(shop: Shop, id: string, popular: readonly ItemDisplay[]): Html {
  const main = html`<div class="notice">
<h1>We don't have that product</h1>
<p>There is no product <code>${id}</code> in version <code>${shop.version}</code>. It may have been added to the shop after the last training run;
<a href="/demo/new">the new-product page</a> can still recommend for it from its title.</p>
<p><a href="/demo">Back to the catalogue</a></p>
</div>
<h2>Popular instead</h2>
${productGrid(popular.slice(0, 8), shop, 'Popular products')}`;
  return layout({ title: 'Product not found', section: 'none', version: shop.version, main });
}
