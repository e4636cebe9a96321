import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { RetrainLockSchema } from '../artifacts/src/retrain/records.ts';
import { openLocalR2Store } from '../trainer/src/publish/local-r2-store.ts';
import { readAll, type ObjectStore } from '../trainer/src/publish/object-store.ts';
import { openS3Store } from '../trainer/src/publish/s3-store.ts';
import { tryAcquireLock } from '../trainer/src/retrain/lock.ts';
import { objectKeys } from '../artifacts/src/manifest/keys.ts';
import { readCurrent, writeCurrent, type ModelLocation } from '../trainer/src/publish/versions.ts';
import { newRunId } from '../trainer/src/retrain/run-record.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { S3RVER_CREDENTIALS, useS3Server } from './helpers/s3-server.ts';

// s3rver behind the precondition front (what S3 and R2 do natively), and bare s3rver as the control.
const s3 = useS3Server('graphrec-lock', { preconditions: true });
const bare = useS3Server('graphrec-lock-bare');
const { dir } = fixtureFolder('retrain-lock');

const s3Store = (endpoint: string, bucket: string): ObjectStore =>
  openS3Store({ bucket, endpoint, region: 'auto', credentials: { accessKeyId: S3RVER_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: S3RVER_CREDENTIALS.AWS_SECRET_ACCESS_KEY } });

const stores: Record<string, ObjectStore> = {};
beforeAll(async () => {
  stores['s3 (s3rver + precondition front)'] = s3Store(s3.endpoint, s3.bucket);
  stores['local R2 (miniflare, native onlyIf)'] = await openLocalR2Store({ bucket: 'graphrec-lock', persistTo: dir });
});
afterAll(async () => {
  for (const s of Object.values(stores)) await s.close();
});

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const readLock = async (store: ObjectStore, key: string) => RetrainLockSchema.parse(JSON.parse(new TextDecoder().decode(await readAll((await store.get(key))!))));

describe.each(['s3 (s3rver + precondition front)', 'local R2 (miniflare, native onlyIf)'])('retrain lock on %s', (name) => {
  it('putIfAbsent and putIfMatch: exactly one of many concurrent writers wins', async () => {
    const store = stores[name]!;
    const created = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putIfAbsent('cond/a', bytes(`writer ${i}`))));
    expect(created.filter((r) => r.won)).toHaveLength(1);
    const head = await store.head('cond/a');
    expect(head?.etag).toBe((created.find((r) => r.won) as { etag: string }).etag);
    const swapped = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putIfMatch('cond/a', bytes(`swap ${i}`), head!.etag!)));
    expect(swapped.filter((r) => r.won)).toHaveLength(1);
    expect(await store.putIfMatch('cond/a', bytes('stale'), head!.etag!)).toEqual({ won: false });
    expect(await store.putIfMatch('cond/missing', bytes('x'), head!.etag!)).toEqual({ won: false });
  });

  it('one run holds it; an expired lock is taken over by exactly one of several; the loser of a takeover learns it lost', async () => {
    const store = stores[name]!;
    const key = 'lock-test/graphsage/retrain/lock';
    const attempts = await Promise.all(Array.from({ length: 6 }, () => tryAcquireLock(store, key, { runId: newRunId(), ttlMs: 60_000 })));
    const winners = attempts.filter((a) => a.acquired);
    expect(winners).toHaveLength(1);
    const first = winners[0]!.acquired ? winners[0]!.lease : undefined;
    for (const a of attempts) if (!a.acquired) expect(a.holder.runId).toBe(first!.lock.runId);
    await first!.renew();

    // A crashed holder: its lock is past expiresAt (written as the crashed process left it).
    const crashed = { runId: newRunId(), owner: 'ci-runner-7:4242', acquiredAt: new Date(Date.now() - 120_000).toISOString(), expiresAt: new Date(Date.now() - 60_000).toISOString() };
    const head = await store.head(key);
    expect((await store.putIfMatch(key, bytes(JSON.stringify(crashed)), head!.etag!)).won).toBe(true);
    const takeovers = await Promise.all(Array.from({ length: 4 }, () => tryAcquireLock(store, key, { runId: newRunId(), ttlMs: 60_000 })));
    const took = takeovers.filter((a) => a.acquired);
    expect(took).toHaveLength(1);
    expect(took[0]).toMatchObject({ tookOver: { runId: crashed.runId } });
    // The original holder's renewal now fails: its lease is lost, and its release leaves the new lock alone.
    await expect(first!.renew()).rejects.toMatchObject({ code: 'retrain/lock-lost' });
    expect(await first!.release()).toBe(false);
    const lease = took[0]!.acquired ? took[0]!.lease : undefined;
    expect((await readLock(store, key)).runId).toBe(lease!.lock.runId);

    // Release marks it released and expired, so the next run takes it at once.
    expect(await lease!.release()).toBe(true);
    const released = await readLock(store, key);
    expect(released.releasedAt).toBeDefined();
    const next = await tryAcquireLock(store, key, { runId: newRunId(), ttlMs: 60_000 });
    expect(next).toMatchObject({ acquired: true, tookOver: { runId: lease!.lock.runId } });
    if (next.acquired) await next.lease.release();
  });

  it('CURRENT as a compare-and-swap: a stale writer is refused, and of concurrent writers on one ETag exactly one wins', async () => {
    const store = stores[name]!;
    const loc: ModelLocation = { store, keys: objectKeys(`cas-${name.split(' ')[0]}`, 'graphsage'), model: 'graphsage' };
    const version = (i: number): string => `2026112${i}T184501Z-3fa9c1d${i}`;
    const sha = (i: number): string => String(i).repeat(64);
    const code = (p: Promise<unknown>) => p.then(() => 'written', (err: { code?: string }) => err.code);

    await writeCurrent(loc, version(1), sha(1), new Date(), { etag: null });
    expect(await code(writeCurrent(loc, version(2), sha(2), new Date(), { etag: null }))).toBe('publish/current-moved');
    const seen = (await store.head(loc.keys.current))!.etag!;
    await writeCurrent(loc, version(2), sha(2), new Date(), { etag: seen });
    // The ETag this writer read is gone: it must not overwrite the switch that happened since.
    expect(await code(writeCurrent(loc, version(3), sha(3), new Date(), { etag: seen }))).toBe('publish/current-moved');
    expect((await readCurrent(loc))?.version).toBe(version(2));

    const now = (await store.head(loc.keys.current))!.etag!;
    const racers = await Promise.all([3, 4, 5, 6].map((i) => code(writeCurrent(loc, version(i), sha(i), new Date(), { etag: now }))));
    expect(racers.filter((r) => r === 'written')).toHaveLength(1);
    expect(racers.filter((r) => r === 'publish/current-moved')).toHaveLength(3);
    expect((await readCurrent(loc))?.version).toBe(version(3 + racers.indexOf('written')));
  });

  it('the heartbeat keeps a short lock alive past its TTL', async () => {
    const store = stores[name]!;
    const key = 'heartbeat/graphsage/retrain/lock';
    const got = await tryAcquireLock(store, key, { runId: newRunId(), ttlMs: 600 });
    if (!got.acquired) throw new Error('expected to acquire');
    got.lease.startHeartbeat(150);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await tryAcquireLock(store, key, { runId: newRunId(), ttlMs: 600 })).toMatchObject({ acquired: false, holder: { runId: got.lease.lock.runId } });
    expect(Date.parse((await readLock(store, key)).expiresAt)).toBeGreaterThan(Date.now());
    expect(await got.lease.release()).toBe(true);
  });
});

describe('bare s3rver 3.7.1 (control)', () => {
  it('ignores If-None-Match on PUT: every conditional create "wins", which is why the tests put a front before it', async () => {
    const store = s3Store(bare.endpoint, bare.bucket);
    try {
      const results = await Promise.all(Array.from({ length: 3 }, (_, i) => store.putIfAbsent('cond/b', bytes(`writer ${i}`))));
      expect(results.filter((r) => r.won)).toHaveLength(3);
    } finally {
      await store.close();
    }
  });
});
