import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { ObjectKeys } from '../../../artifacts/src/manifest/keys.ts';
import { CurrentPointerSchema, parseArtifactJson, parseManifest } from '../../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../../artifacts/src/manifest/sha256.ts';
import type { AsyncLru } from './lru.ts';
import type { Cached } from './served-version.ts';
import { ServedVersion } from './served-version.ts';
import type { VersionObjects } from './objects.ts';
import { awaitOnOwnTimers, settledState, type Settled } from './own-timers.ts';
import type { ResilientBucket } from './resilient-bucket.ts';

const text = new TextDecoder();

/**
 * Follows `<model>/CURRENT`: re-reads it at most every `ttlMs`, loads and
 * verifies the manifest it names, and hands out the {@link ServedVersion}.
 * A failed refresh keeps serving the version it had; with none, requests get
 * `artifact/no-version` (503). The version it served before the current one
 * is kept as {@link previous}: a request the current version cannot answer
 * for want of a readable object may be answered by it as a whole.
 */
export class CurrentVersion {
  private served: ServedVersion | undefined;
  /** The version served before the current one in this isolate, if any. */
  previous: ServedVersion | undefined;
  private checkedAt = -Infinity;
  private refreshing: Settled<ServedVersion> | undefined;
  lastError: string | undefined;

  constructor(
    private readonly bucket: ResilientBucket,
    private readonly keys: ObjectKeys,
    private readonly objects: VersionObjects,
    private readonly cache: AsyncLru<Cached>,
    private readonly ttlMs: number,
    /** A refresh pending this long was orphaned (its request was cancelled, and workerd dropped its I/O): start another. */
    private readonly staleMs = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * The version to answer from. Only the request that starts a refresh awaits it: workerd cancels a
   * request resumed by another request's I/O as hung (the stress run: 11 of 150,000 answered 500). So
   * while a refresh is in flight, other requests answer from the version held, or — before the first
   * version is loaded — wait for the refresh on timers of their own.
   * @param keepAlive receives the refresh this call starts (`ctx.waitUntil`), so it outlives its request.
   */
  get(now = Date.now(), keepAlive: (work: Promise<unknown>) => void = () => {}): Promise<ServedVersion> {
    if (this.served && now - this.checkedAt < this.ttlMs) return Promise.resolve(this.served);
    if (!this.refreshing || now - this.refreshing.started > this.staleMs) {
      const refreshing = settledState(this.refresh(now), now);
      this.refreshing = refreshing;
      refreshing.promise.finally(() => {
        if (this.refreshing === refreshing) this.refreshing = undefined;
      }).catch(() => undefined);
      keepAlive(refreshing.promise.catch(() => undefined));
      return refreshing.promise;
    }
    if (this.served) return Promise.resolve(this.served);
    return awaitOnOwnTimers(this.refreshing);
  }

  private async refresh(now: number): Promise<ServedVersion> {
    try {
      const current = await this.bucket.read(this.keys.current, 'CURRENT');
      if (!current) throw new GraphrecError('artifact/no-version', `nothing is published yet (no ${this.keys.current})`);
      const pointer = parseArtifactJson(CurrentPointerSchema, text.decode(current), 'CURRENT', 'artifact/corrupt');
      if (this.served?.version !== pointer.version || this.served.manifestSha256 !== pointer.manifestSha256) {
        const bytes = await this.bucket.read(this.keys.object(pointer.version, 'manifest.json'), `manifest of ${pointer.version}`, {
          verify: { check: async (b) => (await sha256Hex(b)) === pointer.manifestSha256, refusal: () => `the manifest of ${pointer.version} does not match the checksum CURRENT gives` },
        });
        if (!bytes) throw new GraphrecError('artifact/missing', `CURRENT names version ${pointer.version}, whose manifest is missing`);
        const manifest = parseManifest(text.decode(bytes), `manifest of ${pointer.version}`);
        if (manifest.version !== pointer.version) throw new GraphrecError('artifact/corrupt', `CURRENT names ${pointer.version} but its manifest says ${manifest.version}`);
        if (this.served && this.served.version !== manifest.version) this.previous = this.served;
        this.served = new ServedVersion(manifest, pointer.manifestSha256, this.objects, this.cache, this.keys);
      }
      this.checkedAt = now;
      this.lastError = undefined;
      return this.served;
    } catch (err) {
      this.lastError = (err as Error).message;
      if (this.served) {
        // Serve the version we have and retry after another TTL rather than on every request.
        this.checkedAt = now;
        return this.served;
      }
      throw err;
    }
  }
}
