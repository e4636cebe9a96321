import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { ObjectKeys } from '../../../artifacts/src/manifest/keys.ts';
import { CurrentPointerSchema, MANIFEST_KEY, manifestObjects, parseArtifactJson, parseManifest, VersionIdSchema, type CurrentPointer, type ModelKind } from '../../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../../artifacts/src/manifest/sha256.ts';
import { bytesBody, readAll, type ObjectInfo, type ObjectStore } from './object-store.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';

/** One model's versions in one store. */
export interface ModelLocation {
  store: ObjectStore;
  keys: ObjectKeys;
  model: ModelKind;
  retry?: RetryPolicy;
}

/** What a version folder holds. */
export interface VersionSummary {
  version: string;
  /** Stored objects, manifest included, and their total size. */
  objects: number;
  bytes: number;
  /** The manifest parses, names this version and model, and every object it lists is stored with the right size. */
  complete: boolean;
  current: boolean;
  manifestSha256?: string;
  /** Why the version is not complete (or disagrees with `CURRENT`). */
  problem?: string;
}

const isVersionId = (s: string): boolean => VersionIdSchema.safeParse(s).success;

/**
 * The stored objects under `versions/`, by version id; folders that are not version ids are left out.
 */
export async function storedVersions(loc: ModelLocation): Promise<Map<string, ObjectInfo[]>> {
  const listing = await withRetry(`list ${loc.keys.versionsRoot}`, loc.retry ?? DEFAULT_RETRY, () => loc.store.list(loc.keys.versionsRoot));
  const byVersion = new Map<string, ObjectInfo[]>();
  for (const o of listing) {
    const version = o.key.slice(loc.keys.versionsRoot.length).split('/')[0];
    if (!isVersionId(version)) continue;
    const list = byVersion.get(version) ?? [];
    list.push(o);
    byVersion.set(version, list);
  }
  return new Map([...byVersion].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Reads `<model>/CURRENT`.
 * @returns null when there is none yet.
 * @throws GraphrecError `publish/bad-current` when it exists but is not a valid pointer.
 */
export async function readCurrent(loc: ModelLocation): Promise<CurrentPointer | null> {
  const bytes = await readObject(loc, loc.keys.current);
  if (bytes === null) return null;
  return parseArtifactJson(CurrentPointerSchema, new TextDecoder().decode(bytes), loc.keys.current, 'publish/bad-current');
}

/** What `CURRENT` must still be for a conditional write to go ahead: its ETag when it was read, or null when there was none. */
export interface CurrentExpectation {
  etag: string | null;
}

/**
 * Writes `CURRENT` naming `version` and its manifest's sha256, then reads it back to confirm.
 * @param expected when given, the write is a compare-and-swap: it goes ahead only if
 *   `CURRENT` is still what the caller read, so a writer that lost its lock (or raced a
 *   manual rollback) cannot overwrite another's switch.
 * @throws GraphrecError `publish/current-moved` when `expected` no longer holds.
 */
export async function writeCurrent(loc: ModelLocation, version: string, manifestSha256: string, now = new Date(), expected?: CurrentExpectation): Promise<CurrentPointer> {
  const pointer: CurrentPointer = { version, manifestSha256, publishedAt: now.toISOString() };
  const bytes = new TextEncoder().encode(`${JSON.stringify(pointer)}\n`);
  const sha256 = await sha256Hex(bytes);
  const options = { contentType: 'application/json', sha256 };
  const key = loc.keys.current;
  if (!expected) {
    await withRetry(`put ${key}`, loc.retry ?? DEFAULT_RETRY, () => loc.store.put(key, bytesBody(bytes), options));
  } else {
    const put = await withRetry(`conditional put ${key}`, loc.retry ?? DEFAULT_RETRY, () =>
      expected.etag === null ? loc.store.putIfAbsent(key, bytes, options) : loc.store.putIfMatch(key, bytes, expected.etag, options),
    );
    if (!put.won) {
      // A retried put can lose to its own first attempt, whose answer was lost: that is a success.
      const stored = await readCurrent(loc).catch(() => null);
      if (stored?.version !== version || stored.manifestSha256 !== manifestSha256) {
        throw new GraphrecError('publish/current-moved', `${key} changed after it was read (it now names ${stored?.version ?? 'nothing readable'}); not overwriting it with ${version}`);
      }
    }
  }
  const back = await readCurrent(loc);
  if (back?.version !== version || back.manifestSha256 !== manifestSha256) {
    throw new GraphrecError('publish/verify-failed', `${loc.keys.current} reads back as ${JSON.stringify(back)} after writing ${JSON.stringify(pointer)}`);
  }
  return pointer;
}

/**
 * Checks one version folder from its listing: the manifest is read and parsed,
 * the other objects are checked by size only (listings carry sizes, so this
 * costs one GET per version).
 * @param stored The version's objects from {@link storedVersions}.
 */
export async function inspectVersion(loc: ModelLocation, version: string, stored: ObjectInfo[]): Promise<Omit<VersionSummary, 'current'>> {
  const summary = { version, objects: stored.length, bytes: stored.reduce((s, o) => s + o.bytes, 0) };
  const manifestKey = loc.keys.object(version, MANIFEST_KEY);
  const bytes = stored.some((o) => o.key === manifestKey) ? await readObject(loc, manifestKey) : null;
  if (bytes === null) return { ...summary, complete: false, problem: `no ${MANIFEST_KEY} (an unfinished publish)` };
  const manifestSha256 = await sha256Hex(bytes);
  let problem: string | undefined;
  try {
    const manifest = parseManifest(new TextDecoder().decode(bytes), manifestKey);
    if (manifest.version !== version) problem = `${MANIFEST_KEY} names version ${manifest.version}`;
    else if (manifest.model.kind !== loc.model) problem = `${MANIFEST_KEY} is for model ${manifest.model.kind}`;
    else problem = missingObjects(manifestObjects(manifest), stored, loc.keys, version);
  } catch (err) {
    if (!(err instanceof GraphrecError)) throw err;
    problem = err.message;
  }
  return problem === undefined ? { ...summary, complete: true, manifestSha256 } : { ...summary, complete: false, manifestSha256, problem };
}

function missingObjects(refs: { key: string; bytes: number }[], stored: ObjectInfo[], keys: ObjectKeys, version: string): string | undefined {
  const sizes = new Map(stored.map((o) => [o.key, o.bytes]));
  const bad = refs.filter((r) => sizes.get(keys.object(version, r.key)) !== r.bytes);
  if (bad.length === 0) return undefined;
  const describe = (r: { key: string; bytes: number }): string => {
    const size = sizes.get(keys.object(version, r.key));
    return size === undefined ? `${r.key} missing` : `${r.key} has ${size} bytes, expected ${r.bytes}`;
  };
  return `${bad.length} of ${refs.length} objects missing or of the wrong size: ${bad.slice(0, 3).map(describe).join(', ')}${bad.length > 3 ? ', …' : ''}`;
}

/** Every version of the model, oldest first, with completeness and which one `CURRENT` names. */
export async function listVersions(loc: ModelLocation): Promise<{ current: CurrentPointer | null; versions: VersionSummary[] }> {
  const [current, stored] = await Promise.all([readCurrent(loc), storedVersions(loc)]);
  const versions: VersionSummary[] = [];
  for (const [version, objects] of stored) {
    const v: VersionSummary = { ...(await inspectVersion(loc, version, objects)), current: version === current?.version };
    if (v.current && v.complete && v.manifestSha256 !== current?.manifestSha256) v.problem = `its ${MANIFEST_KEY} sha256 differs from the one CURRENT records`;
    versions.push(v);
  }
  return { current, versions };
}

/** An object's bytes, or null when absent; with retries. */
export async function readObject(loc: ModelLocation, key: string): Promise<Uint8Array | null> {
  return withRetry(`get ${key}`, loc.retry ?? DEFAULT_RETRY, async () => {
    const body = await loc.store.get(key);
    return body === null ? null : readAll(body);
  });
}
