import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { MANIFEST_KEY, parseManifest } from '../../../artifacts/src/manifest/schema.ts';
import { readCurrent, readObject, type ModelLocation } from '../publish/versions.ts';
import type { Metrics } from './gate.ts';

/** The version `CURRENT` names and what its manifest recorded, for the gate. */
export interface LiveVersion {
  version: string;
  metrics: Metrics;
  dataFingerprint: string;
}

/**
 * Reads the live version: `CURRENT`, then the manifest it names.
 * @returns null when nothing is live yet (no `CURRENT`).
 * @throws GraphrecError `retrain/live-unreadable` when `CURRENT` or its manifest is broken:
 *   the gate cannot compare, and replacing an unknown model is not its call (repair with `graphrec rollback`).
 */
export async function readLive(loc: ModelLocation): Promise<LiveVersion | null> {
  try {
    const current = await readCurrent(loc);
    if (current === null) return null;
    const key = loc.keys.object(current.version, MANIFEST_KEY);
    const bytes = await readObject(loc, key);
    if (bytes === null) throw new GraphrecError('publish/partial-version', `${key} is missing`);
    const manifest = parseManifest(new TextDecoder().decode(bytes), key);
    return { version: current.version, metrics: manifest.evaluation ?? {}, dataFingerprint: manifest.source.fingerprint };
  } catch (err) {
    if (!(err instanceof GraphrecError)) throw err;
    throw new GraphrecError('retrain/live-unreadable', `the live version cannot be read (${err.message}); point CURRENT at a complete version with 'graphrec rollback' first`, { cause: err.code });
  }
}
