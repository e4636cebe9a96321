import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { MANIFEST_KEY, manifestObjects, parseManifest, type Manifest, type ObjectRef } from '../../../artifacts/src/manifest/schema.ts';
import { sha256Hex } from '../../../artifacts/src/manifest/sha256.ts';
import { digestChunks } from './object-store.ts';
import { mapPool } from './pool.ts';

/** An export folder whose files all match its manifest. */
export interface LocalExport {
  dir: string;
  manifest: Manifest;
  /** `manifest.json` exactly as written, and its sha256 (what `CURRENT` records). */
  manifestBytes: Uint8Array;
  manifestSha256: string;
  objects: ObjectRef[];
}

/**
 * Reads an export folder and checks every object the manifest lists against
 * its `bytes` and `sha256` (sizes first, hashes streamed).
 * @throws GraphrecError `publish/no-export` without a manifest, `manifest/invalid` for a bad one,
 *   `publish/corrupt-export` naming each missing, truncated or altered file.
 */
export async function readLocalExport(dir: string, concurrency = 4): Promise<LocalExport> {
  const manifestPath = join(dir, MANIFEST_KEY);
  if (!existsSync(manifestPath)) throw new GraphrecError('publish/no-export', `${manifestPath} does not exist; publish takes a folder written by 'graphrec export'`);
  const manifestBytes = new Uint8Array(await readFile(manifestPath));
  const manifest = parseManifest(new TextDecoder().decode(manifestBytes), manifestPath);
  const objects = manifestObjects(manifest);
  const problems = (await mapPool(objects, concurrency, (ref) => checkFile(dir, ref))).filter((p): p is string => p !== null);
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
    throw new GraphrecError('publish/corrupt-export', `${dir} does not match its manifest, nothing was uploaded: ${shown}`, { problems });
  }
  return { dir, manifest, manifestBytes, manifestSha256: await sha256Hex(manifestBytes), objects };
}

/** A problem with one file, or null when it matches. */
async function checkFile(dir: string, ref: ObjectRef): Promise<string | null> {
  const path = join(dir, ref.key);
  const size = await stat(path).then((s) => (s.isFile() ? s.size : -1), () => null);
  if (size === null) return `${path} is missing`;
  if (size !== ref.bytes) return `${path} has ${size} bytes, the manifest says ${ref.bytes}`;
  const { sha256 } = await digestChunks(createReadStream(path));
  return sha256 === ref.sha256 ? null : `${path} has sha256 ${sha256}, the manifest says ${ref.sha256}`;
}
