import type { ObjectStore } from '../../trainer/src/publish/object-store.ts';

/**
 * Fault injection, the one kind of stand-in these tests allow: wraps a real
 * store and fails puts number `from`, `from + 1`, … (1-based), `times` of them
 * (default: all from then on, as when the connection is lost for good).
 */
export function failingPuts(store: ObjectStore, from: number, times = Number.POSITIVE_INFINITY): ObjectStore & { puts: number; failed: number } {
  const wrapped = {
    ...store,
    description: store.description,
    puts: 0,
    failed: 0,
    async put(...args: Parameters<ObjectStore['put']>) {
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
