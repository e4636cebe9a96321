import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { MANIFEST_KEY } from '../../../artifacts/src/manifest/schema.ts';
import { DEFAULT_RETRY, withRetry } from './retry.ts';
import { readCurrent, storedVersions, type ModelLocation } from './versions.ts';

export const DEFAULT_KEEP = 5;

/** What a prune kept and deleted, version ids oldest first. */
export interface PruneResult {
  kept: string[];
  deleted: string[];
}

/**
 * Deletes every version, complete or partial, except the `keep` newest (version
 * ids sort by time) and the one `CURRENT` names, whatever its age. A version's
 * manifest goes first, so a prune cut short leaves partial versions, never one
 * that looks complete but is not.
 * @param keep ≥ 1.
 * @throws GraphrecError `publish/bad-keep`; `publish/bad-current` (nothing is deleted while CURRENT is unreadable).
 */
export async function pruneVersions(loc: ModelLocation, keep: number): Promise<PruneResult> {
  if (!Number.isInteger(keep) || keep < 1) throw new GraphrecError('publish/bad-keep', `keep must be an integer ≥ 1, got ${keep}`);
  const current = await readCurrent(loc);
  const stored = await storedVersions(loc);
  const newestFirst = [...stored.keys()].reverse();
  const keepSet = new Set(newestFirst.slice(0, keep));
  if (current) keepSet.add(current.version);
  const deleted = newestFirst.filter((v) => !keepSet.has(v)).reverse();
  const policy = loc.retry ?? DEFAULT_RETRY;
  for (const version of deleted) {
    const manifestKey = loc.keys.object(version, MANIFEST_KEY);
    const rest = stored.get(version)!.map((o) => o.key).filter((k) => k !== manifestKey);
    await withRetry(`delete ${manifestKey}`, policy, () => loc.store.delete([manifestKey]));
    await withRetry(`delete ${loc.keys.versionRoot(version)}`, policy, () => loc.store.delete(rest));
  }
  return { kept: [...stored.keys()].filter((v) => keepSet.has(v)), deleted };
}
