import { describe, expect, it } from 'vitest';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { mapPool } from './pool.ts';
import { backoffMs, isPermanent, withRetry } from './retry.ts';

const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

describe('withRetry', () => {
  it('retries transient failures and names the operation when attempts run out', async () => {
    let calls = 0;
    expect(await withRetry('put a', fast, async () => (++calls < 3 ? Promise.reject(new Error('ECONNRESET')) : 'ok'))).toBe('ok');
    const err = await withRetry('put b', fast, () => Promise.reject(new Error('socket hang up'))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'publish/store-failed', message: 'put b failed after 3 attempts: socket hang up' });
  });

  it('does not retry permanent failures', async () => {
    let calls = 0;
    const denied = Object.assign(new Error('denied'), { $metadata: { httpStatusCode: 403 } });
    await expect(withRetry('get c', fast, async () => (calls++, Promise.reject(denied)))).rejects.toBe(denied);
    expect(calls).toBe(1);
    expect(isPermanent(new GraphrecError('x', 'y'))).toBe(true);
    expect(isPermanent(Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } }))).toBe(false);
    expect(isPermanent(Object.assign(new Error('oops'), { $metadata: { httpStatusCode: 503 } }))).toBe(false);
  });

  it('backs off with full jitter, capped', () => {
    const policy = { attempts: 9, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 8].map((a) => backoffMs(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffMs(5, policy, () => 0)).toBe(0);
  });
});

describe('mapPool', () => {
  it('keeps order, bounds concurrency and stops after the first failure', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapPool([5, 1, 4, 2, 3], 2, async (x) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, x));
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
    const started: number[] = [];
    await expect(mapPool([1, 2, 3, 4], 1, async (x) => (started.push(x), x === 2 ? Promise.reject(new Error('two')) : x))).rejects.toThrow('two');
    expect(started).toEqual([1, 2]);
  });
});
