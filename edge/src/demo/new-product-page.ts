import type { ItemDisplay } from '../../../artifacts/src/manifest/schema.ts';
import { NEW_PRODUCT_SCRIPT } from './client-scripts.ts';
import { html, raw, type Html } from './html.ts';
import { generatedTemplate } from './image-source.ts';
import { formatPrice, layout, type Shop } from './layout.ts';

/** How many recommendations the new-product page asks for. */
export const NEW_PRODUCT_K = 12;

const optionLabel = (item: ItemDisplay): string => `${item.title}${item.price !== undefined ? ` — ${formatPrice(item.price)}` : ''}`;

/**
 * `/demo/new`: a title and optionally products it is bought with, sent by
 * the page's script to `POST /v1/items/embed`, the inductive GraphSAGE pass
 * that places a product the model was never trained on.
 * @param popular the version's popular products: the "bought with" choices.
 */
export function newProductPage(shop: Shop, popular: readonly ItemDisplay[]): Html {
  const choices = [...popular].sort((a, b) => a.title.localeCompare(b.title, 'en'));
  const example = popular[0]?.title ?? 'Stainless steel water bottle';
  const main = html`<h1>A new product</h1>
<p class="lead">graphrec can place a product it was never trained on: the Worker embeds its title, adds what the products it is bought with
contribute (their stored GraphSAGE states), and searches the index for the nearest products.</p>
<form id="new-product" class="embed" data-image-template="${generatedTemplate(shop.version)}" data-images="${shop.images}" data-k="${NEW_PRODUCT_K}">
<label>Title <input name="title" required maxlength="1000" autocomplete="off" placeholder="${`e.g. ${example}`}"></label>
<label>Bought with <span class="hint">optional: popular products; Ctrl or ⌘ picks several</span>
<select name="neighbors" multiple size="8">${choices.map((item) => html`<option value="${item.id}">${optionLabel(item)}</option>`)}</select></label>
<label>Other product ids <span class="hint">optional, comma-separated</span><input name="ids" autocomplete="off" spellcheck="false"></label>
<button type="submit">Recommend</button>
</form>
<noscript><p class="status warn">This page sends the form with a few lines of JavaScript; please enable it.</p></noscript>
<p id="status" class="status" role="status" aria-live="polite"></p>
<ul id="results" class="grid" aria-label="Recommended for the new product"></ul>
<script>${raw(NEW_PRODUCT_SCRIPT)}</script>`;
  return layout({ title: 'A new product', section: 'new', version: shop.version, main });
}
