import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { endTime, startTime } from 'hono/timing';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { Recommender } from '../serve/recommender.ts';
import type { ServedVersion } from '../store/served-version.ts';
import type { App, AppEnv } from './context.ts';
import { withFallback } from './degrade.ts';
import { ModelQuery } from './model.ts';
import { errorResponses, FallbackFlag, FallbackQuery, ItemDisplaySchema, ItemSchema, jsonContent, RecommendationSchema } from './schemas.ts';

const K = z.coerce.number().int().min(1).max(1000).default(10).openapi({ description: 'Number of items (at most the MAX_K var)' });
const Ids = (max: number) => z.array(z.string().min(1).max(64)).max(max);

const item = createRoute({
  method: 'get',
  path: '/v1/items/{id}',
  summary: "A known product's display fields (title, price, image, category, popularity)",
  request: { params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'B00CXZPG0O' }) }), query: z.object({ fallback: FallbackQuery, model: ModelQuery }) },
  responses: { 200: jsonContent(z.object({ version: z.string(), item: ItemDisplaySchema, fallback: FallbackFlag }), 'The product'), 304: { description: 'Not modified (same version)' }, ...errorResponses },
});

const similar = createRoute({
  method: 'get',
  path: '/v1/items/{id}/similar',
  summary: 'Nearest products to a known product (itself excluded)',
  request: {
    params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'B00CXZPG0O' }) }),
    query: z.object({ k: K, fallback: FallbackQuery, model: ModelQuery }),
  },
  responses: { 200: jsonContent(RecommendationSchema.extend({ id: z.string() }), 'Similar products'), 304: { description: 'Not modified (same version)' }, ...errorResponses },
});

const recommend = createRoute({
  method: 'post',
  path: '/v1/recommend',
  summary: "Recommendations from a shopper's recent products",
  request: {
    query: z.object({ fallback: FallbackQuery, model: ModelQuery }),
    body: { content: { 'application/json': { schema: z.object({ history: Ids(1000).min(1), k: K, exclude: Ids(1000).default([]) }).openapi('RecommendRequest') } }, required: true },
  },
  responses: { 200: jsonContent(RecommendationSchema.extend({ unknown: z.array(z.string()) }), 'Recommended products'), 413: jsonContent(z.object({}), 'Body too large'), ...errorResponses },
});

const embed = createRoute({
  method: 'post',
  path: '/v1/items/embed',
  summary: 'Embed a product that is not in the index (inductive GraphSAGE) and return its nearest products; a model without a forward pass at the edge (PinSage) answers 409',
  request: {
    query: z.object({ fallback: FallbackQuery, model: ModelQuery }),
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              title: z.string().trim().min(1).max(1000),
              neighbors: Ids(1000).default([]).openapi({ description: 'Ids of known products it is bought with' }),
              brand: z.string().max(200).optional(),
              categories: z.array(z.array(z.string().max(200)).max(20)).max(20).optional().openapi({ description: 'Category paths, most general first' }),
              description: z.string().max(20_000).optional(),
              feature: z.array(z.string().max(2000)).max(50).optional().openapi({ description: 'Bullet points (the 2018 `feature` field)' }),
              price: z.number().nonnegative().optional().openapi({ description: 'Echoed back; not a GraphSAGE feature' }),
              k: K,
            })
            .openapi('EmbedRequest'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: jsonContent(z.object({ version: z.string(), embedding: z.array(z.number()), items: z.array(ItemSchema), unknownNeighbors: z.array(z.string()), titleTerms: z.number().int(), fallback: FallbackFlag }), 'The embedding and nearest products'),
    409: jsonContent(z.object({}), 'The model asked for cannot embed a new product (`model/no-forward`, e.g. PinSage)'),
    422: jsonContent(z.object({}), 'Nothing to embed from'),
    ...errorResponses,
  },
});

function checkLimit(what: string, n: number, max: number): void {
  if (n > max) throw new GraphrecError('request/invalid', `${what} is ${n}; this service allows at most ${max}`);
}

/** The recommendation routes; storage faults get the substitutes of {@link withFallback}. */
export function itemRoutes(app: App): void {
  app.openapi(item, async (c) => {
    const { id } = c.req.valid('param');
    const { fallback } = c.req.valid('query');
    const body = await withFallback(c, fallback, async (v) => {
      const entry = await v.entry(id);
      if (!entry) throw new GraphrecError('item/unknown', `unknown item id '${id}' in version ${v.version}`);
      // Picked field by field: the entry's shard, key and neighbour state are internal to the index.
      const { title, price, image, category, popularity } = entry;
      return { version: v.version, item: { id, title, price, image, category, popularity } };
    });
    return c.json(body, 200);
  });

  app.openapi(similar, async (c) => {
    const { id } = c.req.valid('param');
    const { k, fallback } = c.req.valid('query');
    checkLimit('k', k, c.get('config').MAX_K);
    const popular = async (v: ServedVersion) => ({ version: v.version, id, ...(await recommender(c, v).popular(k, new Set([id]))) });
    startTime(c, 'search');
    const body = await withFallback(
      c,
      fallback,
      async (v) => {
        const result = await recommender(c, v).similar(id, k);
        if (result) return { version: v.version, id, ...result };
        if (fallback === 'popular') return popular(v);
        throw new GraphrecError('item/unknown', `unknown item id '${id}' in version ${v.version}; add ?fallback=popular for popular items instead`);
      },
      popular,
    );
    endTime(c, 'search');
    return c.json(body, 200);
  });

  app.openapi(recommend, async (c) => {
    const { history, k, exclude } = c.req.valid('json');
    const { fallback } = c.req.valid('query');
    const config = c.get('config');
    checkLimit('k', k, config.MAX_K);
    checkLimit('history length', history.length, config.MAX_HISTORY);
    checkLimit('exclude length', exclude.length, config.MAX_HISTORY * 4);
    const seen = new Set([...history, ...exclude]);
    // With a storage fault the ids were not looked up: none is named unknown.
    const popular = async (v: ServedVersion, unknown: string[] = []) => ({ version: v.version, unknown, ...(await recommender(c, v).popular(k, seen)) });
    startTime(c, 'search');
    const body = await withFallback(
      c,
      fallback,
      async (v) => {
        const result = await recommender(c, v).recommend(history, k, exclude);
        if (result) return { version: v.version, ...result };
        if (fallback === 'popular') return popular(v, history);
        throw new GraphrecError('item/unknown', `none of the ${history.length} history ids is known in version ${v.version}; add ?fallback=popular for popular items instead`);
      },
      popular,
    );
    endTime(c, 'search');
    return c.json(body, 200);
  });

  app.openapi(embed, async (c) => {
    const { title, neighbors, k, brand, categories, description, feature } = c.req.valid('json');
    const { fallback } = c.req.valid('query');
    const config = c.get('config');
    checkLimit('k', k, config.MAX_K);
    checkLimit('neighbors length', neighbors.length, config.MAX_HISTORY);
    const popular = async (v: ServedVersion) => ({ version: v.version, embedding: [], unknownNeighbors: [], titleTerms: 0, ...(await recommender(c, v).popular(k)) });
    startTime(c, 'embed');
    const body = await withFallback(
      c,
      fallback,
      async (v) => {
        const result = await recommender(c, v).embed({ title, brand, categories, description, feature }, neighbors, k);
        if (result.titleTerms > 0 || result.unknownNeighbors.length < neighbors.length) return { version: v.version, ...result };
        if (fallback === 'popular') return { ...(await popular(v)), unknownNeighbors: result.unknownNeighbors };
        throw new GraphrecError('embed/empty', `no word of the product's text is in the model's vocabulary and no neighbour is known, so there is nothing to embed from; add ?fallback=popular for popular items instead`);
      },
      popular,
    );
    endTime(c, 'embed');
    return c.json(body, 200);
  });
}

/** The request's recommender, its prefetches kept alive past the response. */
const recommender = (c: Context<AppEnv>, v: ServedVersion): Recommender => new Recommender(v, (read) => c.executionCtx.waitUntil(read));
