import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { K_VALUES } from './types.ts';

/**
 * Ranking and link-prediction metrics as pure functions. Ranking metrics take,
 * for one query, the 1-based ranks of all its relevant items among the
 * candidates (distinct, each ≥ 1), so `ranks.length` is the number of relevant items.
 */

/** HR@K: 1 when any relevant item ranks in the top `k`, else 0. */
export function hitRate(ranks: ArrayLike<number>, k: number): number {
  for (let i = 0; i < ranks.length; i++) if (ranks[i] <= k) return 1;
  return 0;
}

/** Recall@K: the share of relevant items ranked in the top `k`. */
export function recall(ranks: ArrayLike<number>, k: number): number {
  if (ranks.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] <= k) hits++;
  return hits / ranks.length;
}

/**
 * NDCG@K with binary relevance: Σ_{rank ≤ k} 1/log2(rank + 1), divided by the
 * DCG of the ideal list, which has min(#relevant, k) hits at the top.
 */
export function ndcg(ranks: ArrayLike<number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] <= k) dcg += 1 / Math.log2(ranks[i] + 1);
  if (dcg === 0) return 0;
  const ideal = Math.min(ranks.length, k);
  let idcg = 0;
  for (let p = 1; p <= ideal; p++) idcg += 1 / Math.log2(p + 1);
  return dcg / idcg;
}

/** Reciprocal rank of the best-ranked relevant item (no cut-off); 0 for no ranks. */
export function reciprocalRank(ranks: ArrayLike<number>): number {
  let best = Infinity;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] < best) best = ranks[i];
  return best === Infinity ? 0 : 1 / best;
}

/**
 * Link-prediction AUC and average precision from the scores of positive and
 * negative pairs, in O(n log n) by sorting each side and merging.
 * AUC is P(random positive outscores random negative), ties counting 1/2.
 * AP follows scikit-learn's `average_precision_score`: the list is cut at each
 * distinct score (tied items enter together) and AP = Σ_n (R_n − R_{n−1}) P_n.
 * @param posScores `[numPositive]` scores of true pairs.
 * @param negScores `[numNegative]` scores of sampled non-pairs.
 * @throws GraphrecError `eval/empty-class` when either side is empty, `eval/nan-score` on NaN.
 */
export function aucAndAp(posScores: Float32Array | Float64Array, negScores: Float32Array | Float64Array): { auc: number; ap: number } {
  const numPos = posScores.length;
  const numNeg = negScores.length;
  if (numPos === 0 || numNeg === 0) {
    throw new GraphrecError('eval/empty-class', `aucAndAp needs positives and negatives, got ${numPos} and ${numNeg}`);
  }
  const pos = sortedCopy(posScores, 'posScores');
  const neg = sortedCopy(negScores, 'negScores');
  // Walk both ascending-sorted lists from the top, one distinct score at a time.
  let i = numPos - 1;
  let j = numNeg - 1;
  let tp = 0;
  let fp = 0;
  let aucSum = 0;
  let ap = 0;
  while (i >= 0 || j >= 0) {
    const s = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    let p = 0;
    let n = 0;
    while (i >= 0 && pos[i] === s) {
      p++;
      i--;
    }
    while (j >= 0 && neg[j] === s) {
      n++;
      j--;
    }
    const negBelow = numNeg - fp - n;
    aucSum += p * negBelow + 0.5 * p * n;
    tp += p;
    fp += n;
    if (p > 0) ap += (p / numPos) * (tp / (tp + fp));
  }
  return { auc: aucSum / (numPos * numNeg), ap };
}

function sortedCopy(scores: Float32Array | Float64Array, name: string): Float64Array {
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s !== s) throw new GraphrecError('eval/nan-score', `${name}[${i}] is NaN`);
    out[i] = s;
  }
  return out.sort();
}

/**
 * Sums per-query ranking metrics at each cut-off and reports their means.
 * @example
 * const acc = new MetricAccumulator();
 * acc.add([3, 12]);
 * acc.means(); // { 'hr@10': 1, 'recall@10': 0.5, 'ndcg@10': 0.38…, …, mrr: 0.33… }
 */
export class MetricAccumulator {
  readonly ks: readonly number[];
  /** Per cut-off: hr, recall, ndcg sums, then the mrr sum last. */
  private readonly sums: Float64Array;
  private count = 0;

  /** @param ks cut-offs, default {@link K_VALUES}. */
  constructor(ks: readonly number[] = K_VALUES) {
    for (const k of ks) {
      if (!Number.isInteger(k) || k < 1) throw new GraphrecError('eval/bad-k', `cut-off ${k} must be a positive integer`);
    }
    this.ks = ks.slice();
    this.sums = new Float64Array(3 * ks.length + 1);
  }

  /** Adds one query given its relevant items' 1-based ranks. */
  add(ranks: ArrayLike<number>): void {
    const ks = this.ks;
    for (let i = 0; i < ks.length; i++) {
      this.sums[3 * i] += hitRate(ranks, ks[i]);
      this.sums[3 * i + 1] += recall(ranks, ks[i]);
      this.sums[3 * i + 2] += ndcg(ranks, ks[i]);
    }
    this.sums[3 * ks.length] += reciprocalRank(ranks);
    this.count++;
  }

  /** Number of queries added. */
  get queries(): number {
    return this.count;
  }

  /** Means over the added queries: `hr@K`, `recall@K`, `ndcg@K` for each K, then `mrr`. */
  means(): Record<string, number> {
    const out: Record<string, number> = {};
    const n = this.count || 1;
    const ks = this.ks;
    for (let i = 0; i < ks.length; i++) {
      out[`hr@${ks[i]}`] = this.sums[3 * i] / n;
      out[`recall@${ks[i]}`] = this.sums[3 * i + 1] / n;
      out[`ndcg@${ks[i]}`] = this.sums[3 * i + 2] / n;
    }
    out.mrr = this.sums[3 * ks.length] / n;
    return out;
  }
}
