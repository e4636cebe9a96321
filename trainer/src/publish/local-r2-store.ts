import { join } from 'node:path';
import type { ConditionalPut, ObjectInfo, ObjectStore, PutOptions } from './object-store.ts';

/** The part of the workers `R2Bucket` binding this store uses (miniflare's types need `@cloudflare/workers-types`). */
interface R2BucketBinding {
  put(key: string, value: Uint8Array, options?: R2PutOptions): Promise<{ etag: string } | null>;
  get(key: string): Promise<{ body: ReadableStream<Uint8Array> } | null>;
  head(key: string): Promise<{ size: number; etag: string; customMetadata?: Record<string, string> } | null>;
  list(options: { prefix?: string; cursor?: string; limit?: number }): Promise<{ objects: { key: string; size: number }[]; truncated: boolean; cursor?: string }>;
  delete(keys: string | string[]): Promise<void>;
}

interface R2PutOptions {
  sha256?: string;
  httpMetadata?: { contentType?: string };
  customMetadata?: Record<string, string>;
  /** R2's preconditions: the put is skipped (and returns null) unless they hold, atomically. */
  onlyIf?: { etagMatches?: string; etagDoesNotMatch?: string };
}

export interface LocalR2StoreOptions {
  bucket: string;
  /** Same meaning as wrangler's `--persist-to`: the folder holding `v3/r2/…` (wrangler's default is `.wrangler/state`). */
  persistTo: string;
}

/**
 * An {@link ObjectStore} over the local R2 bucket that `wrangler dev` and
 * `wrangler r2 object … --local` use, through miniflare (a workerd child
 * process). Objects go up whole, with their sha256 handed to R2's `put`,
 * which refuses a body that does not match it. Conditional puts use R2's own
 * `onlyIf`, which miniflare implements as R2 does.
 */
export async function openLocalR2Store(options: LocalR2StoreOptions): Promise<ObjectStore> {
  const { Miniflare } = await import('miniflare');
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch: () => new Response(null, { status: 404 }) }',
    r2Buckets: { BUCKET: options.bucket },
    // wrangler persists under `<persist-to>/v3/<plugin>`; the same folder makes the objects visible to it.
    r2Persist: join(options.persistTo, 'v3', 'r2'),
  });
  const bucket = (await mf.getR2Bucket('BUCKET')) as unknown as R2BucketBinding;
  const metadata = (putOptions: PutOptions = {}): R2PutOptions => ({
    sha256: putOptions.sha256,
    httpMetadata: putOptions.contentType ? { contentType: putOptions.contentType } : undefined,
    customMetadata: putOptions.sha256 ? { sha256: putOptions.sha256 } : undefined,
  });
  const conditionalPut = async (key: string, bytes: Uint8Array, putOptions: PutOptions | undefined, onlyIf: R2PutOptions['onlyIf']): Promise<ConditionalPut> => {
    const written = await bucket.put(key, bytes, { ...metadata(putOptions), onlyIf });
    return written ? { won: true, etag: written.etag } : { won: false };
  };
  return {
    description: `local:${options.bucket} (${options.persistTo})`,
    async put(key, body, putOptions = {}) {
      const bytes = await body.read(0, body.bytes);
      await bucket.put(key, bytes, metadata(putOptions));
    },
    // R2 evaluates `onlyIf` and writes in one step (miniflare: in one SQLite transaction).
    putIfAbsent: (key, bytes, putOptions) => conditionalPut(key, bytes, putOptions, { etagDoesNotMatch: '*' }),
    putIfMatch: (key, bytes, etag, putOptions) => conditionalPut(key, bytes, putOptions, { etagMatches: etag }),
    async get(key) {
      const object = await bucket.get(key);
      return object ? (object.body as unknown as AsyncIterable<Uint8Array>) : null;
    },
    async head(key) {
      const object = await bucket.head(key);
      return object ? { key, bytes: object.size, sha256: object.customMetadata?.sha256, etag: object.etag } : null;
    },
    async list(prefix) {
      const out: ObjectInfo[] = [];
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix, cursor, limit: 1000 });
        for (const o of page.objects) out.push({ key: o.key, bytes: o.size });
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async delete(keys) {
      for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
    },
    async close() {
      await mf.dispose();
    },
  };
}
