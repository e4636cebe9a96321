import type { ObjectStore } from '../../trainer/src/publish/object-store.ts';

/**
 * Fault injection, the one kind of stand-in these tests allow: wraps a real
 * store and fails puts number `from`, `from + 1`, … (1-based), `times` of them
 * (default: all from then on, as when the connection is lost for good).
 * With `only`, just the puts of keys it accepts are counted and failed.
 */
export function failingPuts(store: ObjectStore, from: number, times = Number.POSITIVE_INFINITY, only: (key: string) => boolean = () => true): ObjectStore & { puts: number; failed: number } {
  const wrapped = {
    ...store,
    description: store.description,
    puts: 0,
    failed: 0,
    async put(...args: Parameters<ObjectStore['put']>) {
      if (!only(args[0])) return store.put(...args);
      wrapped.puts++;
      if (wrapped.puts >= from && wrapped.failed < times) {
        wrapped.failed++;
        throw Object.assign(new Error(`injected fault on put #${wrapped.puts} (${args[0]})`), { code: 'ECONNRESET' });
      }
      return store.put(...args);
    },
  };
  return wrapped;
}
