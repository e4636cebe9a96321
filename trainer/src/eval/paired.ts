import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { MethodResult } from './types.ts';

/**
 * Whether one method's HR@K beats another's on the same queries by more than
 * chance. Means over a few hundred users move by a couple of points between
 * seeds, so a gap in HR@10 alone does not say which method is better; the
 * queries where exactly one of the two hits do (McNemar's test, exact form).
 */

/** One method against another on the same queries, at one cut-off. */
export interface PairedComparison {
  /** The other method, e.g. `'popularity'`. */
  against: string;
  k: number;
  /** Queries this method hits within `k` and the other misses. */
  wins: number;
  /** Queries the other hits and this one misses. */
  losses: number;
  /** Two-sided exact McNemar p-value: the chance of a split this uneven if both methods were as good. */
  p: number;
}

/**
 * Exact two-sided McNemar test: `P(X ≤ min) + P(X ≥ max)` for X ~ Binomial(wins + losses, ½),
 * capped at 1; 1 when no query separates the methods. Summed in log space, so
 * tens of thousands of discordant queries do not underflow.
 */
export function mcnemarExact(wins: number, losses: number): number {
  for (const [name, x] of [['wins', wins], ['losses', losses]] as const) {
    if (!Number.isInteger(x) || x < 0) throw new GraphrecError('eval/bad-count', `${name} must be a non-negative integer, got ${x}`);
  }
  const n = wins + losses;
  if (n === 0) return 1;
  const m = Math.min(wins, losses);
  // log C(n, i) − n log 2, for i = 0 … m, by the ratio C(n, i) / C(n, i − 1) = (n − i + 1) / i.
  const terms = new Float64Array(m + 1);
  terms[0] = -n * Math.LN2;
  for (let i = 1; i <= m; i++) terms[i] = terms[i - 1] + Math.log((n - i + 1) / i);
  let top = -Infinity;
  for (const t of terms) top = Math.max(top, t);
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - top);
  const tail = Math.exp(top + Math.log(sum));
  // The two tails are mirror images; when wins = losses they overlap in the middle term, and p is 1.
  return Math.min(1, 2 * tail);
}

/**
 * Compares two methods' per-query best ranks (the 1-based rank of each query's
 * best-placed relevant item, as {@link evaluateRanking} returns them) at cut-off `k`.
 * @throws GraphrecError `eval/bad-task` when the two rank lists are not over the same queries.
 */
export function pairedHits(ranks: ArrayLike<number>, otherRanks: ArrayLike<number>, k: number, against: string): PairedComparison {
  if (ranks.length !== otherRanks.length) throw new GraphrecError('eval/bad-task', `paired comparison over ${ranks.length} and ${otherRanks.length} queries: not the same queries`);
  let wins = 0;
  let losses = 0;
  for (let q = 0; q < ranks.length; q++) {
    const hit = ranks[q] <= k;
    const otherHit = otherRanks[q] <= k;
    if (hit && !otherHit) wins++;
    else if (otherHit && !hit) losses++;
  }
  return { against, k, wins, losses, p: mcnemarExact(wins, losses) };
}

/** A p-value as tables print it: `.038` (no leading zero, `digits` decimals), or `< .001`. */
export function formatP(p: number, digits = 3): string {
  return p < 0.001 ? '< .001' : p.toFixed(digits).replace(/^0/, '');
}

/** `+12 −4, p = .038`: queries won, queries lost, and McNemar's p, for table cells. */
export function pairedShort(c: PairedComparison): string {
  return `+${c.wins} −${c.losses}, p ${c.p < 0.001 ? '' : '= '}${formatP(c.p)}`;
}

/** The method every other is paired against, and at which cut-off: the bar the issues set is "beats popularity on HR@10". */
const PAIRED_AGAINST = { method: 'popularity', k: 10 } as const;

/**
 * `methods` with {@link MethodResult.paired} set on each scored method other than
 * popularity, from the per-query best ranks of one protocol's run; unchanged when
 * popularity was not ranked there.
 */
export function pairedAgainstPopularity(methods: readonly MethodResult[], bestRanks: ReadonlyMap<string, Float64Array>): MethodResult[] {
  const { method: against, k } = PAIRED_AGAINST;
  const base = bestRanks.get(against);
  if (!base) return [...methods];
  return methods.map((m) => {
    const ranks = bestRanks.get(m.method);
    return m.method === against || !m.metrics || !ranks ? m : { ...m, paired: pairedHits(ranks, base, k, against) };
  });
}

/** The baselines a served row must beat (GraphSAGE's, and the user protocols' popularity and ItemKNN rows). */
export const BASELINES = new Set(['popularity', 'common-neighbours', 'adamic-adar', 'itemknn', 'itemknn/latest-item', 'tfidf']);

/** Whether a method is a served row (`served`, `served-without-embedding`). */
export const isServedMethod = (method: string): boolean => method === 'served' || method.startsWith('served-');

/**
 * {@link pairedAgainstPopularity}, and each served row also paired (field `pairedBest`)
 * with the protocol's best baseline by HR@10 (the first listed on ties).
 */
export function pairedAgainstBaselines(methods: readonly MethodResult[], bestRanks: ReadonlyMap<string, Float64Array>): MethodResult[] {
  const withPopularity = pairedAgainstPopularity(methods, bestRanks);
  let best: MethodResult | undefined;
  for (const m of withPopularity) {
    if (!BASELINES.has(m.method) || !m.metrics || !bestRanks.has(m.method)) continue;
    if (!best || (m.metrics['hr@10'] ?? 0) > (best.metrics?.['hr@10'] ?? 0)) best = m;
  }
  const baseRanks = best ? bestRanks.get(best.method) : undefined;
  // What the GNN adds to the served ranking: `served` against the same ranker without the embedding.
  const ablation = bestRanks.get(ABLATION);
  return withPopularity.map((m) => {
    const ranks = bestRanks.get(m.method);
    if (!isServedMethod(m.method) || !m.metrics || !ranks) return m;
    return {
      ...m,
      ...(best && baseRanks ? { pairedBest: pairedHits(ranks, baseRanks, PAIRED_AGAINST.k, best.method) } : {}),
      ...(m.method === 'served' && ablation ? { pairedAblation: pairedHits(ranks, ablation, PAIRED_AGAINST.k, ABLATION) } : {}),
    };
  });
}

/** The served row without the embedding signal. */
const ABLATION = 'served-without-embedding';
