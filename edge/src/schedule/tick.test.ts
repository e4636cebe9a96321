import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Env } from '../config.ts';
import { runRetrainTick } from './tick.ts';

/** The few R2 calls the tick makes, over a Map; `failGets` makes every read throw, as an R2 outage would. */
function memoryBucket(failGets = false): { bucket: R2Bucket; objects: Map<string, { body: string; customMetadata?: Record<string, string> }> } {
  const objects = new Map<string, { body: string; customMetadata?: Record<string, string> }>();
  const bucket = {
    async get(key: string) {
      if (failGets) throw new Error('R2 is unavailable');
      const o = objects.get(key);
      return o ? { text: async () => o.body } : null;
    },
    async put(key: string, body: string, options?: { customMetadata?: Record<string, string> }) {
      objects.set(key, { body, customMetadata: options?.customMetadata });
    },
    async list(options: { prefix: string; startAfter?: string }) {
      const keys = [...objects.keys()].filter((k) => k.startsWith(options.prefix) && (!options.startAfter || k > options.startAfter)).sort();
      return { objects: keys.map((key) => ({ key, customMetadata: objects.get(key)!.customMetadata })), truncated: false };
    },
  };
  return { bucket: bucket as unknown as R2Bucket, objects };
}

const NOW = Date.parse('2026-06-10T03:00:00Z');
const KEY = 'graphsage/retrain/dispatches/2026-06-10T030000000Z.json';
const hook = { RETRAIN_WEBHOOK_URL: 'https://hooks.example/retrain', RETRAIN_WEBHOOK_TOKEN: 'tok-123' };

describe('runRetrainTick', () => {
  // Each record is also logged as one JSON line; keep the test output quiet.
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => vi.restoreAllMocks());

  it('records an invalid retrain var as `failed` for MODEL, without calling anything or throwing', async () => {
    const { bucket, objects } = memoryBucket();
    const env: Env = { ARTIFACTS: bucket, RETRAIN_MAX_AGE_HOURS: 'soon', ...hook };
    const [record] = await runRetrainTick(env, NOW, () => Promise.reject(new Error('must not be called')));
    expect(record).toMatchObject({ model: 'graphsage', action: 'failed', reason: expect.stringMatching(/^the retrain config is invalid: Worker var RETRAIN_MAX_AGE_HOURS is invalid/) });
    expect(objects.get(KEY)?.customMetadata).toEqual({ action: 'failed', at: '2026-06-10T03:00:00.000Z', webhook: 'not-called' });
    expect(vi.mocked(console.error).mock.calls.map((c) => JSON.parse(String(c[0])))).toEqual([{ event: 'graphrec.retrain-tick', key: KEY, ...record }]);
  });

  it('records a bucket that cannot be read as `failed`, and does not dispatch blind', async () => {
    const { bucket } = memoryBucket(true);
    const [record] = await runRetrainTick({ ARTIFACTS: bucket, ...hook }, NOW, () => Promise.reject(new Error('must not be called')));
    expect(record).toMatchObject({ action: 'failed', reason: 'could not read the retrain state from the bucket: R2 is unavailable', liveVersion: null });
  });

  it('dispatches once per listed model with the default body, marking the record as a webhook call', async () => {
    const { bucket, objects } = memoryBucket();
    const bodies: unknown[] = [];
    const records = await runRetrainTick({ ARTIFACTS: bucket, RETRAIN_MODELS: 'pinsage, graphsage,pinsage', RETRAIN_WEBHOOK_BODY: '', ...hook }, NOW, async (_url, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      return new Response(null, { status: 202 });
    });
    expect(records.map((r) => [r.model, r.action, r.webhookStatus])).toEqual([['pinsage', 'dispatched', 202], ['graphsage', 'dispatched', 202]]);
    expect(bodies[0]).toEqual({ event: 'graphrec.retrain', model: 'pinsage', reason: 'no live version is published', liveVersion: null, liveAgeHours: null, at: '2026-06-10T03:00:00.000Z', lastRun: null });
    expect(objects.get(KEY)?.customMetadata?.webhook).toBe('called');
    // The next tick within the quiet time (default 12 h) finds that call and backs off.
    const [next] = await runRetrainTick({ ARTIFACTS: bucket, ...hook }, NOW + 3_600_000, () => Promise.reject(new Error('must not be called')));
    expect(next).toMatchObject({ action: 'skipped', reason: 'backing off: the last dispatch went out 1 h ago (quiet time 12 h); no live version is published' });
  });
});
