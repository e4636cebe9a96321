/**
 * A byte-budgeted LRU of promises. Storing the promise (not the value) makes
 * concurrent requests for the same key share one load; a failed load is
 * evicted at once so the next request retries it.
 */
export class AsyncLru<V> {
  private readonly entries = new Map<string, { promise: Promise<V>; bytes: number }>();
  private used = 0;
  /** Loads started (misses), for the health route and the tests. */
  loads = 0;
  hits = 0;
  evictions = 0;

  constructor(
    readonly budgetBytes: number,
    private readonly sizeOf: (value: V) => number,
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
    if (hit) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.promise;
    }
    this.loads++;
    const entry = { promise: load(), bytes: 0 };
    this.entries.set(key, entry);
    entry.promise.then(
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
    return entry.promise;
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
