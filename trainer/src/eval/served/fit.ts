import { SIGNAL_ORDER, signalMatrix } from '../../../../artifacts/src/ranker/rank.ts';
import type { RankerSettings, Signal, WeightSet } from '../../../../artifacts/src/ranker/schema.ts';
import { Rng } from '../../util/rng.ts';
import type { ServedQuery } from './pools.ts';

/**
 * Fits the served ranker's weights by direct search of validation HR@10
 * (NDCG@10 breaking ties): coordinate ascent over a grid of weights, from the
 * best single signal. Pointwise logistic regression on sampled negatives was
 * measured here to rank worse than Adamic-Adar alone, so the search optimises
 * the served metric itself. A blend is kept only when it beats the best single
 * signal on validation; otherwise that signal is used alone.
 */

/** One validation query: its candidates' signals and which of them are relevant. */
export interface FitCase {
  /** `[candidates × SIGNAL_ORDER]`. */
  signals: Float32Array;
  relevant: Uint8Array;
  /** Relevant items in all, candidates or not (a relevant item outside the candidates is a miss). */
  relevantTotal: number;
  /** `[candidates]` seeded tie-break priority. */
  tie: Float64Array;
}

/** The weights tried for each signal; the blend is scale-free, so relative values matter. */
export const WEIGHT_GRID = [0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
const ROUNDS = 3;

/**
 * Turns served pools into fit cases, dropping each query's excluded items;
 * every candidate's cosine is filled first, so any weights can be tried.
 * @param relevant per query, the relevant item ids; `excluded` per query, ids that are not candidates.
 */
export function fitCases(pools: readonly ServedQuery[], relevant: readonly Int32Array[], excluded: readonly Int32Array[], settings: Pick<RankerSettings, 'maxDegree'>, seed: number): FitCase[] {
  const rng = new Rng(seed);
  const S = SIGNAL_ORDER.length;
  return pools.map(({ pool, cosineOf }, q) => {
    for (const c of pool.candidates) if (Number.isNaN(c.cosine)) c.cosine = cosineOf(c.key);
    const ex = new Set(excluded[q]);
    const rel = new Set(relevant[q]);
    const kept = pool.candidates.map((c, i) => [c, i] as const).filter(([c]) => !ex.has(c.key));
    const all = signalMatrix(pool, settings);
    const signals = new Float32Array(kept.length * S);
    kept.forEach(([, i], j) => signals.set(all.subarray(i * S, (i + 1) * S), j * S));
    return {
      signals,
      relevant: Uint8Array.from(kept, ([c]) => (rel.has(c.key) ? 1 : 0)),
      relevantTotal: rel.size,
      tie: Float64Array.from(kept, () => rng.next()),
    };
  });
}

/** HR@10 and NDCG@10 of weights `w` (in SIGNAL_ORDER) over the cases. */
export function figures(cases: readonly FitCase[], w: ArrayLike<number>): { hr10: number; ndcg10: number } {
  const S = SIGNAL_ORDER.length;
  let hits = 0;
  let ndcgSum = 0;
  for (const c of cases) {
    const n = c.relevant.length;
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < S; j++) s += w[j] * c.signals[i * S + j];
      scores[i] = s;
    }
    let dcg = 0;
    let hit = 0;
    for (let r = 0; r < n; r++) {
      if (!c.relevant[r]) continue;
      let above = 0;
      for (let i = 0; i < n && above < 10; i++) if (scores[i] > scores[r] || (scores[i] === scores[r] && c.tie[i] < c.tie[r])) above++;
      if (above < 10) {
        hit = 1;
        dcg += 1 / Math.log2(above + 2);
      }
    }
    hits += hit;
    let idcg = 0;
    for (let p = 1; p <= Math.min(10, c.relevantTotal); p++) idcg += 1 / Math.log2(p + 1);
    ndcgSum += idcg > 0 ? dcg / idcg : 0;
  }
  return cases.length === 0 ? { hr10: 0, ndcg10: 0 } : { hr10: hits / cases.length, ndcg10: ndcgSum / cases.length };
}

const better = (a: { hr10: number; ndcg10: number }, b: { hr10: number; ndcg10: number }): boolean => a.hr10 > b.hr10 || (a.hr10 === b.hr10 && a.ndcg10 > b.ndcg10);

/**
 * The weight set with the best validation figures among blends of `signals`.
 * @param signals the signals the fit may use (the others get weight 0).
 */
export function fitWeights(cases: readonly FitCase[], signals: readonly Signal[]): WeightSet {
  const index = (s: Signal): number => SIGNAL_ORDER.indexOf(s);
  const unit = (s: Signal): Float64Array => {
    const w = new Float64Array(SIGNAL_ORDER.length);
    w[index(s)] = 1;
    return w;
  };
  let bestSingle = { signal: signals[0], ...figures(cases, unit(signals[0])) };
  for (const s of signals.slice(1)) {
    const f = figures(cases, unit(s));
    if (better(f, bestSingle)) bestSingle = { signal: s, ...f };
  }
  let w = unit(bestSingle.signal);
  let best = { hr10: bestSingle.hr10, ndcg10: bestSingle.ndcg10 };
  for (let round = 0; round < ROUNDS; round++) {
    let moved = false;
    for (const s of signals) {
      for (const g of WEIGHT_GRID) {
        if (w[index(s)] === g) continue;
        const trial = Float64Array.from(w);
        trial[index(s)] = g;
        if (trial.every((x) => x === 0)) continue;
        const f = figures(cases, trial);
        if (better(f, best)) {
          best = f;
          w = trial;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  const blend = better(best, bestSingle);
  const chosenW = blend ? w : unit(bestSingle.signal);
  const figuresKept = blend ? best : bestSingle;
  return {
    weights: Object.fromEntries(SIGNAL_ORDER.map((s, i) => [s, chosenW[i]])) as Record<Signal, number>,
    chosen: blend ? 'blend' : bestSingle.signal,
    validation: { queries: cases.length, ...figuresKept, bestSingle },
  };
}
