import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { ByteRange } from '../../../artifacts/src/index/blocks.ts';
import type { ObjectRef } from '../../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../../artifacts/src/manifest/sha256.ts';

/** Counters of reads by tier, exposed by `/v1/health`. */
export interface ReadStats {
  r2Reads: number;
  cacheApiHits: number;
  corrupt: number;
}

/** What a read must match: the manifest's size and sha256 of an object or of one block of it. */
interface Expected {
  /** For messages: the object key, and the block's bytes when it is one. */
  what: string;
  bytes: number;
  sha256: string;
}

/**
 * Reads immutable version objects, whole or by the block: the Cache API
 * first (a colo-wide second tier behind the isolate's LRU), then R2. Every
 * read is checked against the manifest's size and sha256 before use,
 * whichever tier it came from; a mismatch is refused (`artifact/corrupt`)
 * and never cached.
 */
export class VersionObjects {
  constructor(
    private readonly bucket: R2Bucket,
    private readonly cache: Cache | undefined,
    readonly stats: ReadStats,
  ) {}

  /** The object's bytes, verified. @throws GraphrecError `artifact/missing` or `artifact/corrupt`. */
  read(fullKey: string, ref: ObjectRef): Promise<Uint8Array> {
    return this.verified(`https://graphrec.cache/${fullKey}`, { what: ref.key, bytes: ref.bytes, sha256: ref.sha256 }, () => this.bucket.get(fullKey));
  }

  /** One block of an object, by a ranged read, verified against the block's own sha256. */
  readBlock(fullKey: string, ref: ObjectRef, range: ByteRange, sha256: string): Promise<Uint8Array> {
    const end = range.offset + range.length - 1;
    return this.verified(
      `https://graphrec.cache/${fullKey}?bytes=${range.offset}-${end}`,
      { what: `${ref.key} bytes ${range.offset}-${end}`, bytes: range.length, sha256 },
      () => this.bucket.get(fullKey, { range }),
    );
  }

  private async verified(cacheKey: string, expected: Expected, get: () => Promise<R2ObjectBody | null>): Promise<Uint8Array> {
    const cached = await this.cache?.match(cacheKey).catch(() => undefined);
    if (cached) {
      const bytes = new Uint8Array(await cached.arrayBuffer());
      if (await matches(bytes, expected)) {
        this.stats.cacheApiHits++;
        return bytes;
      }
      // A bad cached copy is dropped and R2 is asked instead.
      await this.cache?.delete(cacheKey).catch(() => false);
    }
    this.stats.r2Reads++;
    const object = await get();
    if (!object) throw new GraphrecError('artifact/missing', `artifact ${expected.what} is missing from storage`);
    const bytes = new Uint8Array(await object.arrayBuffer());
    if (!(await matches(bytes, expected))) {
      this.stats.corrupt++;
      throw new GraphrecError('artifact/corrupt', `artifact ${expected.what} failed its checksum (${bytes.byteLength} bytes, manifest says ${expected.bytes}); refusing to serve it`);
    }
    await this.cache
      ?.put(cacheKey, new Response(bytes, { headers: { 'cache-control': 'public, max-age=31536000, immutable', 'content-length': String(bytes.byteLength) } }))
      .catch(() => undefined);
    return bytes;
  }
}

async function matches(bytes: Uint8Array, expected: Expected): Promise<boolean> {
  return bytes.byteLength === expected.bytes && (await sha256Hex(bytes)) === expected.sha256;
}
