import { GraphrecError } from '../../../artifacts/src/errors.ts';

/** Attempts and backoff of one object operation, on top of the SDK's own retries. */
export interface RetryPolicy {
  /** Tries in all, ≥ 1. */
  attempts: number;
  /** First backoff ceiling; it doubles per try up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 4, baseDelayMs: 250, maxDelayMs: 8000 });

/**
 * True for failures another try cannot fix: our own errors (bad input, checksum
 * refusals) and HTTP 4xx answers other than 408 (timeout) and 429 (slow down).
 */
export function isPermanent(err: unknown): boolean {
  if (err instanceof GraphrecError) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** "Full jitter" backoff: uniform in `[0, min(max, base·2^(try-1))]`, so parallel retries spread out. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

/**
 * Runs `fn` until it succeeds, a permanent error occurs, or the attempts run out.
 * @param what Names the operation in the final error, e.g. `put shards/0001.usearch`.
 * @throws The permanent error as is; otherwise GraphrecError `publish/store-failed` naming `what`, the tries and the last cause.
 */
export async function withRetry<T>(what: string, policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (isPermanent(err)) throw err;
      if (attempt >= policy.attempts) {
        const message = err instanceof Error ? err.message || err.name : String(err);
        throw new GraphrecError('publish/store-failed', `${what} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${message}`, { cause: err });
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, policy)));
    }
  }
}
