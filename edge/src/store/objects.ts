import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { ByteRange } from '../../../artifacts/src/index/blocks.ts';
import type { ObjectRef } from '../../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../../artifacts/src/manifest/sha256.ts';
import { DEFAULT_READ_POLICY, emptyReadStats, ResilientBucket, type ReadStats, type Verify } from './resilient-bucket.ts';

export type { ReadStats } from './resilient-bucket.ts';

/** What a read must match: the manifest's size and sha256 of an object or of one block of it. */
interface Expected {
  /** For messages: the object key, and the block's bytes when it is one. */
  what: string;
  bytes: number;
  sha256: string;
}

/**
 * Reads immutable version objects, whole or by the block: the Cache API
 * first (a colo-wide second tier behind the isolate's LRU), then R2 with
 * bounded retries ({@link ResilientBucket}). Every read is checked against the
 * manifest's size and sha256 before use, whichever tier it came from; a
 * mismatch is retried from R2, refused (`artifact/corrupt`) if it persists,
 * and never cached.
 */
export class VersionObjects {
  private readonly bucket: ResilientBucket;

  /**
   * @param bucket R2 behind its retries; a bare bucket (Node benches) gets the default policy and `stats`.
   */
  constructor(
    bucket: ResilientBucket | Pick<R2Bucket, 'get'>,
    private readonly cache: Cache | undefined,
    stats: Partial<ReadStats> = {},
  ) {
    this.bucket = bucket instanceof ResilientBucket ? bucket : new ResilientBucket(bucket as R2Bucket, DEFAULT_READ_POLICY, { ...emptyReadStats(), ...stats });
  }

  get stats(): ReadStats {
    return this.bucket.stats;
  }

  /** The object's bytes, verified. @throws GraphrecError `artifact/missing`, `artifact/corrupt` or `artifact/unavailable`. */
  read(fullKey: string, ref: ObjectRef): Promise<Uint8Array> {
    return this.verified(`https://graphrec.cache/${fullKey}`, fullKey, { what: ref.key, bytes: ref.bytes, sha256: ref.sha256 });
  }

  /** One block of an object, by a ranged read, verified against the block's own sha256. */
  readBlock(fullKey: string, ref: ObjectRef, range: ByteRange, sha256: string): Promise<Uint8Array> {
    const end = range.offset + range.length - 1;
    return this.verified(`https://graphrec.cache/${fullKey}?bytes=${range.offset}-${end}`, fullKey, { what: `${ref.key} bytes ${range.offset}-${end}`, bytes: range.length, sha256 }, range);
  }

  private async verified(cacheKey: string, fullKey: string, expected: Expected, range?: ByteRange): Promise<Uint8Array> {
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
    const verify: Verify = {
      check: (bytes) => matches(bytes, expected),
      refusal: (bytes) => `artifact ${expected.what} failed its checksum (${bytes.byteLength} bytes, manifest says ${expected.bytes}); refusing to serve it`,
    };
    const bytes = await this.bucket.read(fullKey, expected.what, { range, verify });
    if (!bytes) throw new GraphrecError('artifact/missing', `artifact ${expected.what} is missing from storage`);
    await this.cache
      ?.put(cacheKey, new Response(bytes, { headers: { 'cache-control': 'public, max-age=31536000, immutable', 'content-length': String(bytes.byteLength) } }))
      .catch(() => undefined);
    return bytes;
  }
}

async function matches(bytes: Uint8Array, expected: Expected): Promise<boolean> {
  return bytes.byteLength === expected.bytes && (await sha256Hex(bytes)) === expected.sha256;
}
