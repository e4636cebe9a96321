import { WIDGET_HASH, WIDGET_JS } from '../generated/widget-bundle.ts';
import type { App } from './context.ts';

/** `/widget.js?v=<hash>` never changes, so caches may keep it for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Plain `/widget.js` is what shops paste: short-lived so a new widget reaches them within minutes, revalidated by ETag. */
const SHORT = 'public, max-age=300, stale-while-revalidate=86400';

/**
 * `GET /widget.js`: the storefront widget bundle (`edge/widget/`, built by
 * `infra/scripts/build-widget.mjs`). Any origin may load it: a script tag is
 * cross-origin on every shop, and the API's own CORS allowlist still guards `/v1/*`.
 * @param app the Worker's app; HEAD is answered by Hono from the same handler.
 * @see edge/widget/README.md
 */
export function widgetRoutes(app: App): void {
  app.get('/widget.js', (c) => {
    const etag = `"${WIDGET_HASH}"`;
    const headers: Record<string, string> = {
      'content-type': 'application/javascript; charset=utf-8',
      'cache-control': c.req.query('v') === WIDGET_HASH ? IMMUTABLE : SHORT,
      etag,
      'access-control-allow-origin': '*',
      // Shops that isolate themselves (COEP) may still embed it.
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    };
    const match = c.req.header('if-none-match')?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
    return match ? c.body(null, 304, headers) : c.body(WIDGET_JS, 200, headers);
  });
}
