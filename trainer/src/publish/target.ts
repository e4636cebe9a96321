import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { ObjectStore } from './object-store.ts';

/** Where versions go: an S3-compatible bucket, or the local R2 bucket of `wrangler dev`. */
export type Target =
  | { kind: 's3'; bucket: string; prefix: string; endpoint?: string; region: string }
  | { kind: 'local'; bucket: string; prefix: string; persistTo: string };

/** The bucket `wrangler dev` binds when none is named. */
export const DEFAULT_LOCAL_BUCKET = 'graphrec-artifacts';
/** wrangler's default `--persist-to`, at the project root. */
export const DEFAULT_PERSIST_TO = resolve(fileURLToPath(new URL('../../../', import.meta.url)), '.wrangler/state');

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const R2_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const USAGE = "--to must be 's3://BUCKET[/PREFIX]' or 'local[:BUCKET[/PREFIX]]'";

/** Flags that refine `--to`. */
export interface TargetFlags {
  endpoint?: string;
  region?: string;
  persistTo?: string;
}

/**
 * Parses `--to` with its flags. The S3 endpoint defaults to `GRAPHREC_S3_ENDPOINT`,
 * the region to `AWS_REGION`, else `auto` (what R2 expects).
 * @example parseTarget('s3://models/graphrec', { endpoint: 'http://127.0.0.1:4568' })
 * @throws GraphrecError `publish/bad-target` naming the accepted forms.
 */
export function parseTarget(to: string | undefined, flags: TargetFlags = {}, env: NodeJS.ProcessEnv = process.env): Target {
  if (!to) throw new GraphrecError('publish/bad-target', `missing --to; ${USAGE}`);
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(to);
  if (s3) {
    if (flags.persistTo !== undefined) throw new GraphrecError('publish/bad-target', '--persist-to applies only to --to local');
    const [, bucket, prefix] = s3;
    if (!S3_BUCKET.test(bucket)) throw new GraphrecError('publish/bad-target', `bucket '${bucket}' is not a valid S3 bucket name (3–63 of a-z, 0-9, '.', '-')`);
    const endpoint = flags.endpoint ?? (env.GRAPHREC_S3_ENDPOINT || undefined);
    return { kind: 's3', bucket, prefix, endpoint, region: flags.region ?? (env.AWS_REGION || 'auto') };
  }
  const local = /^local(?::([^/]*)\/?(.*))?$/.exec(to);
  if (local) {
    if (flags.endpoint !== undefined || flags.region !== undefined) throw new GraphrecError('publish/bad-target', '--endpoint and --region apply only to --to s3://…');
    const bucket = local[1] || DEFAULT_LOCAL_BUCKET;
    if (!R2_BUCKET.test(bucket)) throw new GraphrecError('publish/bad-target', `bucket '${bucket}' is not a valid R2 bucket name (3–63 of a-z, 0-9, '-')`);
    return { kind: 'local', bucket, prefix: local[2] ?? '', persistTo: resolve(flags.persistTo ?? DEFAULT_PERSIST_TO) };
  }
  throw new GraphrecError('publish/bad-target', `${USAGE}, got '${to}'`);
}

/** A target for messages: `s3://bucket/prefix` or `local:bucket/prefix`. */
export function describeTarget(t: Target): string {
  return t.kind === 's3' ? `s3://${t.bucket}${t.prefix ? `/${t.prefix}` : ''}` : `local:${t.bucket}${t.prefix ? `/${t.prefix}` : ''}`;
}

/**
 * Opens the store of a target. S3 credentials come from `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`.
 * @throws GraphrecError `publish/no-credentials` when an S3 target lacks them.
 */
export async function openTarget(t: Target, options: { multipartThreshold?: number; concurrency?: number } = {}, env: NodeJS.ProcessEnv = process.env): Promise<ObjectStore> {
  // Imported on use: the S3 SDK and miniflare are heavy, and most commands need neither.
  if (t.kind === 'local') return (await import('./local-r2-store.ts')).openLocalR2Store({ bucket: t.bucket, persistTo: t.persistTo });
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new GraphrecError('publish/no-credentials', `${describeTarget(t)} needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (for R2: an R2 API token's key pair)`);
  }
  const { openS3Store } = await import('./s3-store.ts');
  return openS3Store({
    bucket: t.bucket,
    endpoint: t.endpoint,
    region: t.region,
    credentials: { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) },
    ...options,
  });
}
