import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';

/** HTTP status of a GraphrecError code; anything unmapped is a 500. */
const STATUS: Record<string, ContentfulStatusCode> = {
  'request/invalid': 400,
  'request/too-large': 413,
  'item/unknown': 404,
  'route/not-found': 404,
  'embed/empty': 422,
  // The request is fine but the model asked for cannot do it (PinSage has no forward pass at the edge).
  'model/no-forward': 409,
  'artifact/no-version': 503,
  'artifact/missing': 503,
  'artifact/corrupt': 503,
  // R2 errored or timed out on every attempt (`store/resilient-bucket.ts`).
  'artifact/unavailable': 503,
  'index/corrupt': 503,
  'forward/shape': 503,
  'config/invalid': 500,
};

/** The JSON error body every failure uses: never HTML, never a stack trace. */
export function errorResponse(c: Context, code: string, message: string, status?: ContentfulStatusCode): Response {
  return c.json({ error: { code, message } }, status ?? STATUS[code] ?? 500);
}

/** `app.onError`: GraphrecErrors keep their code and message; anything else is logged and answered generically. */
export function onError(err: Error, c: Context): Response {
  if (isGraphrecError(err)) {
    if (err.code.startsWith('usearch/')) return errorResponse(c, 'artifact/corrupt', err.message, 503);
    return errorResponse(c, err.code, err.message);
  }
  // Hono's own refusals (malformed JSON body, …) keep their 4xx status.
  if (err instanceof HTTPException && err.status < 500) {
    return errorResponse(c, err.status === 413 ? 'request/too-large' : 'request/invalid', err.message, err.status as ContentfulStatusCode);
  }
  console.error('unhandled error', err);
  return errorResponse(c, 'internal', 'internal error; the request was not served');
}
