import { createRoute, z } from '@hono/zod-openapi';
import type { App } from './context.ts';
import { ModelQuery, requestedModel } from './model.ts';
import { errorResponses, jsonContent } from './schemas.ts';

const health = createRoute({
  method: 'get',
  path: '/v1/health',
  summary: 'Liveness, the version served, and the isolate cache',
  request: { query: z.object({ model: ModelQuery }) },
  responses: {
    200: jsonContent(
      z.object({
        ok: z.boolean(),
        model: z.string(),
        version: z.string().nullable(),
        lastError: z.string().optional(),
        cache: z.object({ bytes: z.number(), budgetBytes: z.number(), entries: z.number(), loads: z.number(), hits: z.number(), evictions: z.number(), abandoned: z.number() }),
        reads: z.object({
          r2Reads: z.number().openapi({ description: 'R2 read attempts, retries included' }),
          cacheApiHits: z.number(),
          corrupt: z.number().openapi({ description: 'Reads whose bytes failed their checksum (refused, never cached)' }),
          retries: z.number(),
          timeouts: z.number(),
          errors: z.number().openapi({ description: 'Read attempts R2 answered with an error' }),
        }),
        fallbacks: z.object({ previousVersion: z.number(), popular: z.number() }).openapi({ description: 'Requests answered by a substitute because an artifact could not be read' }),
        uptimeSeconds: z.number(),
      }),
      'Health',
    ),
    503: jsonContent(z.object({ ok: z.boolean() }), 'No version can be served'),
  },
});

const version = createRoute({
  method: 'get',
  path: '/v1/version',
  summary: 'The version served: model, creation time, index facts and held-out metrics',
  request: { query: z.object({ model: ModelQuery }) },
  responses: {
    200: jsonContent(
      z.object({
        version: z.string(),
        createdAt: z.string(),
        model: z.object({
          kind: z.string(),
          dimensions: z.number(),
          transductive: z.boolean().optional().openapi({ description: 'A learned embedding per product id: a product without interactions cannot be embedded' }),
          embeds: z.boolean().openapi({ description: 'Whether POST /v1/items/embed is served (the version has the inductive forward pass)' }),
        }),
        items: z.number(),
        index: z.object({ shards: z.number(), nprobe: z.number(), recallAt10: z.number().optional() }),
        similar: z.object({ depth: z.number().openapi({ description: 'Neighbours precomputed per item; larger k is searched' }), recallAt10: z.number().optional() }),
        source: z.object({ dataset: z.string(), fingerprint: z.string() }),
        metrics: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number()))).optional(),
      }),
      'Version',
    ),
    ...errorResponses,
  },
});

export function metaRoutes(app: App): void {
  app.openapi(health, async (c) => {
    const rt = c.get('runtime');
    const model = requestedModel(c.req.query('model'), c.get('config').MODEL);
    const current = rt.current(model);
    const served = await current.get().catch(() => undefined);
    const { cache } = rt;
    const body = {
      ok: served !== undefined,
      model,
      version: served?.version ?? null,
      ...(current.lastError ? { lastError: current.lastError } : {}),
      cache: { bytes: cache.bytes, budgetBytes: cache.budgetBytes, entries: cache.size, loads: cache.loads, hits: cache.hits, evictions: cache.evictions, abandoned: cache.abandoned },
      reads: { ...rt.stats },
      fallbacks: { ...rt.fallbacks },
      uptimeSeconds: Math.round((Date.now() - rt.startedAt) / 1000),
    };
    c.header('cache-control', 'no-store');
    return served ? c.json(body, 200) : c.json(body, 503);
  });

  app.openapi(version, (c) => {
    const m = c.get('served').manifest;
    return c.json(
      {
        version: m.version,
        createdAt: m.createdAt,
        model: { ...m.model, embeds: m.forward !== undefined },
        items: m.items,
        index: { shards: m.index.shards.length, nprobe: m.index.nprobe, ...(m.index.recallAt10 !== undefined ? { recallAt10: m.index.recallAt10 } : {}) },
        similar: { depth: m.similar.depth, ...(m.similar.recallAt10 !== undefined ? { recallAt10: m.similar.recallAt10 } : {}) },
        source: { dataset: m.source.dataset, fingerprint: m.source.fingerprint },
        ...(m.evaluation ? { metrics: m.evaluation } : {}),
      },
      200,
    );
  });
}
