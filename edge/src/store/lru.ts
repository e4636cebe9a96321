interface Entry<V> {
  promise: Promise<V>;
  bytes: number;
  settled: boolean;
  /** `Date.now()` when the load started. */
  started: number;
  value?: V;
  error?: unknown;
}

/** How often a request waiting on another request's load looks whether it has settled. */
const POLL_MS = 2;

/**
 * Waits for a load that may belong to another request, without letting that
 * request's promise resume this one. In workerd, a request resumed by another
 * request's I/O is judged hung and cancelled with a 500 (measured under cache
 * pressure at 1M items: 42–77 of 3,200 concurrent `similar` requests; none
 * with this). So the waiter polls the entry on timers of its own and settles
 * its own promise from its own context.
 *
 * A load can also never settle: workerd drops the pending I/O of a request
 * once it has answered, so a load that request started in the background (a
 * prefetch) and left behind is orphaned. A waiter takes a load older than
 * `staleMs` (longer than a read may take with its retries) for orphaned and
 * starts it again with `restart`; a live load judged so only costs a second read.
 */
function awaitEntry<V>(entry: Entry<V>, staleMs: number, restart: () => Promise<V>): Promise<V> {
  if (entry.settled) return 'error' in entry ? Promise.reject(entry.error) : Promise.resolve(entry.value as V);
  return new Promise<V>((resolve, reject) => {
    const poll = (): void => {
      if (!entry.settled && Date.now() - entry.started > staleMs) restart().then(resolve, reject);
      else if (!entry.settled) setTimeout(poll, POLL_MS);
      else if ('error' in entry) reject(entry.error);
      else resolve(entry.value as V);
    };
    setTimeout(poll, POLL_MS);
  });
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
   * @param staleMs age past which an unsettled load is taken for orphaned (see {@link awaitEntry}); default: never.
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
    if (hit && !hit.settled && Date.now() - hit.started > this.staleMs) {
      this.entries.delete(key);
      this.abandoned++;
    } else if (hit) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, hit);
      return awaitEntry(hit, this.staleMs, () => this.get(key, load));
    }
    this.loads++;
    const entry: Entry<V> = { promise: load(), bytes: 0, settled: false, started: Date.now() };
    this.entries.set(key, entry);
    entry.promise.then(
      (value) => {
        entry.value = value;
        entry.settled = true;
        if (this.entries.get(key) !== entry) return;
        entry.bytes = this.sizeOf(value);
        this.used += entry.bytes;
        this.evict(key);
      },
      (err: unknown) => {
        entry.error = err;
        entry.settled = true;
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.promise;
  }

  /** The value of `key` if it is loaded already (never starts a load; counts as a use). */
  peek(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit?.settled || 'error' in hit) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
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
