import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { ObjectKeys } from '../../../artifacts/src/manifest/keys.ts';
import { CurrentPointerSchema, parseArtifactJson, parseManifest } from '../../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../../artifacts/src/manifest/sha256.ts';
import type { AsyncLru } from './lru.ts';
import type { Cached } from './served-version.ts';
import { ServedVersion } from './served-version.ts';
import type { VersionObjects } from './objects.ts';

/**
 * Follows `<model>/CURRENT`: re-reads it at most every `ttlMs`, loads and
 * verifies the manifest it names, and hands out the {@link ServedVersion}.
 * A failed refresh keeps serving the version it had; with none, requests get
 * `artifact/no-version` (503).
 */
export class CurrentVersion {
  private served: ServedVersion | undefined;
  private checkedAt = -Infinity;
  private refreshing: Promise<ServedVersion> | undefined;
  lastError: string | undefined;

  constructor(
    private readonly bucket: R2Bucket,
    private readonly keys: ObjectKeys,
    private readonly objects: VersionObjects,
    private readonly cache: AsyncLru<Cached>,
    private readonly ttlMs: number,
  ) {}

  async get(now = Date.now()): Promise<ServedVersion> {
    if (this.served && now - this.checkedAt < this.ttlMs) return this.served;
    this.refreshing ??= this.refresh(now).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(now: number): Promise<ServedVersion> {
    try {
      const object = await this.bucket.get(this.keys.current);
      if (!object) throw new GraphrecError('artifact/no-version', `nothing is published yet (no ${this.keys.current})`);
      const pointer = parseArtifactJson(CurrentPointerSchema, await object.text(), 'CURRENT', 'artifact/corrupt');
      if (this.served?.version !== pointer.version || this.served.manifestSha256 !== pointer.manifestSha256) {
        const manifestObject = await this.bucket.get(this.keys.object(pointer.version, 'manifest.json'));
        if (!manifestObject) throw new GraphrecError('artifact/missing', `CURRENT names version ${pointer.version}, whose manifest is missing`);
        const bytes = new Uint8Array(await manifestObject.arrayBuffer());
        if ((await sha256Hex(bytes)) !== pointer.manifestSha256) throw new GraphrecError('artifact/corrupt', `the manifest of ${pointer.version} does not match the checksum CURRENT gives`);
        const manifest = parseManifest(new TextDecoder().decode(bytes), `manifest of ${pointer.version}`);
        if (manifest.version !== pointer.version) throw new GraphrecError('artifact/corrupt', `CURRENT names ${pointer.version} but its manifest says ${manifest.version}`);
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
