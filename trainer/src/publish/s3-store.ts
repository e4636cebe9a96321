import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { DEFAULT_MULTIPART_THRESHOLD, type ConditionalPut, type ObjectInfo, type ObjectStore, type PutBody, type PutOptions } from './object-store.ts';
import { mapPool } from './pool.ts';

/** S3 allows at most this many parts per multipart upload. */
const MAX_PARTS = 10_000;

export interface S3StoreOptions {
  bucket: string;
  /** S3-compatible endpoint (R2: `https://<account>.r2.cloudflarestorage.com`); path-style addressing when set. */
  endpoint?: string;
  /** `auto` for R2. */
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * Bodies larger than this go up as a multipart upload in parts of this size
   * (grown if needed to stay within 10,000 parts). S3 and R2 require parts of
   * at least 5 MiB except the last, so lower it only against test servers.
   */
  multipartThreshold?: number;
  /** Concurrent deletes. */
  concurrency?: number;
}

/**
 * An {@link ObjectStore} over `@aws-sdk/client-s3`, for S3, R2 and other
 * S3-compatible servers. The sha256 of each put is stored as metadata
 * `x-amz-meta-sha256`; checksums are computed only when an operation
 * requires them, because some S3-compatible servers store streamed,
 * checksummed (aws-chunked) bodies corrupted.
 */
export function openS3Store(options: S3StoreOptions): ObjectStore {
  const client = new S3Client({
    region: options.region,
    credentials: options.credentials,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = options.bucket;
  const threshold = options.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD;
  const call = <T>(what: string, fn: () => Promise<T>): Promise<T> => fn().catch((err: unknown) => Promise.reject(translate(err, what, Bucket)));
  /** One PutObject with a precondition; a lost race is an answer, not an error. */
  const conditionalPut = async (key: string, Body: Uint8Array, putOptions: PutOptions = {}, condition: { IfNoneMatch?: string; IfMatch?: string }): Promise<ConditionalPut> => {
    try {
      const res = await client.send(new PutObjectCommand({
        Bucket, Key: key, Body, ContentLength: Body.byteLength, ContentType: putOptions.contentType, Metadata: putOptions.sha256 ? { sha256: putOptions.sha256 } : undefined, ...condition,
      }));
      if (!res.ETag) throw new GraphrecError('publish/store-failed', `conditional put ${key}: the server returned no ETag`);
      return { won: true, etag: res.ETag };
    } catch (err) {
      if (lostPrecondition(err)) return { won: false };
      throw translate(err, `conditional put ${key}`, Bucket);
    }
  };

  return {
    description: `s3://${Bucket}${options.endpoint ? ` at ${options.endpoint}` : ''}`,
    async put(key, body, putOptions = {}) {
      const common = { Bucket, Key: key, ContentType: putOptions.contentType, Metadata: putOptions.sha256 ? { sha256: putOptions.sha256 } : undefined };
      if (body.bytes <= threshold) {
        const Body = await body.read(0, body.bytes);
        await call(`put ${key}`, () => client.send(new PutObjectCommand({ ...common, Body, ContentLength: body.bytes })));
        return;
      }
      await putMultipart(client, common, body, Math.max(threshold, Math.ceil(body.bytes / MAX_PARTS)), call);
    },
    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return res.Body as AsyncIterable<Uint8Array>;
      } catch (err) {
        if ((err as Error).name === 'NoSuchKey') return null;
        throw translate(err, `get ${key}`, Bucket);
      }
    },
    async head(key) {
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { key, bytes: res.ContentLength ?? 0, sha256: res.Metadata?.sha256, etag: res.ETag };
      } catch (err) {
        if ((err as Error).name === 'NotFound' || (err as Error).name === 'NoSuchKey') return null;
        throw translate(err, `head ${key}`, Bucket);
      }
    },
    putIfAbsent(key, bytes, putOptions) {
      return conditionalPut(key, bytes, putOptions, { IfNoneMatch: '*' });
    },
    putIfMatch(key, bytes, etag, putOptions) {
      return conditionalPut(key, bytes, putOptions, { IfMatch: etag });
    },
    async list(prefix) {
      const out: ObjectInfo[] = [];
      let ContinuationToken: string | undefined;
      do {
        const res = await call(`list ${prefix}`, () => client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken })));
        for (const o of res.Contents ?? []) if (o.Key !== undefined) out.push({ key: o.Key, bytes: o.Size ?? 0 });
        ContinuationToken = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async delete(keys) {
      // One DeleteObject per key: DeleteObjects needs a request checksum whose
      // algorithm S3-compatible servers disagree on; versions hold few objects.
      await mapPool(keys, options.concurrency ?? 8, (Key) => call(`delete ${Key}`, () => client.send(new DeleteObjectCommand({ Bucket, Key }))));
    },
    async close() {
      client.destroy();
    },
  };
}

type Call = <T>(what: string, fn: () => Promise<T>) => Promise<T>;

/** Create, upload parts in order, complete; abort on any failure so no orphaned parts are billed. */
async function putMultipart(client: S3Client, common: { Bucket: string; Key: string; ContentType?: string; Metadata?: Record<string, string> }, body: PutBody, partSize: number, call: Call): Promise<void> {
  const { Bucket, Key } = common;
  const created = await call(`start multipart upload of ${Key}`, () => client.send(new CreateMultipartUploadCommand(common)));
  const UploadId = created.UploadId;
  if (!UploadId) throw new GraphrecError('publish/store-failed', `start multipart upload of ${Key}: the server returned no upload id`);
  try {
    const parts: CompletedPart[] = [];
    for (let start = 0, PartNumber = 1; start < body.bytes; start += partSize, PartNumber++) {
      const Body = await body.read(start, Math.min(body.bytes, start + partSize));
      const res = await call(`upload part ${PartNumber} of ${Key}`, () => client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body, ContentLength: Body.byteLength })));
      parts.push({ PartNumber, ETag: res.ETag });
    }
    await call(`complete multipart upload of ${Key}`, () => client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } })));
  } catch (err) {
    // Best effort: some S3-compatible servers (s3rver) do not implement abort.
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
    throw err;
  }
}

/**
 * A conditional write that lost: 412 Precondition Failed (S3, R2), 409
 * ConditionalRequestConflict (S3: a concurrent conditional write to the key
 * is in flight), or 404 (S3 answers `If-Match` on a missing key so).
 */
function lostPrecondition(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status === 412 || status === 409 || status === 404;
}

/** Turns the answers no retry can fix into GraphrecErrors that say what to check; passes the rest through. */
function translate(err: unknown, what: string, bucket: string): unknown {
  const name = (err as Error)?.name;
  if (name === 'NoSuchBucket') return new GraphrecError('publish/no-bucket', `${what}: bucket '${bucket}' does not exist`);
  if (name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'Forbidden') {
    return new GraphrecError('publish/access-denied', `${what}: access to bucket '${bucket}' denied (${name}); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`);
  }
  return err;
}
