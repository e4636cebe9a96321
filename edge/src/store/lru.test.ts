import { describe, expect, it } from 'vitest';
import { AsyncLru } from './lru.ts';
import { awaitOnOwnTimers, settledState } from './own-timers.ts';

/** A promise settled by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('awaitOnOwnTimers', () => {
  it('gives the work’s value or error once it settles, at once when it has', async () => {
    const ok = deferred<number>();
    const state = settledState(ok.promise);
    const waiting = awaitOnOwnTimers(state);
    setTimeout(() => ok.resolve(7), 10);
    await expect(waiting).resolves.toBe(7);
    await expect(awaitOnOwnTimers(state)).resolves.toBe(7);
    const bad = deferred<number>();
    const failed = settledState(bad.promise);
    const waitingBad = awaitOnOwnTimers(failed);
    bad.reject(new Error('read failed'));
    await expect(waitingBad).rejects.toThrow('read failed');
  });

  it('restarts work older than staleMs that never settles, and only then', async () => {
    const never = settledState(new Promise<string>(() => {}), Date.now());
    let restarts = 0;
    const value = await awaitOnOwnTimers(never, { staleMs: 20, restart: async () => `again ${++restarts}` });
    expect(value).toBe('again 1');
    const slow = deferred<string>();
    const live = settledState(slow.promise);
    setTimeout(() => slow.resolve('in time'), 5);
    await expect(awaitOnOwnTimers(live, { staleMs: 1000, restart: async () => 'restarted' })).resolves.toBe('in time');
  });
});

describe('AsyncLru', () => {
  it('shares one load among concurrent callers and counts hits', async () => {
    const lru = new AsyncLru<string>(100, (v) => v.length);
    const load = deferred<string>();
    let loads = 0;
    const loader = (): Promise<string> => (loads++, load.promise);
    const first = lru.get('a', loader);
    const second = lru.get('a', loader);
    expect(lru.peek('a')).toBeUndefined();
    load.resolve('abc');
    expect(await Promise.all([first, second])).toEqual(['abc', 'abc']);
    expect({ loads, lruLoads: lru.loads, hits: lru.hits, bytes: lru.bytes }).toEqual({ loads: 1, lruLoads: 1, hits: 1, bytes: 3 });
    expect(lru.peek('a')).toBe('abc');
  });

  it('drops a failed load, so the next caller loads again', async () => {
    const lru = new AsyncLru<string>(100, (v) => v.length);
    await expect(lru.get('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(lru.size).toBe(0);
    await expect(lru.get('a', async () => 'ok')).resolves.toBe('ok');
    expect(lru.loads).toBe(2);
  });

  it('evicts the least recently used entries past its byte budget, never the one just loaded', async () => {
    const lru = new AsyncLru<string>(10, (v) => v.length);
    await lru.get('a', async () => 'aaaa');
    await lru.get('b', async () => 'bbbb');
    expect(lru.peek('a')).toBe('aaaa'); // a is now the more recent
    await lru.get('c', async () => 'cccc');
    expect([lru.peek('a'), lru.peek('b'), lru.peek('c')]).toEqual(['aaaa', undefined, 'cccc']);
    expect(lru.evictions).toBe(1);
    await lru.get('big', async () => 'x'.repeat(50));
    expect(lru.peek('big')).toHaveLength(50);
    expect(lru.size).toBe(1);
  });

  it('takes a load pending past staleMs for orphaned and starts it again', async () => {
    const lru = new AsyncLru<string>(100, (v) => v.length, 20);
    void lru.get('a', () => new Promise<string>(() => {}));
    const waiter = lru.get('a', async () => 'fresh');
    await expect(waiter).resolves.toBe('fresh');
    expect(lru.abandoned).toBe(1);
    await sleep(1);
    expect(lru.peek('a')).toBe('fresh');
  });
});
