import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { VersionIdSchema, type CurrentPointer } from '../../../artifacts/src/manifest/schema.ts';
import { inspectVersion, readCurrent, storedVersions, writeCurrent, type CurrentExpectation, type ModelLocation } from './versions.ts';

/** What a rollback did. */
export interface RollbackResult {
  version: string;
  /** The version `CURRENT` named before, null if none (or unreadable). */
  previous: string | null;
  current: CurrentPointer;
}

/**
 * Points `CURRENT` at an earlier (or any other) complete version: its manifest
 * must parse and name it, and every object must be stored with the manifest's
 * size. `CURRENT` records the sha256 of the manifest bytes just read.
 * @param options.expected make the write a compare-and-swap (see `writeCurrent`).
 * @throws GraphrecError `publish/bad-version` for a malformed id, `publish/unknown-version`
 *   when no such folder exists, `publish/partial-version` when it is incomplete,
 *   `publish/current-moved` when `options.expected` no longer holds.
 */
export async function rollback(loc: ModelLocation, version: string, now = new Date(), options: { expected?: CurrentExpectation } = {}): Promise<RollbackResult> {
  if (!VersionIdSchema.safeParse(version).success) throw new GraphrecError('publish/bad-version', `'${version}' is not a version id (like 20261127T184501Z-3fa9c1d2)`);
  const stored = await storedVersions(loc);
  const objects = stored.get(version);
  if (!objects) {
    const known = [...stored.keys()];
    throw new GraphrecError('publish/unknown-version', `version ${version} is not in ${loc.store.description}/${loc.keys.versionsRoot}; stored versions: ${known.length > 0 ? known.join(', ') : 'none'}`);
  }
  const inspected = await inspectVersion(loc, version, objects);
  if (!inspected.complete || !inspected.manifestSha256) {
    throw new GraphrecError('publish/partial-version', `version ${version} is incomplete (${inspected.problem}); CURRENT still names the previous version`);
  }
  // A broken CURRENT must not block the rollback that repairs it.
  const previous = await readCurrent(loc).catch((err: unknown) => (err instanceof GraphrecError && err.code === 'publish/bad-current' ? null : Promise.reject(err)));
  const current = await writeCurrent(loc, version, inspected.manifestSha256, now, options.expected);
  return { version, previous: previous?.version ?? null, current };
}
