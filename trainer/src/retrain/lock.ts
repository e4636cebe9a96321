import { hostname } from 'node:os';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { parseArtifactJson } from '../../../artifacts/src/manifest/schema.ts';
import { RetrainLockSchema, type RetrainLock } from '../../../artifacts/src/retrain/records.ts';
import { readAll, type ObjectStore } from '../publish/object-store.ts';

export interface LockOptions {
  runId: string;
  /** A lock not renewed for this long may be taken over. */
  ttlMs: number;
  /** Host and process, for messages; default `<hostname>:<pid>`. */
  owner?: string;
  now?: () => Date;
}

/** Either we hold the lock, or another run does (its lock, as read). */
export type AcquireResult = { acquired: true; lease: LockLease; tookOver?: RetrainLock } | { acquired: false; holder: RetrainLock };

const encode = (lock: RetrainLock): Uint8Array => new TextEncoder().encode(`${JSON.stringify(lock)}\n`);

/**
 * One attempt at the retrain lock: create it if absent (`putIfAbsent`), or
 * take over a lock past its `expiresAt` with `putIfMatch` on that lock's ETag,
 * so of two runs racing for it exactly one wins. The ETag is read before the
 * body: should the lock change in between, the stale ETag makes the takeover
 * lose instead of overwriting a live lock.
 * @throws GraphrecError `retrain/bad-lock` when the object at `key` is not a lock.
 */
export async function tryAcquireLock(store: ObjectStore, key: string, options: LockOptions): Promise<AcquireResult> {
  const now = options.now ?? (() => new Date());
  const fresh = (): RetrainLock => {
    const at = now();
    return { runId: options.runId, owner: options.owner ?? `${hostname()}:${process.pid}`, acquiredAt: at.toISOString(), expiresAt: new Date(at.getTime() + options.ttlMs).toISOString() };
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const lock = fresh();
    const created = await store.putIfAbsent(key, encode(lock), { contentType: 'application/json' });
    if (created.won) return { acquired: true, lease: new LockLease(store, key, lock, created.etag, options) };
    const head = await store.head(key);
    if (!head?.etag) continue; // released by deletion in between: try to create it again
    const body = await store.get(key);
    if (body === null) continue;
    const held = parseArtifactJson(RetrainLockSchema, new TextDecoder().decode(await readAll(body)), key, 'retrain/bad-lock');
    if (Date.parse(held.expiresAt) > now().getTime()) return { acquired: false, holder: held };
    const taken = await store.putIfMatch(key, encode(lock), head.etag, { contentType: 'application/json' });
    if (taken.won) return { acquired: true, lease: new LockLease(store, key, lock, taken.etag, options), tookOver: held };
  }
  throw new GraphrecError('retrain/lock-contended', `${store.description}/${key} changed under every attempt to take it; another run is acquiring it`);
}

/**
 * Acquires the lock, polling while another run holds it, for at most `waitMs`.
 * @returns the lease, or the holder when the wait ran out.
 */
export async function acquireLock(store: ObjectStore, key: string, options: LockOptions & { waitMs: number; pollMs?: number; onWait?: (holder: RetrainLock) => void }): Promise<AcquireResult> {
  const deadline = Date.now() + options.waitMs;
  for (let first = true; ; first = false) {
    const result = await tryAcquireLock(store, key, options);
    if (result.acquired || Date.now() >= deadline) return result;
    if (first) options.onWait?.(result.holder);
    const untilExpiry = Date.parse(result.holder.expiresAt) - Date.now();
    const pause = Math.max(50, Math.min(options.pollMs ?? 5000, deadline - Date.now(), untilExpiry + 50));
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/**
 * A held lock. Every renewal is a `putIfMatch` on the ETag of our last write,
 * so it fails, and the lease is lost, once another run has taken the lock over.
 */
export class LockLease {
  #lock: RetrainLock;
  #etag: string;
  #lost: string | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #renewal: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ObjectStore,
    readonly key: string,
    lock: RetrainLock,
    etag: string,
    private readonly options: LockOptions,
  ) {
    this.#lock = lock;
    this.#etag = etag;
  }

  get lock(): RetrainLock {
    return this.#lock;
  }

  /** Why the lease was lost, or undefined while held. */
  get lost(): string | undefined {
    return this.#lost;
  }

  /**
   * Renews the lock for another TTL and proves we still hold it.
   * @throws GraphrecError `retrain/lock-lost` when another run has taken it over.
   */
  async renew(): Promise<void> {
    // Renewals run one at a time: each needs the ETag the previous one wrote.
    this.#renewal = this.#renewal.catch(() => undefined).then(() => this.#renewOnce());
    return this.#renewal;
  }

  async #renewOnce(): Promise<void> {
    if (this.#lost) throw new GraphrecError('retrain/lock-lost', this.#lost);
    const now = (this.options.now ?? (() => new Date()))();
    const next = { ...this.#lock, expiresAt: new Date(now.getTime() + this.options.ttlMs).toISOString() };
    const written = await this.store.putIfMatch(this.key, encode(next), this.#etag, { contentType: 'application/json' });
    if (!written.won) {
      this.#lost = `the retrain lock ${this.store.description}/${this.key} was taken over by another run (ours expired at ${this.#lock.expiresAt} without renewal)`;
      throw new GraphrecError('retrain/lock-lost', this.#lost);
    }
    this.#lock = next;
    this.#etag = written.etag;
  }

  /** Renews every `intervalMs` in the background (errors are kept for the next {@link renew}); stopped by {@link release}. */
  startHeartbeat(intervalMs = this.options.ttlMs / 3): void {
    this.#timer = setInterval(() => void this.renew().catch(() => undefined), intervalMs);
    this.#timer.unref();
  }

  /**
   * Lets go: rewrites the lock, on our ETag, as released and expired now, so
   * the next run takes it over at once. A lease already lost is left alone.
   * @returns false when the lock was no longer ours.
   */
  async release(): Promise<boolean> {
    clearInterval(this.#timer);
    await this.#renewal.catch(() => undefined);
    if (this.#lost) return false;
    const at = (this.options.now ?? (() => new Date()))().toISOString();
    const written = await this.store.putIfMatch(this.key, encode({ ...this.#lock, expiresAt: at, releasedAt: at }), this.#etag, { contentType: 'application/json' });
    if (!written.won) this.#lost = 'taken over before release';
    return written.won;
  }
}
