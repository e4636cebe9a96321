import { z } from '@hono/zod-openapi';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { ModelKindSchema, type ModelKind } from '../../../artifacts/src/manifest/schema.ts';

/** `?model=`: which published model answers; documented on every `/v1` route. */
export const ModelQuery = z
  .enum(ModelKindSchema.options, { error: () => `must be one of: ${ModelKindSchema.options.join(', ')}` })
  .optional()
  .openapi({ description: 'Which model answers (each follows its own <model>/CURRENT); default: the Worker\'s MODEL var', example: 'pinsage' });

/**
 * The model a request asks for: its `model` query parameter, else the
 * Worker's default. Checked before anything is read, so a typo is a 400,
 * not a 503 for a model that was never published.
 * @throws GraphrecError `request/invalid` naming the allowed values.
 */
export function requestedModel(query: string | undefined, fallback: ModelKind): ModelKind {
  if (query === undefined) return fallback;
  const parsed = ModelKindSchema.safeParse(query);
  if (!parsed.success) throw new GraphrecError('request/invalid', `query model '${query.slice(0, 40)}' is not a model; it must be one of: ${ModelKindSchema.options.join(', ')}`);
  return parsed.data;
}
