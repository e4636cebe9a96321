import type { Context, MiddlewareHandler } from 'hono';
import { GraphrecError } from '../../artifacts/src/errors.ts';
import type { AppEnv } from './routes/context.ts';

/**
 * How much of a request body the Worker reads and throws away rather than
 * answer with part of it unread. A body the Worker answers before reading to
 * its end (a 413, a 404, a preflight) leaves the HTTP connection mid-upload:
 * workerd then closes it with bytes unread, which can reset the connection
 * under the answer (the client's upload fails with EPIPE, or `wrangler dev`'s
 * proxy loses the answer and says 503 "Your worker restarted mid-request").
 * Bodies that say they are larger than this, or turn out to be, are
 * abandoned instead (the connection is then closed, as it must be).
 */
export const DRAIN_MAX_BYTES = 1_048_576;

/** The body's declared length (`content-length`, when no transfer-encoding overrides it), if any. */
function declaredLength(req: Request): number | undefined {
  const header = req.headers.get('content-length');
  if (header === null || req.headers.has('transfer-encoding')) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Reads `reader` to its end, at most `budget` more bytes; cancels it if there is more than that. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> {
  try {
    for (let left = budget; ; ) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
      if (left < 0) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away: nothing left to drain.
  } finally {
    reader.releaseLock();
  }
}

/**
 * Middleware (outermost): once the answer is ready, reads to its end any
 * request body nothing read (up to {@link DRAIN_MAX_BYTES}), so the answer
 * goes out on a connection whose request is complete.
 */
export function drainUnreadBody(): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    try {
      await next();
    } finally {
      const body = raw.body;
      if (body && !raw.bodyUsed && !body.locked && (declaredLength(raw) ?? 0) <= DRAIN_MAX_BYTES) {
        await drain(body.getReader(), DRAIN_MAX_BYTES);
      }
    }
  };
}

/**
 * Middleware: refuses a request body larger than `maxBytes(c)` with
 * `tooLarge(c)` before anything after it runs (the served version is not
 * resolved, no storage is read), whether the body declares its length or is
 * streamed without one. A body within the limit is read here, into memory,
 * and handed on as the request's body; a body over it is drained (up to
 * {@link DRAIN_MAX_BYTES}) before the refusal is answered.
 */
export function limitBody(maxBytes: (c: Context<AppEnv>) => number, tooLarge: (c: Context<AppEnv>) => Response): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const max = maxBytes(c);
    const declared = declaredLength(raw);
    const reader = raw.body.getReader();
    if (declared !== undefined && declared > max) {
      if (declared <= DRAIN_MAX_BYTES) await drain(reader, DRAIN_MAX_BYTES);
      else await reader.cancel().catch(() => undefined);
      return tooLarge(c);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw new GraphrecError('request/invalid', 'the request body could not be read to its end');
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > max) {
        await drain(reader, DRAIN_MAX_BYTES - size);
        return tooLarge(c);
      }
      chunks.push(chunk.value);
    }
    reader.releaseLock();
    const buffer = new Uint8Array(size);
    let offset = 0;
    for (const part of chunks) {
      buffer.set(part, offset);
      offset += part.byteLength;
    }
    // Same method, URL and headers (a declared length is the buffer's): only the body is now in memory.
    c.req.raw = new Request(raw, { body: buffer });
    await next();
  };
}
