/**
 * The demo pages' few lines of browser script, inlined as constants. They
 * never contain data: what they need (the product id, the image template)
 * comes from `data-*` attributes the server escaped, so a product title can
 * never become script. The browser tests (test/demo-pages.test.ts) run them.
 */

/**
 * In the page's head: an `<img data-fallback=URL>` that fails to load (a dead
 * catalogue image in `DEMO_IMAGES=original` mode) shows its generated picture
 * instead. Error events do not bubble, so the listener captures them.
 */
export const IMAGE_FALLBACK_SCRIPT = `
document.addEventListener('error', (event) => {
  const img = event.target;
  if (!(img instanceof HTMLImageElement) || !img.dataset.fallback) return;
  const fallback = new URL(img.dataset.fallback, document.baseURI).href;
  if (img.src !== fallback) img.src = fallback;
}, true);
`;

/**
 * After a `<graphrec-recs>` history row: reads the shopper's recently viewed
 * ids from localStorage into the row's `history` attribute (no history: the
 * widget collapses by itself), then records the product of this page.
 * `data-row` names the row's element id, `data-product` the page's product.
 */
export const HISTORY_SCRIPT = `
(() => {
  const me = document.currentScript;
  const KEY = 'graphrec-demo:viewed';
  const id = me.dataset.product || '';
  let seen = [];
  try { seen = JSON.parse(localStorage.getItem(KEY) || '[]'); } catch {}
  if (!Array.isArray(seen)) seen = [];
  // Ids go into a comma-separated attribute, so one with a comma cannot be kept.
  seen = seen.filter((s) => typeof s === 'string' && s !== '' && !s.includes(',') && s !== id);
  const row = document.getElementById(me.dataset.row);
  if (row && seen.length > 0) row.setAttribute('history', seen.join(','));
  if (id && !id.includes(',')) {
    seen.push(id);
    try { localStorage.setItem(KEY, JSON.stringify(seen.slice(-20))); } catch {}
  }
})();
`;

/**
 * The "new product" form: posts the title and the picked products to
 * `POST /v1/items/embed` and shows the answer as cards, or says why not
 * (422: nothing to embed from). Text goes in with textContent, never as HTML.
 */
export const NEW_PRODUCT_SCRIPT = `
(() => {
  const form = document.getElementById('new-product');
  const status = document.getElementById('status');
  const list = document.getElementById('results');
  const button = form.querySelector('button');
  const { imageTemplate, images, k } = form.dataset;
  const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
  const say = (text, kind) => { status.textContent = text; status.className = 'status' + (kind ? ' ' + kind : ''); };
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const pictureOf = (item) => {
    const generated = imageTemplate.replaceAll('{id}', encodeURIComponent(item.id));
    let src = generated;
    if (images === 'original' && typeof item.image === 'string' && /^https?:\\/\\//i.test(item.image)) src = item.image;
    return { src, generated };
  };
  const card = (item) => {
    const li = el('li', 'card');
    li.dataset.id = item.id;
    const a = el('a');
    a.href = '/demo/product/' + encodeURIComponent(item.id);
    const img = el('img');
    const picture = pictureOf(item);
    img.dataset.fallback = picture.generated;
    img.src = picture.src;
    img.alt = item.title;
    img.width = 300;
    img.height = 300;
    a.append(img, el('span', 'title', item.title));
    if (typeof item.price === 'number') a.append(el('span', 'price', usd.format(item.price)));
    if (item.category) a.append(el('span', 'meta', item.category));
    li.append(a);
    return li;
  };
  const describe = (answer, asked) => {
    const unknown = answer.unknownNeighbors;
    const from = answer.titleTerms + ' known title ' + (answer.titleTerms === 1 ? 'term' : 'terms') +
      ' and ' + (asked - unknown.length) + ' known ' + (asked - unknown.length === 1 ? 'product' : 'products') + ' bought with it';
    const missing = unknown.length ? '; unknown neighbours (ignored): ' + unknown.join(', ') : '; unknown neighbours: 0';
    return 'Embedded from ' + from + missing + '. Version ' + answer.version + '.';
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const picked = [...data.getAll('neighbors'), ...String(data.get('ids') || '').split(',')].map((s) => String(s).trim()).filter(Boolean);
    const neighbors = [...new Set(picked)];
    button.disabled = true;
    list.replaceChildren();
    list.setAttribute('aria-busy', 'true');
    say('Embedding the new product…');
    try {
      const res = await fetch('/v1/items/embed', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ title: String(data.get('title') || ''), neighbors, k: Number(k) }),
      });
      const answer = await res.json().catch(() => null);
      if (res.status === 422) {
        say('Nothing to embed from: no word of this title is in the model\\'s vocabulary, and no known product was picked. Use words that appear in product titles, or pick a product bought with it.', 'warn');
      } else if (!res.ok || !answer || !Array.isArray(answer.items)) {
        const message = answer && answer.error ? answer.error.message : 'HTTP ' + res.status;
        say('The recommendation API refused: ' + message, 'error');
      } else {
        list.replaceChildren(...answer.items.map(card));
        say(describe(answer, neighbors.length));
      }
    } catch (err) {
      say('The recommendation API did not answer (' + (err && err.message ? err.message : err) + ').', 'error');
    } finally {
      button.disabled = false;
      list.setAttribute('aria-busy', 'false');
    }
  });
})();
`;
