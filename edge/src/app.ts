import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { timing } from 'hono/timing';
import { drainUnreadBody, limitBody } from './body-limit.ts';
import { readConfig, type Config } from './config.ts';
import type { AppEnv } from './routes/context.ts';
import { demoRoutes } from './routes/demo.ts';
import { errorResponse, onError } from './routes/errors.ts';
import { itemRoutes } from './routes/items.ts';
import { metaRoutes } from './routes/meta.ts';
import { requestedModel } from './routes/model.ts';
import { widgetRoutes } from './routes/widget.ts';
import { runtimeFor } from './runtime.ts';

/**
 * Whether CORS lets `origin` read the API's answers. The Worker's own origin
 * always may: its demo pages call the API from it, and browsers send `Origin`
 * on same-origin POSTs too, on whatever host and port the Worker runs.
 */
function originAllowed(origin: string, config: Config, requestUrl: string): boolean {
  const allowed = config.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  return allowed.includes('*') || allowed.includes(origin) || origin === new URL(requestUrl).origin;
}

/**
 * The recommendation API: JSON in, JSON out, every error a JSON body with a
 * code. Requests are answered by the model `?model=` names (default: the
 * MODEL var), from the version its `CURRENT` named when they arrived; GET
 * answers carry that version's ETag and a short Cache-Control.
 */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        return errorResponse(c, 'request/invalid', `${result.target} ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
      }
    },
  });

  // Outermost: a request body nothing read (a 404, a preflight, …) is read to its end before the answer goes out.
  app.use('*', drainUnreadBody());
  app.use('*', timing({ totalDescription: 'total' }));
  app.use('*', async (c, next) => {
    const config = readConfig(c.env);
    c.set('config', config);
    c.set('runtime', runtimeFor(c.env, config));
    await next();
  });
  app.use('/v1/*', (c, next) =>
    cors({
      origin: (origin) => (originAllowed(origin, c.get('config'), c.req.url) ? origin : null),
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['content-type', 'if-none-match'],
      exposeHeaders: ['server-timing', 'etag', 'x-graphrec-version', 'x-graphrec-model'],
      maxAge: 86_400,
    })(c, next),
  );
  // Before the version is resolved: an oversized body, declared or streamed, is a 413 JSON error at once
  // (drained first, see body-limit.ts); a body within the limit is read here and handed on from memory.
  app.use(
    '/v1/*',
    limitBody(
      (c) => c.get('config').MAX_BODY_BYTES,
      (c) => errorResponse(c, 'request/too-large', `request body is larger than ${c.get('config').MAX_BODY_BYTES} bytes`),
    ),
  );
  // Resolve the model and its served version once per request (health resolves its own, tolerating none).
  app.use('/v1/*', async (c, next) => {
    if (c.req.path === '/v1/health' || c.req.method === 'OPTIONS') return next();
    const model = requestedModel(c.req.query('model'), c.get('config').MODEL);
    const served = await c.get('runtime').current(model).get(Date.now(), (work) => c.executionCtx.waitUntil(work));
    c.set('served', served);
    c.set('model', model);
    c.header('x-graphrec-model', model);
    c.header('x-graphrec-version', served.version);
    // The version id alone is enough: the model is in the URL (or fixed by the deployment's MODEL var),
    // and version ids of different models differ (their hash covers the model's weights or embeddings).
    const etag = `"${served.version}"`;
    if (c.req.method === 'GET') {
      if (c.req.header('if-none-match')?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        return c.body(null, 304, { etag, 'cache-control': `public, max-age=${c.get('config').CURRENT_TTL_SECONDS}` });
      }
    }
    await next();
    // A substitute answer (routes/degrade.ts) is not the version's answer: it is never cached.
    if (c.req.method === 'GET' && c.res.status === 200 && !c.get('degraded')) {
      c.res.headers.set('etag', etag);
      c.res.headers.set('cache-control', `public, max-age=${c.get('config').CURRENT_TTL_SECONDS}`);
    } else if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  });

  metaRoutes(app);
  widgetRoutes(app);
  itemRoutes(app);
  demoRoutes(app);
  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'graphrec recommendation API', version: '1' } });
  app.notFound((c) => errorResponse(c, 'route/not-found', `no route for ${c.req.method} ${c.req.path}; see /openapi.json`, 404));
  app.onError(onError);
  return app;
}
