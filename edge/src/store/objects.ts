import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { ObjectRef } from '../../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../../artifacts/src/manifest/sha256.ts';

/** Counters of reads by tier, exposed by `/v1/health`. */
export interface ReadStats {
  r2Reads: number;
  cacheApiHits: number;
  corrupt: number;
}

/**
 * Reads immutable version objects: the Cache API first (a colo-wide second
 * tier behind the isolate's LRU), then R2. Every object is checked against
 * the manifest's size and sha256 before use, whichever tier it came from;
 * a mismatch is refused (`artifact/corrupt`) and never cached.
 */
export class VersionObjects {
  constructor(
    private readonly bucket: R2Bucket,
    private readonly cache: Cache | undefined,
    readonly stats: ReadStats,
  ) {}

  /** The object's bytes, verified. @throws GraphrecError `artifact/missing` or `artifact/corrupt`. */
  async read(fullKey: string, ref: ObjectRef): Promise<Uint8Array> {
    const cacheKey = `https://graphrec.cache/${fullKey}`;
    const cached = await this.cache?.match(cacheKey).catch(() => undefined);
    if (cached) {
      const bytes = new Uint8Array(await cached.arrayBuffer());
      if (await matches(bytes, ref)) {
        this.stats.cacheApiHits++;
        return bytes;
      }
      // A bad cached copy is dropped and R2 is asked instead.
      await this.cache?.delete(cacheKey).catch(() => false);
    }
    this.stats.r2Reads++;
    const object = await this.bucket.get(fullKey);
    if (!object) throw new GraphrecError('artifact/missing', `artifact ${ref.key} is missing from storage`);
    const bytes = new Uint8Array(await object.arrayBuffer());
    if (!(await matches(bytes, ref))) {
      this.stats.corrupt++;
      throw new GraphrecError('artifact/corrupt', `artifact ${ref.key} failed its checksum (${bytes.byteLength} bytes, manifest says ${ref.bytes}); refusing to serve it`);
    }
    await this.cache
      ?.put(cacheKey, new Response(bytes, { headers: { 'cache-control': 'public, max-age=31536000, immutable', 'content-length': String(bytes.byteLength) } }))
      .catch(() => undefined);
    return bytes;
  }
}

async function matches(bytes: Uint8Array, ref: ObjectRef): Promise<boolean> {
  return bytes.byteLength === ref.bytes && (await sha256Hex(bytes)) === ref.sha256;
}
