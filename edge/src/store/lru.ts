import { awaitOnOwnTimers, settledState, type Settled } from './own-timers.ts';

interface Entry<V> {
  state: Settled<V>;
  bytes: number;
}

/**
 * A byte-budgeted LRU of promises. Storing the promise (not the value) makes
 * concurrent requests for the same key share one load; a failed load is
 * evicted at once so the next request retries it.
 */
export class AsyncLru<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private used = 0;
  /** Loads started (misses), for the health route and the tests. */
  loads = 0;
  hits = 0;
  evictions = 0;
  /** Loads found orphaned (older than `staleMs`, unsettled) and started again. */
  abandoned = 0;

  /**
   * @param staleMs age past which an unsettled load is taken for orphaned and started again (see {@link awaitOnOwnTimers}); default: never.
   */
  constructor(
    readonly budgetBytes: number,
    private readonly sizeOf: (value: V) => number,
    private readonly staleMs = Number.POSITIVE_INFINITY,
  ) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value of `key`, or the result of `load()` (started once however many callers wait). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && !hit.state.done && Date.now() - hit.state.started > this.staleMs) {
      this.entries.delete(key);
      this.abandoned++;
    } else if (hit) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, hit);
      // The load may be another request's: wait on this request's own timers.
      return awaitOnOwnTimers(hit.state, { staleMs: this.staleMs, restart: () => this.get(key, load) });
    }
    this.loads++;
    const entry: Entry<V> = { state: settledState(load()), bytes: 0 };
    this.entries.set(key, entry);
    entry.state.promise.then(
      (value) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = this.sizeOf(value);
        this.used += entry.bytes;
        this.evict(key);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.state.promise;
  }

  /** The value of `key` if it is loaded already (never starts a load; counts as a use). */
  peek(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit?.state.done || 'error' in hit.state) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.state.value;
  }

  /** Drops least recently used entries until within budget, never `keep` (the one just loaded). */
  private evict(keep: string): void {
    for (const [key, entry] of this.entries) {
      if (this.used <= this.budgetBytes) return;
      if (key === keep || entry.bytes === 0) continue;
      this.entries.delete(key);
      this.used -= entry.bytes;
      this.evictions++;
    }
  }
}
