/**
 * Waiting for another request's work in workerd. A request resumed by another
 * request's I/O is judged hung and cancelled with a 500 (measured: 42–77 of
 * 3,200 concurrent `similar` requests under cache pressure at 1M items, and 11
 * of 150,000 stress-run answers waiting on a shared CURRENT refresh; none with
 * this). So a waiter never awaits the other request's promise: it polls the
 * outcome on timers of its own and settles its own promise from its own context.
 */

/** How often a waiter looks whether the work has settled. */
const POLL_MS = 2;

/** A promise whose outcome can be read synchronously, and when it started. */
export interface Settled<T> {
  promise: Promise<T>;
  done: boolean;
  /** `Date.now()` when the work started. */
  started: number;
  value?: T;
  error?: unknown;
}

/** Wraps `promise` so its outcome can be polled (the handlers are attached before the caller's). */
export function settledState<T>(promise: Promise<T>, started = Date.now()): Settled<T> {
  const state: Settled<T> = { promise, done: false, started };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

/** What to do with work that never settles. */
export interface Orphaned<T> {
  /** Age past which unsettled work is taken for orphaned. */
  staleMs: number;
  /** Starts the work again; its outcome becomes the waiter's. */
  restart: () => Promise<T>;
}

/**
 * The outcome of `state`, waited for on this request's own timers.
 *
 * Work can also never settle: workerd drops the pending I/O of a request once
 * it has answered, so work that request started in the background (a prefetch)
 * and left behind is orphaned. With `orphaned`, a waiter takes work older than
 * `staleMs` (longer than a read may take with its retries) for orphaned and
 * starts it again; live work judged so only costs a second read.
 */
export function awaitOnOwnTimers<T>(state: Settled<T>, orphaned?: Orphaned<T>): Promise<T> {
  if (state.done) return 'error' in state ? Promise.reject(state.error) : Promise.resolve(state.value as T);
  return new Promise<T>((resolve, reject) => {
    const poll = (): void => {
      if (!state.done && orphaned && Date.now() - state.started > orphaned.staleMs) orphaned.restart().then(resolve, reject);
      else if (!state.done) setTimeout(poll, POLL_MS);
      else if ('error' in state) reject(state.error);
      else resolve(state.value as T);
    };
    setTimeout(poll, POLL_MS);
  });
}
