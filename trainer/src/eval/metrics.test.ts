import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricAccumulator, aucAndAp, hitRate, ndcg, recall, reciprocalRank } from './metrics.ts';

describe('ranking metrics', () => {
  it('scores a single relevant item at rank 1 as perfect', () => {
    expect(hitRate([1], 10)).toBe(1);
    expect(recall([1], 10)).toBe(1);
    expect(ndcg([1], 10)).toBe(1);
    expect(reciprocalRank([1])).toBe(1);
  });

  it('scores ranks [3, 12] of two relevant items by hand', () => {
    const ranks = [3, 12];
    expect(hitRate(ranks, 10)).toBe(1);
    expect(recall(ranks, 10)).toBe(0.5);
    expect(ndcg(ranks, 10)).toBeCloseTo(1 / Math.log2(4) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcg(ranks, 10)).toBeCloseTo(0.3065736, 6);
    expect(reciprocalRank(ranks)).toBeCloseTo(1 / 3, 12);
    expect(recall(ranks, 50)).toBe(1);
    expect(ndcg(ranks, 50)).toBeCloseTo((0.5 + 1 / Math.log2(13)) / (1 + 1 / Math.log2(3)), 12);
  });

  it('gives zero at K for a miss but keeps MRR uncut', () => {
    expect(hitRate([11], 10)).toBe(0);
    expect(recall([11], 10)).toBe(0);
    expect(ndcg([11], 10)).toBe(0);
    expect(reciprocalRank([11])).toBeCloseTo(1 / 11, 12);
  });

  it('caps the ideal DCG at K hits when there are more relevant items than K', () => {
    expect(ndcg([1, 2, 3], 2)).toBeCloseTo(1, 12);
    expect(recall([1, 2, 3], 2)).toBeCloseTo(2 / 3, 12);
    expect(ndcg([2, 3, 1], 3)).toBeCloseTo(1, 12);
    expect(ndcg([1, 3], 2)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 12);
  });
});

describe('MetricAccumulator', () => {
  it('averages over queries with keys per cut-off, mrr last', () => {
    const acc = new MetricAccumulator([10, 50]);
    acc.add([1]);
    acc.add([3, 12]);
    acc.add([60]);
    const m = acc.means();
    expect(Object.keys(m)).toEqual(['hr@10', 'recall@10', 'ndcg@10', 'hr@50', 'recall@50', 'ndcg@50', 'mrr']);
    expect(m['hr@10']).toBeCloseTo(2 / 3, 12);
    expect(m['recall@10']).toBeCloseTo(1.5 / 3, 12);
    expect(m['recall@50']).toBeCloseTo(2 / 3, 12);
    expect(m['ndcg@10']).toBeCloseTo((1 + ndcg([3, 12], 10)) / 3, 12);
    expect(m.mrr).toBeCloseTo((1 + 1 / 3 + 1 / 60) / 3, 12);
    expect(acc.queries).toBe(3);
  });

  it('defaults to K_VALUES and rejects a bad cut-off', () => {
    expect(Object.keys(new MetricAccumulator().means())).toContain('ndcg@500');
    expect(() => new MetricAccumulator([0])).toThrow(/positive integer/);
  });
});

const f32 = (...xs: number[]): Float32Array => Float32Array.from(xs);

describe('aucAndAp', () => {
  it('gives AUC 1 when separated, 0 when reversed, 0.5 when all tied', () => {
    expect(aucAndAp(f32(0.9, 0.8), f32(0.1, 0.2, 0.3)).auc).toBe(1);
    expect(aucAndAp(f32(0.9, 0.8), f32(0.1, 0.2, 0.3)).ap).toBe(1);
    expect(aucAndAp(f32(0.1, 0.2), f32(0.8, 0.9)).auc).toBe(0);
    const tied = aucAndAp(f32(1, 1), f32(1, 1, 1));
    expect(tied.auc).toBe(0.5);
    expect(tied.ap).toBeCloseTo(2 / 5, 12);
  });

  it('counts a tied pair as one half', () => {
    // pairs: (.5,.5) = 1/2, (.5,.2) = 1, (.8,.5) = 1, (.8,.2) = 1
    expect(aucAndAp(f32(0.5, 0.8), f32(0.5, 0.2)).auc).toBeCloseTo(3.5 / 4, 12);
  });

  it("matches scikit-learn's documented example (AP 0.8333, AUC 0.75)", () => {
    // y_true = [0, 0, 1, 1], y_score = [0.1, 0.4, 0.35, 0.8]
    const r = aucAndAp(f32(0.35, 0.8), f32(0.1, 0.4));
    expect(r.ap).toBeCloseTo(0.8333333, 6);
    expect(r.auc).toBeCloseTo(0.75, 12);
  });

  it('lets tied items enter the precision-recall curve together', () => {
    // one threshold holding 2 positives and 1 negative: P = 2/3 at R = 1
    expect(aucAndAp(f32(0.5, 0.5), f32(0.5)).ap).toBeCloseTo(2 / 3, 12);
    // thresholds .9 (tp 1, fp 0), .5 (tp 2, fp 2), .1 (tp 2, fp 3): AP = .5·1 + .5·.5
    expect(aucAndAp(f32(0.9, 0.5), f32(0.5, 0.5, 0.1)).ap).toBeCloseTo(0.75, 12);
  });

  it('refuses NaN and empty classes', () => {
    expect(() => aucAndAp(f32(NaN), f32(0))).toThrow(/NaN/);
    expect(() => aucAndAp(f32(), f32(0))).toThrow(/positives and negatives/);
  });

  it('agrees with the quadratic definitions on random scores with ties', () => {
    const scores = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(scores, scores, (p, n) => {
        const { auc, ap } = aucAndAp(Float32Array.from(p), Float32Array.from(n));
        let wins = 0;
        for (const a of p) for (const b of n) wins += a > b ? 1 : a === b ? 0.5 : 0;
        expect(auc).toBeCloseTo(wins / (p.length * n.length), 10);
        let expected = 0;
        let prevRecall = 0;
        for (const t of [...new Set([...p, ...n])].sort((a, b) => b - a)) {
          const tp = p.filter((s) => s >= t).length;
          const fp = n.filter((s) => s >= t).length;
          expected += (tp / p.length - prevRecall) * (tp / (tp + fp));
          prevRecall = tp / p.length;
        }
        expect(ap).toBeCloseTo(expected, 10);
      }),
    );
  });
});
