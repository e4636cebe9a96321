import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { buildBlockTable } from '../../../artifacts/src/index/blocks.ts';
import type { BlockedObjectRef, ObjectRef } from '../../../artifacts/src/manifest/schema.ts';

/** Writes `bytes` at `outDir/key` and returns its {@link ObjectRef}. */
export async function writeObject(outDir: string, key: string, bytes: Uint8Array | string): Promise<ObjectRef> {
  const path = join(outDir, key);
  await mkdir(dirname(path), { recursive: true });
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  await writeFile(path, data);
  return { key, bytes: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') };
}

/**
 * Writes an object of per-item records with its block table.
 * @param starts `items + 1` byte offsets of the items in `bytes`.
 */
export async function writeBlockedObject(outDir: string, key: string, bytes: Uint8Array, starts: ArrayLike<number>, rowsPerBlock: number): Promise<BlockedObjectRef> {
  return { ...(await writeObject(outDir, key, bytes)), blocks: await buildBlockTable(bytes, starts, rowsPerBlock) };
}

/** The {@link ObjectRef} of a file already written at `outDir/key`, hashed by streaming. */
export async function refOfFile(outDir: string, key: string): Promise<ObjectRef> {
  const path = join(outDir, key);
  return { key, bytes: (await stat(path)).size, sha256: await sha256OfFile(path) };
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A fingerprint of a data set: sha256 over every file's relative name, size
 * and contents, in name order, so any change to the inputs changes it.
 */
export async function fingerprintPath(path: string): Promise<string> {
  const files: string[] = [];
  const walk = async (p: string): Promise<void> => {
    if ((await stat(p)).isDirectory()) {
      for (const name of (await readdir(p)).sort()) if (!name.startsWith('.')) await walk(join(p, name));
    } else files.push(p);
  };
  await walk(path);
  const outer = createHash('sha256');
  for (const f of files) outer.update(`${relative(path, f) || '.'}\0${(await stat(f)).size}\0${await sha256OfFile(f)}\n`);
  return outer.digest('hex');
}
