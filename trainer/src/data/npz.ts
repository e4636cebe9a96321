import { readFile } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { parseNpy, type NpyArray } from './npy.ts';

/*
 * Zip (PKWARE APPNOTE.TXT 6.3.10), the subset `.npz` files use. Read from the end:
 *
 * End of central directory (EOCD), 22 bytes + comment:
 * | field        | type   | size | offset |
 * | signature    | u32 LE 0x06054b50 | 4 | 0 |
 * | disk numbers | u16 × 2 | 4   | 4      |
 * | entries      | u16 × 2 (this disk, total) | 4 | 8 |
 * | cd size      | u32    | 4    | 12     |
 * | cd offset    | u32    | 4    | 16     |
 * | comment len  | u16    | 2    | 20     |
 *
 * Central directory entry, 46 bytes + name + extra + comment:
 * signature 0x02014b50 @0, flags u16 @8, method u16 @10, crc32 u32 @16,
 * compressed size u32 @20, size u32 @24, name len u16 @28, extra len u16 @30,
 * comment len u16 @32, local header offset u32 @42.
 *
 * Local header, 30 bytes + name + extra, then the data:
 * signature 0x04034b50 @0, name len u16 @26, extra len u16 @28. Its sizes may be
 * zero (data descriptor) or 0xFFFFFFFF (numpy writes zip64 local headers), so the
 * central directory's sizes are used.
 */

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const ZIP64_MARK = 0xffffffff;

/** One file of a zip archive. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Offset of the entry's local header. */
  localOffset: number;
}

/**
 * Lists the entries of a zip archive from its central directory.
 *
 * @param bytes the whole archive.
 * @throws GraphrecError `codec/bad-zip` when no valid end-of-central-directory
 *   record or directory entry is found; `codec/unsupported-zip` for zip64 and
 *   multi-disk archives.
 */
export function listZipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(view);
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) {
    throw new GraphrecError('codec/unsupported-zip', 'zip: archives split over several disks are not supported');
  }
  const count = view.getUint16(eocd + 10, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === ZIP64_MARK || view.getUint32(eocd + 12, true) === ZIP64_MARK) {
    throw new GraphrecError('codec/unsupported-zip', 'zip: zip64 archives (over 4 GiB or 65,535 entries) are not supported');
  }
  const entries: ZipEntry[] = [];
  let pos = cdOffset;
  for (let i = 0; i < count; i++) {
    if (pos + CENTRAL_BYTES > eocd || view.getUint32(pos, true) !== CENTRAL_SIGNATURE) {
      throw badZip(`central directory entry ${i} at offset ${pos} is missing or has a bad signature`);
    }
    const nameLen = view.getUint16(pos + 28, true);
    if (pos + CENTRAL_BYTES + nameLen > eocd) throw badZip(`central directory entry ${i} runs past the directory`);
    const entry: ZipEntry = {
      name: new TextDecoder().decode(bytes.subarray(pos + CENTRAL_BYTES, pos + CENTRAL_BYTES + nameLen)),
      method: view.getUint16(pos + 10, true),
      crc32: view.getUint32(pos + 16, true),
      compressedSize: view.getUint32(pos + 20, true),
      size: view.getUint32(pos + 24, true),
      localOffset: view.getUint32(pos + 42, true),
    };
    if ((view.getUint16(pos + 8, true) & 1) !== 0) {
      throw new GraphrecError('codec/unsupported-zip', `zip: entry ${entry.name} is encrypted`);
    }
    if (entry.compressedSize === ZIP64_MARK || entry.size === ZIP64_MARK || entry.localOffset === ZIP64_MARK) {
      throw new GraphrecError('codec/unsupported-zip', `zip: entry ${entry.name} uses zip64 sizes, which are not supported`);
    }
    entries.push(entry);
    pos += CENTRAL_BYTES + nameLen + view.getUint16(pos + 30, true) + view.getUint16(pos + 32, true);
  }
  return entries;
}

/**
 * Extracts one entry and checks its size and CRC-32.
 *
 * @param bytes the whole archive.
 * @param entry an entry from {@link listZipEntries}.
 * @throws GraphrecError `codec/bad-zip` for a bad local header, corrupt deflate data or a
 *   size or CRC mismatch; `codec/unsupported-zip` for methods other than 0 (stored) and 8 (deflate).
 */
export function extractZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localOffset;
  if (at + LOCAL_BYTES > bytes.length || view.getUint32(at, true) !== LOCAL_SIGNATURE) {
    throw badZip(`local header of ${entry.name} at offset ${at} is missing or has a bad signature`);
  }
  const start = at + LOCAL_BYTES + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw badZip(`data of ${entry.name} runs past the end of the archive`);
  const raw = bytes.subarray(start, end);
  let data: Uint8Array;
  if (entry.method === 0) {
    data = raw;
  } else if (entry.method === 8) {
    try {
      // The size limit keeps a corrupt or hostile entry from inflating without bound.
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch (err) {
      throw badZip(`deflate data of ${entry.name} is corrupt (${err instanceof Error ? err.message : String(err)})`);
    }
  } else {
    throw new GraphrecError(
      'codec/unsupported-zip',
      `zip: entry ${entry.name} uses compression method ${entry.method}; supported are 0 (stored) and 8 (deflate)`,
    );
  }
  if (data.length !== entry.size) throw badZip(`${entry.name} has ${data.length} bytes, the directory says ${entry.size}`);
  if (crc32(data) !== entry.crc32) throw badZip(`${entry.name} fails its CRC-32 check`);
  return data;
}

/**
 * Decodes the arrays of an `.npz` archive held in memory.
 *
 * @param bytes the whole archive.
 * @param keys only decode these arrays (names without `.npy`); others, which may
 *   hold pickles, are left alone. Default: every `.npy` member.
 * @returns arrays by name without `.npy`; members not ending in `.npy` are ignored.
 * @throws GraphrecError from {@link listZipEntries}, {@link extractZipEntry} and {@link parseNpy}.
 */
export function parseNpz(bytes: Uint8Array, keys?: readonly string[]): Map<string, NpyArray> {
  const wanted = keys === undefined ? undefined : new Set(keys);
  const arrays = new Map<string, NpyArray>();
  for (const entry of listZipEntries(bytes)) {
    if (!entry.name.endsWith('.npy')) continue;
    const key = entry.name.slice(0, -'.npy'.length);
    if (wanted !== undefined && !wanted.has(key)) continue;
    try {
      arrays.set(key, parseNpy(extractZipEntry(bytes, entry)));
    } catch (err) {
      throw prefixed(err, entry.name);
    }
  }
  return arrays;
}

/**
 * Reads an `.npz` file (a zip of `.npy` files, as `numpy.savez` writes).
 *
 * @param path the `.npz` file; it is read whole, which suits the small graphs stored this way.
 * @param keys only decode these arrays.
 * @example
 * const arrays = await readNpz('cora.npz', ['labels']);
 * arrays.get('labels')?.data; // Int32Array [2708]
 */
export async function readNpz(path: string, keys?: readonly string[]): Promise<Map<string, NpyArray>> {
  const bytes = await readFile(path);
  try {
    return parseNpz(bytes, keys);
  } catch (err) {
    throw prefixed(err, path);
  }
}

function findEocd(view: DataView): number {
  const last = view.byteLength - EOCD_BYTES;
  // The EOCD ends the file unless a comment (at most 65,535 bytes) follows it.
  for (let pos = last; pos >= 0 && pos >= last - 0xffff; pos--) {
    if (view.getUint32(pos, true) === EOCD_SIGNATURE && pos + EOCD_BYTES + view.getUint16(pos + 20, true) === view.byteLength) {
      return pos;
    }
  }
  throw badZip('no end-of-central-directory record; the file is not a zip archive or is truncated');
}

/** The same error with `where` in front of its message, so callers see which file failed. */
function prefixed(err: unknown, where: string): unknown {
  if (!(err instanceof GraphrecError)) return err;
  return new GraphrecError(err.code, `${where}: ${err.message}`, err.details);
}

function badZip(what: string): GraphrecError {
  return new GraphrecError('codec/bad-zip', `zip: ${what}`);
}
