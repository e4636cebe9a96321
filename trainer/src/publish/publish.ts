import { join } from 'node:path';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { objectKeys } from '../../../artifacts/src/manifest/keys.ts';
import { MANIFEST_KEY, type CurrentPointer, type ModelKind, type ObjectRef } from '../../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../../artifacts/src/manifest/sha256.ts';
import { silentProgress, type Progress } from '../util/progress.ts';
import { readLocalExport } from './local-export.ts';
import { bytesBody, digestChunks, fileBody, type ObjectStore, type PutBody } from './object-store.ts';
import { mapPool } from './pool.ts';
import { DEFAULT_KEEP, pruneVersions } from './retention.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';
import { readCurrent, readObject, writeCurrent, type ModelLocation } from './versions.ts';

export interface PublishOptions {
  /** Key prefix inside the bucket, may be empty. */
  prefix: string;
  /** Versions kept after a successful publish (plus CURRENT's); default {@link DEFAULT_KEEP}. */
  keep?: number;
  /** Objects in flight at once; default 8. */
  concurrency?: number;
  retry?: RetryPolicy;
  progress?: Progress;
  now?: () => Date;
}

export interface PublishResult {
  version: string;
  model: string;
  target: string;
  /** Objects written by this run, and objects already stored with the right size and sha256. */
  uploaded: number;
  skipped: number;
  /** Bytes written by this run (manifest included). */
  bytes: number;
  /** Objects and bytes of the whole version, manifest included. */
  objects: number;
  totalBytes: number;
  /** The version was already stored completely; only CURRENT was written. */
  alreadyPublished: boolean;
  current: CurrentPointer;
  previous: string | null;
  deleted: string[];
  /** Set when retention failed after CURRENT moved: the publish stands, old versions remain. */
  pruneError?: string;
}

type Outcome = { uploaded: boolean; bytes: number };

/** What {@link uploadVersion} stored. */
export interface UploadResult {
  version: string;
  model: ModelKind;
  /** sha256 of `manifest.json`, what `CURRENT` records. */
  manifestSha256: string;
  uploaded: number;
  skipped: number;
  bytes: number;
  objects: number;
  totalBytes: number;
}

/**
 * Uploads an export folder as `<prefix>/<model>/versions/<version>/` without
 * touching `CURRENT` (steps 1–3 of {@link publishExport}); `graphrec retrain`
 * moves `CURRENT` itself once its gate has passed.
 * @throws as {@link publishExport}.
 */
export async function uploadVersion(dir: string, store: ObjectStore, options: PublishOptions): Promise<UploadResult> {
  const concurrency = options.concurrency ?? 8;
  const progress = options.progress ?? silentProgress;
  const local = await readLocalExport(dir, Math.min(concurrency, 4));
  const { manifest } = local;
  const loc: ModelLocation = { store, keys: objectKeys(options.prefix, manifest.model.kind), model: manifest.model.kind, retry: options.retry ?? DEFAULT_RETRY };
  const manifestKey = loc.keys.object(manifest.version, MANIFEST_KEY);

  const storedManifest = await readObject(loc, manifestKey);
  if (storedManifest !== null && (await sha256Hex(storedManifest)) !== local.manifestSha256) {
    throw new GraphrecError('publish/version-conflict', `${store.description}/${manifestKey} exists with a different manifest; this export is not the published version ${manifest.version} (re-export, or prune that version first)`);
  }

  const totalBytes = local.objects.reduce((s, r) => s + r.bytes, 0) + local.manifestBytes.byteLength;
  progress.start(`publish ${manifest.version} to ${store.description}`, local.objects.length + 1, 'objects');
  let done = 0;
  let sent = 0;
  const outcomes = await mapPool(local.objects, concurrency, async (ref) => {
    const outcome = await syncObject(loc, manifest.version, ref, fileBody(join(dir, ref.key), ref.bytes));
    sent += outcome.bytes;
    progress.update(++done, { MiB: sent / 2 ** 20 });
    return outcome;
  });
  const manifestRef = { key: MANIFEST_KEY, bytes: local.manifestBytes.byteLength, sha256: local.manifestSha256 };
  outcomes.push(await syncObject(loc, manifest.version, manifestRef, bytesBody(local.manifestBytes), storedManifest !== null));
  progress.update(++done);

  const uploaded = outcomes.filter((o) => o.uploaded).length;
  const bytes = outcomes.reduce((s, o) => s + o.bytes, 0);
  progress.finish(uploaded === 0 ? 'already stored, nothing uploaded' : `${uploaded} uploaded, ${outcomes.length - uploaded} already there, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  return { version: manifest.version, model: manifest.model.kind, manifestSha256: local.manifestSha256, uploaded, skipped: outcomes.length - uploaded, bytes, objects: outcomes.length, totalBytes };
}

/**
 * Publishes an export folder as `<prefix>/<model>/versions/<version>/`, then
 * moves `CURRENT` to it. Order, so readers never see a half version:
 *   1. every local file is checked against the manifest (nothing is uploaded otherwise);
 *   2. each object is uploaded unless already stored with the same size and recorded
 *      sha256, then read back and hashed; an object that fails is uploaded once more;
 *   3. `manifest.json` goes up last within the version, and is read back too;
 *   4. only then is `CURRENT` rewritten; retention runs after that.
 * A run that fails leaves `CURRENT` where it was; running it again resumes.
 * @example await publishExport('exports/20261127T184501Z-3fa9c1d2', store, { prefix: 'prod', keep: 5 })
 * @throws GraphrecError `publish/corrupt-export`, `publish/version-conflict` (same id, other manifest),
 *   `publish/verify-failed`, `publish/store-failed` (after retries).
 */
export async function publishExport(dir: string, store: ObjectStore, options: PublishOptions): Promise<PublishResult> {
  const up = await uploadVersion(dir, store, options);
  const loc: ModelLocation = { store, keys: objectKeys(options.prefix, up.model), model: up.model, retry: options.retry ?? DEFAULT_RETRY };
  const previous = await readCurrent(loc).catch((err: unknown) => (err instanceof GraphrecError && err.code === 'publish/bad-current' ? null : Promise.reject(err)));
  const alreadyPublished = up.uploaded === 0;
  const current = await writeCurrent(loc, up.version, up.manifestSha256, (options.now ?? (() => new Date()))());

  const result: PublishResult = {
    version: up.version,
    model: up.model,
    target: store.description,
    uploaded: up.uploaded,
    skipped: up.skipped,
    bytes: up.bytes,
    objects: up.objects,
    totalBytes: up.totalBytes,
    alreadyPublished,
    current,
    previous: previous?.version ?? null,
    deleted: [],
  };
  try {
    result.deleted = (await pruneVersions(loc, options.keep ?? DEFAULT_KEEP)).deleted;
  } catch (err) {
    result.pruneError = err instanceof Error ? err.message : String(err);
  }
  return result;
}

/**
 * Makes one stored object match `ref`. The skip test (HEAD: same size and the
 * sha256 recorded at upload) is only a cheap hint; every object is then read
 * back and hashed, and a mismatch, skipped or not, is uploaded once more.
 * @param knownGood The caller has already matched the stored bytes (the manifest).
 */
async function syncObject(loc: ModelLocation, version: string, ref: ObjectRef, body: PutBody, knownGood = false): Promise<Outcome> {
  if (knownGood) return { uploaded: false, bytes: 0 };
  const key = loc.keys.object(version, ref.key);
  const policy = loc.retry ?? DEFAULT_RETRY;
  const contentType = ref.key.endsWith('.json') ? 'application/json' : 'application/octet-stream';
  const head = await withRetry(`head ${key}`, policy, () => loc.store.head(key));
  let skip = head !== null && head.bytes === ref.bytes && head.sha256 === ref.sha256;
  let written = 0;
  for (let round = 0; ; round++) {
    if (!skip) {
      await withRetry(`put ${key}`, policy, () => loc.store.put(key, body, { sha256: ref.sha256, contentType }));
      written += ref.bytes;
    }
    const stored = await withRetry(`verify ${key}`, policy, async () => {
      const chunks = await loc.store.get(key);
      return chunks === null ? null : digestChunks(chunks);
    });
    if (stored?.sha256 === ref.sha256 && stored.bytes === ref.bytes) return { uploaded: written > 0, bytes: written };
    if (round >= 1) {
      const found = stored === null ? 'nothing' : `${stored.bytes} bytes with sha256 ${stored.sha256}`;
      throw new GraphrecError('publish/verify-failed', `${loc.store.description}/${key} reads back as ${found} after upload, expected ${ref.bytes} bytes with sha256 ${ref.sha256}`);
    }
    skip = false;
  }
}
