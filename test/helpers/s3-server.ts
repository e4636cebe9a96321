import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll } from 'vitest';
import { startPreconditionFront } from './precondition-front.ts';

/** s3rver's fixed account. */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

export interface S3Server {
  /** `http://127.0.0.1:<port>`, set once `beforeAll` has run. */
  endpoint: string;
  bucket: string;
  /** Environment for the CLI: credentials and `GRAPHREC_S3_ENDPOINT`. */
  env: Record<string, string>;
  /** Object notifications so far, e.g. `{ name: 'ObjectCreated:Post', key }` for each completed multipart upload. */
  events: { name: string; key: string }[];
}

/**
 * Starts a real S3-compatible server (s3rver) on a free 127.0.0.1 port, backed
 * by a temporary folder, with `bucket` created, for the tests of one file;
 * stops it and removes the folder afterwards. It runs in the test's own event
 * loop, so run the CLI with an asynchronous spawn, never spawnSync.
 *
 * s3rver ignores `If-None-Match` / `If-Match` on PUT (every conditional write
 * succeeds). With `preconditions: true` the endpoint is an HTTP front on
 * 127.0.0.1 that enforces them atomically before forwarding to s3rver
 * ({@link startPreconditionFront}), emulating what S3 and R2 do natively;
 * use it for anything that relies on conditional writes (the retrain lock).
 */
export function useS3Server(bucket = 'graphrec-test', options: { preconditions?: boolean } = {}): S3Server {
  const directory = mkdtempSync(join(tmpdir(), 'graphrec-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const handle: S3Server = { endpoint: '', bucket, env: {}, events: [] };
  server.on('event', (e) => handle.events.push(...e.Records.map((r) => ({ name: r.eventName, key: r.s3.object.key }))));
  let front: { port: number; close(): Promise<void> } | undefined;
  beforeAll(async () => {
    const { port } = await server.run();
    if (options.preconditions) front = await startPreconditionFront({ host: '127.0.0.1', port });
    handle.endpoint = `http://127.0.0.1:${front?.port ?? port}`;
    handle.env = { ...S3RVER_CREDENTIALS, GRAPHREC_S3_ENDPOINT: handle.endpoint };
  });
  afterAll(async () => {
    await front?.close();
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });
  return handle;
}
