import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphrecError } from '../artifacts/src/errors.ts';
import { objectKeys } from '../artifacts/src/manifest/keys.ts';
import { CurrentPointerSchema, manifestObjects } from '../artifacts/src/manifest/schema.ts';
import type { ObjectStore } from '../trainer/src/publish/object-store.ts';
import { publishExport, type PublishOptions } from '../trainer/src/publish/publish.ts';
import { pruneVersions } from '../trainer/src/publish/retention.ts';
import { rollback } from '../trainer/src/publish/rollback.ts';
import { openS3Store } from '../trainer/src/publish/s3-store.ts';
import { listVersions, type ModelLocation } from '../trainer/src/publish/versions.ts';
import { writeSyntheticExport, versionId } from './helpers/synthetic-export.ts';
import { failingPuts } from './helpers/faulty-store.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { S3RVER_CREDENTIALS, useS3Server } from './helpers/s3-server.ts';

const s3 = useS3Server();
const { dir: root } = fixtureFolder('publish');
const THRESHOLD = 64 * 1024;
const FAST_RETRY = { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 };
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let store: ObjectStore;
/** An independent client for reading back, so the checks do not go through the code under test. */
let raw: S3Client;

beforeAll(() => {
  const credentials = { accessKeyId: S3RVER_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: S3RVER_CREDENTIALS.AWS_SECRET_ACCESS_KEY };
  store = openS3Store({ bucket: s3.bucket, endpoint: s3.endpoint, region: 'auto', credentials, multipartThreshold: THRESHOLD });
  raw = new S3Client({ endpoint: s3.endpoint, region: 'auto', credentials, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
});
afterAll(async () => {
  await store.close();
  raw.destroy();
});

async function rawGet(key: string): Promise<Uint8Array | null> {
  try {
    const res = await raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    return await res.Body!.transformToByteArray();
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return null;
    throw err;
  }
}
async function rawKeys(prefix: string): Promise<string[]> {
  const res = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}
async function current(prefix: string) {
  const bytes = await rawGet(objectKeys(prefix, 'graphsage').current);
  return bytes && CurrentPointerSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}
const options = (prefix: string, extra: Partial<PublishOptions> = {}): PublishOptions => ({ prefix, keep: 10, retry: FAST_RETRY, ...extra });
const location = (prefix: string): ModelLocation => ({ store, keys: objectKeys(prefix, 'graphsage'), model: 'graphsage', retry: FAST_RETRY });
async function rejection(p: Promise<unknown>): Promise<GraphrecError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(GraphrecError);
  return err as GraphrecError;
}

describe('publish to an S3-compatible server (s3rver)', () => {
  it('uploads every object (the large one in parts), verifies them, then writes CURRENT', async () => {
    const ex = writeSyntheticExport(root, { version: versionId(1) });
    const result = await publishExport(ex.dir, store, options('happy'));
    const keys = objectKeys('happy', 'graphsage');
    const refs = manifestObjects(ex.manifest);
    expect(result).toMatchObject({ version: ex.manifest.version, uploaded: refs.length + 1, skipped: 0, alreadyPublished: false, previous: null, deleted: [] });
    for (const [key, bytes] of ex.files) {
      const stored = await rawGet(keys.object(ex.manifest.version, key));
      expect(stored && sha256(stored), key).toBe(sha256(bytes));
    }
    for (const ref of refs) expect(sha256((await rawGet(keys.object(ex.manifest.version, ref.key)))!)).toBe(ref.sha256);
    const created = s3.events.filter((e) => e.key.startsWith(keys.root));
    expect(created.filter((e) => e.name === 'ObjectCreated:Post').map((e) => e.key), 'multipart uploads').toEqual([keys.object(ex.manifest.version, 'model/graphsage.f32')]);
    expect(created.map((e) => e.key).at(-2), 'manifest.json last within the version').toBe(keys.object(ex.manifest.version, 'manifest.json'));
    expect(created.map((e) => e.key).at(-1), 'then CURRENT').toBe(keys.current);
    expect(await current('happy')).toEqual({ version: ex.manifest.version, manifestSha256: sha256(ex.files.get('manifest.json')!), publishedAt: result.current.publishedAt });

    const again = await publishExport(ex.dir, store, options('happy'));
    expect(again).toMatchObject({ uploaded: 0, skipped: refs.length + 1, bytes: 0, alreadyPublished: true, previous: ex.manifest.version });
  });

  it('refuses a corrupt or incomplete export before uploading anything', async () => {
    const ex = writeSyntheticExport(root, { version: versionId(2) });
    const bytes = ex.files.get('shards/0001.usearch')!;
    writeFileSync(join(ex.dir, 'shards/0001.usearch'), Buffer.from(bytes.map((b, i) => (i === 10 ? b ^ 1 : b))));
    const err = await rejection(publishExport(ex.dir, store, options('corrupt')));
    expect(err.code).toBe('publish/corrupt-export');
    expect(err.message).toMatch(/shards\/0001\.usearch has sha256 [0-9a-f]{64}, the manifest says/);
    writeFileSync(join(ex.dir, 'popular.json'), 'x');
    expect((await rejection(publishExport(ex.dir, store, options('corrupt')))).message).toMatch(/popular\.json has 1 bytes, the manifest says \d+/);
    expect(await rawKeys('corrupt/')).toEqual([]);
    expect((await rejection(publishExport(join(root, 'nowhere'), store, options('corrupt')))).code).toBe('publish/no-export');
  });

  it('a publish interrupted half-way leaves CURRENT on the previous version; a re-run resumes', async () => {
    const v1 = writeSyntheticExport(root, { version: versionId(3) });
    const v2 = writeSyntheticExport(root, { version: versionId(4), shards: 4 });
    await publishExport(v1.dir, store, options('resume'));
    const faulty = failingPuts(store, 4);
    const err = await rejection(publishExport(v2.dir, faulty, { ...options('resume'), concurrency: 1 }));
    expect(err.code).toBe('publish/store-failed');
    expect(err.message).toMatch(/failed after 2 attempts: injected fault/);
    expect((await current('resume'))?.version).toBe(v1.manifest.version);
    const { versions } = await listVersions(location('resume'));
    expect(versions.map((v) => [v.version, v.complete, v.current])).toEqual([
      [v1.manifest.version, true, true],
      [v2.manifest.version, false, false],
    ]);
    expect(versions[1].problem).toMatch(/no manifest\.json/);
    expect(versions[1].objects).toBe(3);

    const resumed = await publishExport(v2.dir, store, options('resume'));
    const total = manifestObjects(v2.manifest).length + 1;
    expect(resumed).toMatchObject({ uploaded: total - 3, skipped: 3, previous: v1.manifest.version, alreadyPublished: false });
    expect((await current('resume'))?.version).toBe(v2.manifest.version);
  });

  it('retries a transient failure and re-uploads a stored object whose bytes do not match its recorded sha256', async () => {
    const ex = writeSyntheticExport(root, { version: versionId(5) });
    const flaky = failingPuts(store, 2, 1);
    const first = await publishExport(ex.dir, flaky, { ...options('heal'), concurrency: 1 });
    expect(flaky.failed).toBe(1);
    expect(first.uploaded).toBe(manifestObjects(ex.manifest).length + 1);
    // Same size, right sha256 in metadata, wrong bytes: the HEAD hint says "skip", the read-back says otherwise.
    const key = objectKeys('heal', 'graphsage').object(ex.manifest.version, 'shards/0000.usearch');
    const good = ex.files.get('shards/0000.usearch')!;
    await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: new Uint8Array(good.length), Metadata: { sha256: sha256(good) } }));
    const healed = await publishExport(ex.dir, store, options('heal'));
    expect(healed).toMatchObject({ uploaded: 1, bytes: good.length, alreadyPublished: false });
    expect(sha256((await rawGet(key))!)).toBe(sha256(good));
  });

  it('rolls back to a complete version and refuses unknown, malformed or partial ones', async () => {
    const v1 = writeSyntheticExport(root, { version: versionId(6) });
    const v2 = writeSyntheticExport(root, { version: versionId(7) });
    const v3 = writeSyntheticExport(root, { version: versionId(8) });
    await publishExport(v1.dir, store, options('rollback'));
    await publishExport(v2.dir, store, options('rollback'));
    await rejection(publishExport(v3.dir, failingPuts(store, 2), { ...options('rollback'), concurrency: 1 }));
    const loc = location('rollback');

    const back = await rollback(loc, v1.manifest.version);
    expect(back).toMatchObject({ version: v1.manifest.version, previous: v2.manifest.version });
    expect(await current('rollback')).toEqual({ version: v1.manifest.version, manifestSha256: sha256(v1.files.get('manifest.json')!), publishedAt: back.current.publishedAt });

    const partial = await rejection(rollback(loc, v3.manifest.version));
    expect(partial.code).toBe('publish/partial-version');
    expect(partial.message).toMatch(/incomplete \(no manifest\.json/);
    const unknown = await rejection(rollback(loc, versionId(9)));
    expect(unknown.code).toBe('publish/unknown-version');
    expect(unknown.message).toContain(v2.manifest.version);
    expect((await rejection(rollback(loc, 'latest'))).code).toBe('publish/bad-version');
    // A version whose object lost bytes is partial too.
    const shard = objectKeys('rollback', 'graphsage').object(v2.manifest.version, 'shards/0001.usearch');
    await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: shard, Body: new Uint8Array(7) }));
    expect((await rejection(rollback(loc, v2.manifest.version))).message).toMatch(/shards\/0001\.usearch has 7 bytes, expected \d+/);
    expect((await current('rollback'))?.version).toBe(v1.manifest.version);
  });

  it("retention keeps the N newest versions, complete or partial, and never CURRENT's", async () => {
    const ex = [10, 11, 12, 13].map((n) => writeSyntheticExport(root, { version: versionId(n), largeBytes: 1024 }));
    const [v1, v2, v3, v4] = ex.map((e) => e.manifest.version);
    for (const e of ex.slice(0, 3)) await publishExport(e.dir, store, options('keep'));
    await rejection(publishExport(ex[3].dir, failingPuts(store, 2), { ...options('keep'), concurrency: 1 }));
    const loc = location('keep');
    await rollback(loc, v1);

    const pruned = await pruneVersions(loc, 2);
    expect(pruned).toEqual({ kept: [v1, v3, v4], deleted: [v2] });
    expect(await rawKeys(objectKeys('keep', 'graphsage').versionRoot(v2))).toEqual([]);

    const v5 = writeSyntheticExport(root, { version: versionId(14), largeBytes: 1024 });
    const published = await publishExport(v5.dir, store, options('keep', { keep: 1 }));
    expect(published.deleted).toEqual([v1, v3, v4]);
    const { versions, current: pointer } = await listVersions(loc);
    expect(versions.map((v) => v.version)).toEqual([v5.manifest.version]);
    expect(pointer?.version).toBe(v5.manifest.version);
    expect((await rejection(pruneVersions(loc, 0))).code).toBe('publish/bad-keep');
  });

  it('refuses to publish over a stored version with a different manifest', async () => {
    const version = versionId(20);
    const a = writeSyntheticExport(join(root, 'a'), { version });
    const b = writeSyntheticExport(join(root, 'b'), { version });
    await publishExport(a.dir, store, options('conflict'));
    const err = await rejection(publishExport(b.dir, store, options('conflict')));
    expect(err.code).toBe('publish/version-conflict');
    expect((await current('conflict'))?.manifestSha256).toBe(sha256(a.files.get('manifest.json')!));
  });
});
