import { z } from '@hono/zod-openapi';
import { REASONS } from '../../../artifacts/src/ranker/schema.ts';

/** A product's display fields, as every answer carries them. */
const displayFields = {
  title: z.string(),
  price: z.number().optional(),
  image: z.string().optional(),
  category: z.string().optional(),
  popularity: z.number().int(),
};

export const ItemSchema = z
  .object({
    id: z.string(),
    score: z.number().openapi({ description: "The served ranker's score in [-1, 1] (the cosine for versions without a ranker; 0 for popularity fallbacks)" }),
    reason: z
      .enum(REASONS)
      .optional()
      .openapi({ description: 'The signal that put the item here: bought-together (a known co-purchase of the query or of a history item), graph (co-purchased with its co-purchases), embedding, text, popular' }),
    ...displayFields,
  })
  .openapi('Item');

/** A known product on its own (`GET /v1/items/{id}`): no score, and none of the catalogue's internal fields. */
export const ItemDisplaySchema = z.object({ id: z.string(), ...displayFields }).openapi('ItemDisplay');

/** The body's flag of a substitute answer (see `routes/degrade.ts`). */
export const FallbackFlag = z
  .enum(['popular', 'previous-version'])
  .optional()
  .openapi({
    description:
      "popular: the items are popular items, not personalised ones (an unknown id with ?fallback=popular, or the version's objects could not be read). previous-version: the version's objects could not be read, so the version served before it answered (its id is in `version`)",
  });

export const RecommendationSchema = z
  .object({
    version: z.string(),
    items: z.array(ItemSchema),
    fallback: FallbackFlag,
  })
  .openapi('Recommendation');

export const ErrorSchema = z
  .object({
    error: z.object({ code: z.string().openapi({ example: 'item/unknown' }), message: z.string() }),
  })
  .openapi('Error');

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

export const errorResponses = {
  400: jsonContent(ErrorSchema, 'Invalid input'),
  404: jsonContent(ErrorSchema, 'Unknown item'),
  503: jsonContent(ErrorSchema, 'Artifacts unavailable or failed verification'),
};

/**
 * `?fallback=`: `popular` also answers unknown ids with popular items instead of 404; `none` refuses every
 * substitute, so storage faults answer 503. Absent: unknown ids 404, storage faults get a substitute.
 */
export const FallbackQuery = z
  .enum(['popular', 'none'])
  .optional()
  .openapi({
    description:
      'popular: answer unknown ids with popular items (flagged as fallback). none: no substitute at all, so an unreadable artifact answers 503. Absent: unknown ids answer 404; an unreadable artifact is answered by the previous version or popular items, flagged',
  });
