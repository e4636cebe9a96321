import type { ItemDisplay } from '../../../artifacts/src/manifest/schema.ts';
import { HISTORY_SCRIPT } from './client-scripts.ts';
import { html, raw, type Html } from './html.ts';
import { layout, productGrid, rowAttributes, type Shop } from './layout.ts';

/** How many popular products the catalogue page lists (the version's popular list holds up to 200). */
export const CATALOGUE_SIZE = 48;

/**
 * `/demo`: the most popular products as a grid, under a row recommended from
 * what the shopper viewed recently (collapsed while there is no history).
 * @param items how many products the version has.
 * @param popular the version's popular list, most popular first.
 */
export function cataloguePage(shop: Shop, items: number, popular: readonly ItemDisplay[]): Html {
  const shown = popular.slice(0, CATALOGUE_SIZE);
  const main = html`<h1>Popular products</h1>
<p class="lead">The ${shown.length} products bought together with the most others, of ${items.toLocaleString('en-US')} in this catalogue.
Open one to see what graphrec recommends with it, or <a href="/demo/new">describe a new product</a> the model has never seen.</p>
<graphrec-recs id="recent" label="Based on your recently viewed"${rowAttributes(shop)}><h2 slot="heading">Based on your recently viewed</h2></graphrec-recs>
<script data-row="recent" data-product="">${raw(HISTORY_SCRIPT)}</script>
${productGrid(shown, shop, 'Popular products')}`;
  return layout({ title: 'Popular products', section: 'catalogue', version: shop.version, main, widgetSrc: shop.widgetSrc });
}
