/**
 * PinSage figures over several training seeds: per data set, the mean (and
 * spread) of each method's HR@10 under each protocol, and the verdict table
 * the README quotes: for each test protocol, the query its own validation
 * protocol chose, PinSage's test HR@10 over the seeds, and the baselines.
 */

import { formatP, type PairedComparison } from '../../trainer/src/eval/paired.ts';

/** protocol → method → HR@10 of one training run (undefined where not scored). */
export type HitRates = Record<string, Record<string, number | undefined>>;
/** protocol → method → the run's paired comparison with popularity (undefined where not scored). */
export type PairedResults = Record<string, Record<string, PairedComparison | undefined>>;

/** A data set's runs, one per seed, in seed order. */
export interface SeededRuns {
  label: string;
  seeds: number[];
  hr10: HitRates[];
  /** Per seed, when the runs recorded them. */
  paired?: PairedResults[];
}

/** Each test protocol and the validation protocol its settings and query are chosen on. */
export const TEST_PROTOCOLS: readonly { test: string; validation: string; name: string }[] = [
  { test: 'user-leave-last-out', validation: 'user-leave-last-out-validation', name: 'leave-last-out' },
  { test: 'user-temporal', validation: 'user-temporal-validation', name: 'temporal' },
];

const QUERIES = ['pinsage/mean-history', 'pinsage/latest-item'] as const;

/** Values of one method under one protocol across the seeds (runs that did not score it are left out). */
export function valuesOf(runs: SeededRuns, protocol: string, method: string): number[] {
  return runs.hr10.map((r) => r[protocol]?.[method]).filter((x): x is number => x !== undefined && Number.isFinite(x));
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (0 for one value). */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** One line of the verdict table. */
export interface Verdict {
  label: string;
  protocol: string;
  /** The PinSage query with the higher mean HR@10 on the validation protocol. */
  query: (typeof QUERIES)[number];
  validation: number;
  pinsage: number[];
  /** PinSage with the popularity prior (weight chosen on the same validation protocol), same query. */
  withPrior: number[];
  popularity: number;
  itemknn: number;
  itemknnLatest: number;
  /** Seeds whose PinSage test HR@10 is above popularity's on the same run. */
  seedsAbovePopularity: number;
  /** The same for PinSage with the prior. */
  seedsWithPriorAbovePopularity: number;
  /** Per seed, PinSage against popularity on the same test users (users won, lost, McNemar's p). */
  pinsagePaired: PairedComparison[];
  /** The same for PinSage with the prior. */
  withPriorPaired: PairedComparison[];
}

/** The verdict of each test protocol for one data set; the query is chosen on validation, never on the test rows. */
export function verdicts(runs: SeededRuns): Verdict[] {
  return TEST_PROTOCOLS.map(({ test, validation, name }) => {
    const query = QUERIES.reduce((best, q) => (mean(valuesOf(runs, validation, q)) > mean(valuesOf(runs, validation, best)) ? q : best), QUERIES[0]);
    const prior = query.replace('pinsage/', 'pinsage+popularity/');
    const above = (method: string): number => runs.hr10.filter((r) => (r[test]?.[method] ?? -1) > (r[test]?.popularity ?? Infinity)).length;
    const paired = (method: string): PairedComparison[] => (runs.paired ?? []).map((r) => r[test]?.[method]).filter((c): c is PairedComparison => c !== undefined);
    return {
      label: runs.label,
      protocol: name,
      query,
      validation: mean(valuesOf(runs, validation, query)),
      pinsage: valuesOf(runs, test, query),
      withPrior: valuesOf(runs, test, prior),
      popularity: mean(valuesOf(runs, test, 'popularity')),
      itemknn: mean(valuesOf(runs, test, 'itemknn')),
      itemknnLatest: mean(valuesOf(runs, test, 'itemknn/latest-item')),
      seedsAbovePopularity: above(query),
      seedsWithPriorAbovePopularity: above(prior),
      pinsagePaired: paired(query),
      withPriorPaired: paired(prior),
    };
  });
}

/**
 * Paired comparisons over seeds as `+15 (p .18), −17 (p .03)`: per seed, users
 * gained over popularity (won minus lost) and McNemar's p on those users.
 */
export function pairedCell(cs: readonly PairedComparison[]): string {
  if (cs.length === 0) return '–';
  return cs
    .map((c) => {
      const net = c.wins - c.losses;
      return `${net > 0 ? '+' : net < 0 ? '−' : '±'}${Math.abs(net)} (p ${formatP(c.p, c.p < 0.01 ? 3 : 2)})`;
    })
    .join(', ');
}
