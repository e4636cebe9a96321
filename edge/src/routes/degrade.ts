import type { Context } from 'hono';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import type { ServedVersion } from '../store/served-version.ts';
import type { AppEnv } from './context.ts';

/** Codes meaning the request was fine but the version's objects could not be read or verified. */
const STORAGE_FAULTS = new Set(['artifact/missing', 'artifact/corrupt', 'artifact/unavailable', 'index/corrupt']);

/** Whether `err` is a storage fault (a substitute answer may stand in), not a fault of the request or the code. */
export function isStorageFault(err: unknown): boolean {
  return isGraphrecError(err) && (STORAGE_FAULTS.has(err.code) || err.code.startsWith('usearch/'));
}

/** How an answer was degraded, as the body's `fallback` and the `x-graphrec-fallback` header say. */
export type Degraded = 'previous-version' | 'popular';

/**
 * Answers a request from one version start to end, with the documented
 * substitutes when that version's objects cannot be read (after the storage
 * boundary's retries) or fail their checksums:
 *
 * 1. the whole request again on the version this isolate served before the
 *    current one, if it still holds it — flagged `fallback: 'previous-version'`;
 * 2. else `popular(v)` — popular items flagged `fallback: 'popular'` — from the
 *    current version, then the previous one;
 * 3. else the first fault, as a 503 JSON error.
 *
 * `?fallback=none` opts out: storage faults are answered 503 at once. Only
 * storage faults are substituted; bad input and bugs answer as before.
 * Substitute answers are never cached (`no-store`, no ETag).
 * @param answer the request's answer from one version.
 * @param popular the popular-items answer of a version, when the route has one.
 */
export async function withFallback<T extends object>(
  c: Context<AppEnv>,
  fallback: 'popular' | 'none' | undefined,
  answer: (v: ServedVersion) => Promise<T>,
  popular?: (v: ServedVersion) => Promise<T>,
): Promise<T & { fallback?: Degraded }> {
  const served = c.get('served');
  try {
    return await answer(served);
  } catch (err) {
    if (!isStorageFault(err) || fallback === 'none') throw err;
    const rt = c.get('runtime');
    const previous = rt.current(c.get('model')).previous;
    console.warn('storage fault, answering with a substitute', (err as { code: string }).code, served.version);
    if (previous && previous !== served) {
      const body = await answer(previous).catch(() => undefined);
      if (body) {
        rt.fallbacks.previousVersion++;
        mark(c, previous, 'previous-version');
        return { ...body, fallback: 'previous-version' };
      }
    }
    for (const v of popular ? [served, previous] : []) {
      const body = v && (await popular!(v).catch(() => undefined));
      if (body) {
        rt.fallbacks.popular++;
        mark(c, v, 'popular');
        return body;
      }
    }
    throw err;
  }
}

/** Flags the response as degraded and names the version that answered. */
function mark(c: Context<AppEnv>, v: ServedVersion, how: Degraded): void {
  c.set('degraded', how);
  c.header('x-graphrec-version', v.version);
  c.header('x-graphrec-fallback', how);
}
