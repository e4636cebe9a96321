import { GraphrecError } from '../../../artifacts/src/errors.ts';

/** How reads from R2 are retried (the `READ_*` vars). */
export interface ReadPolicy {
  /** Attempts per read, the first included (≥ 1). */
  attempts: number;
  /** Wait before retry n (1-based): `backoffMs × 2^(n−1)`, jittered to between half and all of it. */
  backoffMs: number;
  /** A read (the get and its body) not done within this is abandoned, counted, and retried. */
  timeoutMs: number;
}

/** The vars' defaults: a cold read stays quick, a hung one is given up after 2.5 s. */
export const DEFAULT_READ_POLICY: ReadPolicy = { attempts: 3, backoffMs: 50, timeoutMs: 2_500 };

/** Counters of reads from storage, exposed by `/v1/health`. */
export interface ReadStats {
  /** Attempts made on R2, retries included. */
  r2Reads: number;
  cacheApiHits: number;
  /** Reads whose bytes failed their size or sha256 (each attempt counts). */
  corrupt: number;
  /** Attempts after a failed one. */
  retries: number;
  /** Attempts abandoned at the timeout. */
  timeouts: number;
  /** Attempts R2 answered with an error. */
  errors: number;
}

export const emptyReadStats = (): ReadStats => ({ r2Reads: 0, cacheApiHits: 0, corrupt: 0, retries: 0, timeouts: 0, errors: 0 });

/** What a read expects of its bytes: a check, and the refusal's message when they fail it. */
export interface Verify {
  check(bytes: Uint8Array): Promise<boolean>;
  refusal(bytes: Uint8Array): string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads R2 objects with bounded retries: an R2 error, a read that outlasts
 * the timeout, and bytes that fail their check (a flaky transfer can corrupt)
 * are each retried after an exponential, jittered backoff. A missing object
 * is not retried: objects are immutable and R2 is strongly consistent.
 * Worst case per read: `attempts × timeoutMs` plus the backoffs.
 */
export class ResilientBucket {
  /**
   * @param random jitter source in [0, 1), overridable for tests.
   */
  constructor(
    private readonly bucket: R2Bucket,
    readonly policy: ReadPolicy,
    readonly stats: ReadStats,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The bytes of `key` (or of `range` of it), passing `verify` when given; null when the object is missing.
   * @param what names the object in error messages.
   * @throws GraphrecError `artifact/unavailable` when every attempt errored or timed out,
   *   `artifact/corrupt` when the last attempt's bytes failed `verify`.
   */
  async read(key: string, what: string, options: { range?: R2Range; verify?: Verify } = {}): Promise<Uint8Array | null> {
    const { attempts, backoffMs } = this.policy;
    let failure: GraphrecError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        this.stats.retries++;
        await sleep(backoffMs * 2 ** (attempt - 2) * (0.5 + this.random() / 2));
      }
      this.stats.r2Reads++;
      let bytes: Uint8Array | null;
      try {
        bytes = await this.attempt(key, options.range);
      } catch (err) {
        failure = new GraphrecError('artifact/unavailable', `artifact ${what} could not be read from storage after ${attempt} attempt(s): ${(err as Error).message.slice(0, 200)}`);
        continue;
      }
      if (bytes === null) return null;
      if (!options.verify || (await options.verify.check(bytes))) return bytes;
      this.stats.corrupt++;
      failure = new GraphrecError('artifact/corrupt', options.verify.refusal(bytes));
    }
    throw failure!;
  }

  /** One get and its body, abandoned after the timeout. */
  private attempt(key: string, range: R2Range | undefined): Promise<Uint8Array | null> {
    const { timeoutMs } = this.policy;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let timedOut = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        this.stats.timeouts++;
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const read = (async () => {
      const object = await this.bucket.get(key, range ? { range } : undefined);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    })();
    // An error after the timeout was already counted as a timeout.
    read.catch(() => timedOut || this.stats.errors++);
    return Promise.race([read, timeout]).finally(() => clearTimeout(timer));
  }
}
