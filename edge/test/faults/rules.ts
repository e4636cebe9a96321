/** The fault rules `/__faults` takes (apart from `faulty-bucket.ts`, so Node tests can import them without Workers types). */

/** One fault: what it does to reads of matching keys, how often, for how long. */
export interface FaultRule {
  /** Substring of the object key the rule applies to. */
  match: string;
  /** `error`: the get throws; `hang`: the get answers after `hangMs`; `flip`: one byte of the body is inverted. */
  kind: 'error' | 'hang' | 'flip';
  /** Faults to inject in all (default: no limit). */
  times?: number;
  /** Chance that a matching read is faulted (default 1), drawn from a PRNG seeded with `seed`. */
  probability?: number;
  seed?: number;
  /** How long a hung get takes (default 30 s). */
  hangMs?: number;
}
