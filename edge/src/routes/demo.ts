import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { cataloguePage } from '../demo/catalogue-page.ts';
import type { Html } from '../demo/html.ts';
import { noVersionPage, unavailablePage } from '../demo/message-page.ts';
import { newProductPage } from '../demo/new-product-page.ts';
import { hash32, productSvg, type ImageSubject } from '../demo/product-image.ts';
import { productPage, unknownProductPage } from '../demo/product-page.ts';
import type { Shop } from '../demo/layout.ts';
import { WIDGET_HASH } from '../generated/widget-bundle.ts';
import type { ServedVersion } from '../store/served-version.ts';
import type { App, AppEnv } from './context.ts';

type DemoContext = Context<AppEnv>;
/** A rendered page and its HTTP status. */
type Rendered = { page: Html; status: ContentfulStatusCode };

/** The API's id limit: longer ids cannot be in the catalogue. */
const MAX_ID = 64;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Renders a page from the served version. No version yet answers the
 * friendly 503 page, unreadable artifacts a 503 naming the error; these are
 * HTML because a shopper's browser shows them (the API's errors stay JSON).
 */
async function page(c: DemoContext, render: (served: ServedVersion, shop: Shop) => Promise<Rendered>): Promise<Response> {
  const config = c.get('config');
  let rendered: Rendered;
  try {
    const served = await c.get('runtime').current(c.get('config').MODEL).get();
    // Pinned to the bundle's hash: cached for a year, and a new widget is a new URL.
    const shop: Shop = { version: served.version, images: config.DEMO_IMAGES, widgetSrc: `/widget.js?v=${WIDGET_HASH}`, model: served.manifest.model.kind };
    rendered = await render(served, shop);
    c.header('x-graphrec-version', served.version);
  } catch (err) {
    if (!isGraphrecError(err)) throw err;
    if (err.code === 'artifact/no-version') rendered = { page: noVersionPage(err.message, config.CURRENT_TTL_SECONDS), status: 503 };
    else {
      console.error('demo page failed', err.code, err.message);
      rendered = { page: unavailablePage(err.code, err.message), status: 503 };
    }
    c.header('retry-after', String(Math.max(1, config.CURRENT_TTL_SECONDS)));
  }
  // A page follows the version, so it is cached no longer than the API's answers are.
  c.header('cache-control', rendered.status === 200 ? `public, max-age=${config.CURRENT_TTL_SECONDS}` : 'no-store');
  return c.html(rendered.page.value, rendered.status);
}

/** The title and category a generated picture is drawn from, when the served version knows the id (an id alone otherwise). */
async function imageSubject(c: DemoContext, id: string): Promise<{ subject: ImageSubject; version?: string }> {
  try {
    const served = await c.get('runtime').current(c.get('config').MODEL).get();
    const entry = await served.entry(id);
    return { subject: entry ? { id, title: entry.title, category: entry.category } : { id }, version: entry ? served.version : undefined };
  } catch (err) {
    // A picture is decoration: without a version it is still drawn, from the id.
    if (!isGraphrecError(err)) throw err;
    return { subject: { id } };
  }
}

/**
 * The demo store, server-rendered: `/demo` (popular products),
 * `/demo/product/:id`, `/demo/new` (a product the model has never seen,
 * through `POST /v1/items/embed`) and `/demo/img/:id.svg` (generated pictures).
 * The pages use the widget from `/widget.js` and the API on the same origin,
 * and show the Worker's default model (the MODEL var).
 * @param app the Worker's app.
 */
export function demoRoutes(app: App): void {
  app.get('/demo/', (c) => c.redirect('/demo', 301));

  app.get('/demo', (c) => page(c, async (served, shop) => ({ page: cataloguePage(shop, served.manifest.items, await served.popular()), status: 200 })));

  app.get('/demo/new', (c) => page(c, async (served, shop) => ({ page: newProductPage(shop, await served.popular()), status: 200 })));

  app.get('/demo/product/:id', (c) =>
    page(c, async (served, shop) => {
      const id = c.req.param('id');
      const entry = id.length <= MAX_ID ? await served.entry(id) : undefined;
      if (!entry) return { page: unknownProductPage(shop, id, await served.popular()), status: 404 };
      // Display fields only: the entry's shard, key and neighbour state are internal.
      const { title, price, image, category, popularity } = entry;
      return { page: productPage(shop, { id, title, price, image, category, popularity }), status: 200 };
    }),
  );

  app.get('/demo/img/:file', async (c) => {
    const file = c.req.param('file');
    const id = file.endsWith('.svg') ? file.slice(0, -'.svg'.length) : '';
    if (id.length === 0 || id.length > MAX_ID) return c.notFound();
    const { subject, version } = await imageSubject(c, id);
    const svg = productSvg(subject);
    const etag = `"${hash32(svg).toString(16)}"`;
    const headers: Record<string, string> = {
      'content-type': 'image/svg+xml',
      // The picture of a known id pinned to the served version never changes; anything else may, once published.
      'cache-control': version !== undefined && c.req.query('v') === version ? IMMUTABLE : 'public, max-age=300',
      etag,
      'x-content-type-options': 'nosniff',
      // Opened on its own, an SVG is a document: it may style itself, nothing more.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    };
    const match = c.req.header('if-none-match')?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
    return match ? c.body(null, 304, headers) : c.body(svg, 200, headers);
  });
}
