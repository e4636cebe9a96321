import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Bodies above this size go up in parts where the store supports it (S3: multipart upload). */
export const DEFAULT_MULTIPART_THRESHOLD = 8 * 1024 * 1024;

/** What a listing or a HEAD tells about a stored object. */
export interface ObjectInfo {
  key: string;
  bytes: number;
  /** The sha256 the uploader recorded in the object's metadata: a claim, not a proof (see {@link ObjectStore.head}). */
  sha256?: string;
  /** The store's entity tag of the object (from `head` only), as {@link ObjectStore.putIfMatch} expects it back. */
  etag?: string;
}

/**
 * Outcome of a conditional write: `won` when the precondition held and the
 * object was written (with its new ETag), false when another writer got there
 * first. Any other failure is thrown, as for `put`.
 */
export type ConditionalPut = { won: true; etag: string } | { won: false };

/** An upload body that can be read again on retry, whole or by byte range. */
export interface PutBody {
  readonly bytes: number;
  /** Bytes `[start, end)`. */
  read(start: number, end: number): Promise<Uint8Array>;
}

/** Options of one put. */
export interface PutOptions {
  /** Hex sha256 of the body, stored as metadata `sha256` (and checked by the server where it can). */
  sha256?: string;
  contentType?: string;
}

/**
 * The operations publish, versions, rollback, retention and the retrain lock
 * need from a bucket. Keys are full object keys (prefix included); implementations exist
 * for S3-compatible services ({@link openS3Store}) and the local R2 bucket of
 * `wrangler dev` ({@link openLocalR2Store}).
 */
export interface ObjectStore {
  /** Where it writes, for messages: `s3://bucket` or `local:bucket (dir)`. */
  readonly description: string;
  /** Writes an object whole; large bodies may go up in parts. */
  put(key: string, body: PutBody, options?: PutOptions): Promise<void>;
  /** The object's bytes as chunks, or null when it does not exist. */
  get(key: string): Promise<AsyncIterable<Uint8Array> | null>;
  /** Size, recorded sha256 and ETag, or null when the object does not exist. */
  head(key: string): Promise<ObjectInfo | null>;
  /**
   * Creates a small object only if no object has the key, atomically (S3 and R2:
   * `If-None-Match: *`; R2 binding: `onlyIf: { etagDoesNotMatch: '*' }`).
   * Test servers that ignore the header would let every writer win; see `test/helpers/s3-server.ts`.
   */
  putIfAbsent(key: string, bytes: Uint8Array, options?: PutOptions): Promise<ConditionalPut>;
  /** Replaces a small object only if its ETag is still `etag` (from {@link head} or an earlier conditional put), atomically. */
  putIfMatch(key: string, bytes: Uint8Array, etag: string, options?: PutOptions): Promise<ConditionalPut>;
  /** Every object whose key starts with `prefix`, sorted by key (`sha256` is not filled in). */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Deletes the objects; missing ones are not an error. */
  delete(keys: string[]): Promise<void>;
  /** Releases connections or child processes. */
  close(): Promise<void>;
}

/** A body over bytes already in memory. */
export function bytesBody(bytes: Uint8Array): PutBody {
  return { bytes: bytes.byteLength, read: async (start, end) => bytes.subarray(start, end) };
}

/** A body over a local file of known size, read by range on demand, so parts never hold the whole file. */
export function fileBody(path: string, bytes: number): PutBody {
  return {
    bytes,
    async read(start, end) {
      const handle = await open(path, 'r');
      try {
        const out = new Uint8Array(end - start);
        let done = 0;
        while (done < out.length) {
          const { bytesRead } = await handle.read(out, done, out.length - done, start + done);
          if (bytesRead === 0) throw new Error(`${path} ended at ${start + done} bytes, expected ${bytes}`);
          done += bytesRead;
        }
        return out;
      } finally {
        await handle.close();
      }
    },
  };
}

/** Collects chunks into one array. */
export async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

/** Hex sha256 and byte count of a stream of chunks, without holding it in memory. */
export async function digestChunks(chunks: AsyncIterable<Uint8Array>): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const c of chunks) {
    hash.update(c);
    bytes += c.byteLength;
  }
  return { sha256: hash.digest('hex'), bytes };
}
