/**
 * Fault injection at the storage boundary, for tests only: an R2 binding
 * whose `get` errors, hangs, or returns flipped bytes for keys a rule
 * matches. Nothing in `edge/src` imports it; the test entry
 * (`./worker.ts`) wraps `env.ARTIFACTS` with it.
 */
import type { FaultRule } from './rules.ts';

export type { FaultRule } from './rules.ts';

/** A rule with its counters. */
export interface FaultState extends FaultRule {
  /** Reads of matching keys. */
  seen: number;
  /** Faults injected. */
  injected: number;
  next: () => number;
}

/** mulberry32: a small seeded PRNG, so a probabilistic run can be repeated. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function faultState(rule: FaultRule): FaultState {
  return { ...rule, seen: 0, injected: 0, next: mulberry32(rule.seed ?? 1) };
}

/** The first rule that faults this read of `key` (counted), or undefined. */
function pick(rules: readonly FaultState[], key: string): FaultState | undefined {
  for (const rule of rules) {
    if (!key.includes(rule.match)) continue;
    rule.seen++;
    if (rule.injected >= (rule.times ?? Infinity)) continue;
    if (rule.next() >= (rule.probability ?? 1)) continue;
    rule.injected++;
    return rule;
  }
  return undefined;
}

/** A stand-in body holding `bytes`: what the Worker's readers use of an `R2ObjectBody`. */
function bodyOf(object: R2ObjectBody, bytes: Uint8Array): R2ObjectBody {
  const copy = (): ArrayBuffer => bytes.slice().buffer;
  // A plain object: the binding's own objects are native, and their getters refuse another receiver.
  return {
    key: object.key,
    version: object.version,
    size: bytes.byteLength,
    etag: object.etag,
    httpEtag: object.httpEtag,
    uploaded: object.uploaded,
    httpMetadata: object.httpMetadata,
    customMetadata: object.customMetadata,
    range: object.range,
    body: new Response(copy()).body!,
    bodyUsed: false,
    arrayBuffer: async () => copy(),
    bytes: async () => new Uint8Array(copy()),
    text: async () => new TextDecoder().decode(bytes),
    json: async () => JSON.parse(new TextDecoder().decode(bytes)),
    blob: async () => new Blob([copy()]),
  } as unknown as R2ObjectBody;
}

/**
 * `bucket` with `rules()` applied to every `get`; every other method is the real one.
 * @param rules read on every get, so a test can change them while the Worker runs.
 */
export function faultyBucket(bucket: R2Bucket, rules: () => readonly FaultState[]): R2Bucket {
  const get = async (key: string, options?: R2GetOptions): Promise<R2ObjectBody | null> => {
    const rule = pick(rules(), key);
    if (rule?.kind === 'error') throw new Error(`injected R2 error reading ${key}`);
    if (rule?.kind === 'hang') await new Promise((resolve) => setTimeout(resolve, rule.hangMs ?? 30_000));
    const object = (await bucket.get(key, options)) as R2ObjectBody | null;
    if (rule?.kind !== 'flip' || !object) return object;
    const bytes = new Uint8Array(await object.arrayBuffer());
    if (bytes.byteLength > 0) bytes[bytes.byteLength >> 1] ^= 0xff;
    return bodyOf(object, bytes);
  };
  return new Proxy(bucket, {
    get(target, prop) {
      if (prop === 'get') return get;
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
